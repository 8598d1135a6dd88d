/**
 * Pure, effect-free helpers for Datadog and W3C trace identifiers.
 *
 * Datadog propagates 64-bit ids as unsigned decimal strings; the upper half of a 128-bit trace id travels
 * separately as 16 lower-case hex characters (`_dd.p.tid`). W3C / OpenTelemetry use 32-hex trace ids and
 * 16-hex span ids.
 */

/** The largest unsigned 64-bit integer, in decimal. */
export const MAX_U64_DECIMAL = "18446744073709551615"

/** Sixteen zeros: the all-zero 64-bit id in hex. */
export const ZERO_HEX16 = "0000000000000000"

// Character loops rather than regular expressions: these run several times per extraction on short strings,
// where a loop costs a fraction of a `RegExp.test` call.

const isDigit = (code: number): boolean => code >= 48 && code <= 57

const isLowerHex = (code: number): boolean => isDigit(code) || (code >= 97 && code <= 102)

const isAnyCaseHex = (code: number): boolean => isLowerHex(code) || (code >= 65 && code <= 70)

const every = (value: string, test: (code: number) => boolean): boolean => {
  for (let i = 0; i < value.length; i++) {
    if (!test(value.charCodeAt(i))) return false
  }
  return true
}

/** `true` for a non-empty string of ASCII digits only. */
export const isDigits = (value: string): boolean => value.length > 0 && every(value, isDigit)

/** `true` for a canonical (no leading zeros), non-zero decimal that fits in 64 unsigned bits. */
export const isDecimalU64 = (value: string): boolean =>
  value.length <= 20 && value.charCodeAt(0) !== 48 && isDigits(value) &&
  (value.length < 20 || value <= MAX_U64_DECIMAL)

/**
 * Parses a decimal id leniently (leading zeros allowed, as dd-trace does) into its canonical form.
 * Returns `undefined` for anything that is not a non-zero unsigned 64-bit decimal.
 */
export const parseDecimalU64 = (value: string): string | undefined => {
  if (value.length > 64 || !isDigits(value)) return undefined
  let start = 0
  while (start < value.length - 1 && value.charCodeAt(start) === 48) start++
  const canonical = start === 0 ? value : value.slice(start)
  return isDecimalU64(canonical) ? canonical : undefined
}

/** `true` for exactly 16 lower-case hex characters. */
export const isHex16 = (value: string): boolean => value.length === 16 && every(value, isLowerHex)

/** `true` for exactly 16 hex characters of either case (what dd-trace accepts for `_dd.p.tid`). */
export const isHex16AnyCase = (value: string): boolean => value.length === 16 && every(value, isAnyCaseHex)

/** `true` for a non-empty string of zeros only: dd-trace's test for an absent ("invalid segment") id. */
export const isAllZeros = (value: string): boolean => value.length > 0 && every(value, (code) => code === 48)

/** `true` for exactly 32 lower-case hex characters. */
export const isHex32 = (value: string): boolean => value.length === 32 && every(value, isLowerHex)

/** Converts an unsigned 64-bit decimal id to 16 lower-case hex characters. */
export const decimalToHex16 = (decimal: string): string => BigInt(decimal).toString(16).padStart(16, "0")

const TWO_32 = 4294967296

/**
 * The unsigned decimal string of the 64-bit value `hi·2³² + lo` (`hi`, `lo` unsigned 32-bit integers), with number
 * arithmetic only: it is split as `(hi·4294 + ⌊t/10⁶⌋)·10⁶ + t mod 10⁶` with `t = hi·967296 + lo` (since
 * 2³² = 4294·10⁶ + 967296), every term below 2⁵³ and so exact.
 */
export const u64ToDecimal = (hi: number, lo: number): string => {
  if (hi < 0x200000) return String(hi * TWO_32 + lo)
  const t = hi * 967296 + lo
  const rest = t % 1e6
  return String(hi * 4294 + (t - rest) / 1e6) + String(rest).padStart(6, "0")
}

const isByte = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 255

/**
 * The unsigned decimal string of the last 8 bytes of a big-endian byte sequence (dd-trace's id buffers), or
 * `undefined` when it holds fewer than 8 bytes or anything that is not a byte.
 */
export const bytesToDecimal = (bytes: ArrayLike<unknown>): string | undefined => {
  const length = bytes.length
  if (typeof length !== "number" || length < 8) return undefined
  let hi = 0
  let lo = 0
  for (let i = length - 8; i < length; i++) {
    const byte = bytes[i]
    if (!isByte(byte)) return undefined
    if (i < length - 4) hi = hi * 256 + byte
    else lo = lo * 256 + byte
  }
  return u64ToDecimal(hi, lo)
}

/** Converts up to 16 hex characters to an unsigned decimal string (`"0"` for zero). */
export const hexToDecimal = (hex: string): string => BigInt("0x" + hex).toString(10)

/** The 32-hex W3C trace id for a Datadog trace id (low 64 bits in decimal) and its optional `_dd.p.tid`. */
export const toW3cTraceId = (traceIdLow: string, traceIdHigh: string | undefined): string =>
  (traceIdHigh ?? ZERO_HEX16) + decimalToHex16(traceIdLow)

/**
 * Splits a 32-hex W3C trace id into the Datadog form: the low 64 bits in decimal and the high 64 bits as
 * `_dd.p.tid` (absent when zero). Returns `undefined` when the low half is zero or the input is not 32 hex.
 */
export const fromW3cTraceId = (
  hex32: string
): { readonly traceId: string; readonly traceIdHigh: string | undefined } | undefined => {
  if (!isHex32(hex32)) return undefined
  const high = hex32.slice(0, 16)
  const low = hex32.slice(16)
  if (low === ZERO_HEX16) return undefined
  return { traceId: hexToDecimal(low), traceIdHigh: high === ZERO_HEX16 ? undefined : high }
}
