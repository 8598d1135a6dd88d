/**
 * Normalisation of untrusted header maps ("carriers") before any propagator sees them.
 */

/** A normalised carrier: lower-case keys, string values. */
export type Carrier = Readonly<Record<string, string>>

/** Bounds applied to every carrier. */
export const limits = {
  /** Keys read from one carrier; later keys are ignored. */
  maxKeys: 256,
  /** Longest key kept. */
  maxKeyLength: 256,
  /** Longest value kept (W3C `tracestate`/`baggage` are the long ones; 8 KiB is HTTP's usual header cap). */
  maxValueLength: 8192
} as const

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"])

const normalizeValue = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return value.length <= limits.maxValueLength ? value : undefined
    case "number":
      // An integer beyond 2^53 has already lost digits in JSON.parse: its string would be a wrong id.
      return Number.isFinite(value) && (Number.isSafeInteger(value) || !Number.isInteger(value))
        ? String(value)
        : undefined
    case "bigint":
      return value.toString()
    default:
      return undefined
  }
}

/** `true` for a non-null, non-array object. */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Normalises an untrusted header map: keys lower-cased (the first spelling wins), multi-value arrays reduced to
 * their first value, numbers turned into strings (integers only while exact), other values dropped, prototype-polluting keys dropped, and
 * sizes capped. Returns `undefined` when the input is not an object or keeps no header. Never mutates the input.
 */
export const normalize = (input: unknown): Carrier | undefined => {
  if (!isRecord(input)) return undefined
  const out: Record<string, string> = {}
  let kept = 0
  let seen = 0
  for (const key in input) {
    if (++seen > limits.maxKeys) break
    if (!Object.prototype.hasOwnProperty.call(input, key) || key.length > limits.maxKeyLength) continue
    const lower = key.toLowerCase()
    if (FORBIDDEN_KEYS.has(lower) || Object.prototype.hasOwnProperty.call(out, lower)) continue
    const raw = input[key]
    const value = normalizeValue(Array.isArray(raw) ? raw[0] : raw)
    if (value === undefined) continue
    out[lower] = value
    kept++
  }
  return kept === 0 ? undefined : out
}
