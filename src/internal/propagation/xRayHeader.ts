/**
 * The AWS X-Ray trace header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`), as found in the
 * `_X_AMZN_TRACE_ID` environment variable and in SQS `AWSTraceHeader` attributes, and its two Datadog readings.
 *
 * Pure and effect-free.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"

/** Bounds on the header. */
export const limits = {
  /** Longest header parsed (X-Ray caps the header, including `Lineage` and extra fields, well below this). */
  maxLength: 2048,
  /** Longest `_dd.origin` value kept. */
  maxOriginLength: 64
} as const

/**
 * The parts of an X-Ray header Datadog reads. `root` and `parent` are lower-cased; `sampled` is `undefined` when
 * the header has no `Sampled=0|1` (absent, `?` deferred, or anything else).
 */
export interface XRayHeader {
  /** `1-<8 hex epoch>-<24 hex>`. */
  readonly root: string
  /** 16 hex. */
  readonly parent: string
  readonly sampled: boolean | undefined
  /** `_dd.origin`, written by dd-trace-java next to a Datadog-padded root. */
  readonly origin?: string | undefined
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/
const PARENT = /^[0-9a-f]{16}$/
const DATADOG_PAD = "00000000"
const MOD_2_63 = 1n << 63n

/**
 * Parses an X-Ray trace header. Fields are `;`-separated `Key=Value` pairs in any order (keys compared without
 * case, surrounding spaces ignored; `Lineage`, `Self` and others are skipped). `Root` and `Parent` are required
 * and must be well-formed. Returns `undefined` otherwise, or for a header longer than {@link limits}.
 */
export const parse = (header: string): XRayHeader | undefined => {
  if (typeof header !== "string" || header.length === 0 || header.length > limits.maxLength) return undefined
  let root: string | undefined
  let parent: string | undefined
  let sampled: boolean | undefined
  let origin: string | undefined
  for (const part of header.split(";")) {
    const separator = part.indexOf("=")
    if (separator === -1) continue
    const key = part.slice(0, separator).trim().toLowerCase()
    const value = part.slice(separator + 1).trim()
    switch (key) {
      case "root":
        root ??= value.toLowerCase()
        break
      case "parent":
        parent ??= value.toLowerCase()
        break
      case "sampled":
        sampled ??= value === "1" ? true : value === "0" ? false : undefined
        break
      case "_dd.origin":
        if (value.length > 0 && value.length <= limits.maxOriginLength) origin ??= value
        break
    }
  }
  if (root === undefined || parent === undefined || !ROOT.test(root) || !PARENT.test(parent)) return undefined
  return origin === undefined ? { root, parent, sampled } : { root, parent, sampled, origin }
}

const rootTraceHex = (root: string): string => root.slice(11)

/**
 * `true` when Datadog wrote the root: its 24-hex part starts with eight zeros followed by a 64-bit Datadog trace
 * id (dd-trace-java's X-Ray propagation; the 8-hex epoch before it is the injection time, not trace id bits).
 */
export const isDatadogPadded = (header: XRayHeader): boolean => rootTraceHex(header.root).startsWith(DATADOG_PAD)

/**
 * The Datadog context of a Datadog-padded header (§4.6.2 of the reference): trace id = the 16 hex after the
 * padding, parent = `Parent`, both decimal; `Sampled` is trusted as Datadog's decision (`1` → 1, `0` → 0, absent →
 * no decision); `_dd.origin` is kept. `undefined` for any other header, or when an id is zero.
 */
export const fromDatadogPadded = (header: string, source: ExtractorName): ContextFields | undefined => {
  const parsed = parse(header)
  return parsed === undefined ? undefined : datadogContext(parsed, source)
}

/** {@link fromDatadogPadded} on an already parsed header. */
export const datadogContext = (parsed: XRayHeader, source: ExtractorName): ContextFields | undefined => {
  if (!isDatadogPadded(parsed)) return undefined
  const traceId = Ids.hexToDecimal(rootTraceHex(parsed.root).slice(DATADOG_PAD.length))
  const parentId = Ids.hexToDecimal(parsed.parent)
  if (traceId === "0" || parentId === "0") return undefined
  return {
    traceId,
    parentId,
    source,
    samplingPriority: parsed.sampled === undefined ? undefined : parsed.sampled ? 1 : 0,
    origin: parsed.origin
  }
}

/**
 * The final-fallback conversion of any X-Ray header (§4.6.1 of the reference): trace id = the 24 hex of `Root`
 * modulo 2^63, parent = `Parent` (all 64 bits), both decimal. No sampling priority: a header Datadog did not write
 * carries X-Ray's decision, not Datadog's. `undefined` when the header does not parse or an id is zero.
 */
export const toFallbackContext = (header: string, source: ExtractorName): ContextFields | undefined => {
  const parsed = parse(header)
  return parsed === undefined ? undefined : fallbackContext(parsed, source)
}

/** {@link toFallbackContext} on an already parsed header. */
export const fallbackContext = (parsed: XRayHeader, source: ExtractorName): ContextFields | undefined => {
  const traceId = (BigInt("0x" + rootTraceHex(parsed.root)) % MOD_2_63).toString(10)
  const parentId = Ids.hexToDecimal(parsed.parent)
  if (traceId === "0" || parentId === "0") return undefined
  return { traceId, parentId, source }
}

/** The environment variable that holds the invocation's header (process-wide). */
export const ENV = "_X_AMZN_TRACE_ID"

/** The Lambda context field read first: the only per-invocation source under multi-concurrency. */
export const CONTEXT_FIELD = "xRayTraceId"

/**
 * The header the Lambda context carries: the string; `null` when the context has the field but no value (the
 * invocation has no trace header); `undefined` when the context has no such field (or a value of another type),
 * and the environment decides.
 */
export const contextHeader = (lambdaContext: unknown): string | null | undefined => {
  if (typeof lambdaContext !== "object" || lambdaContext === null) return undefined
  const value = (lambdaContext as { readonly xRayTraceId?: unknown }).xRayTraceId
  if (typeof value === "string") return value
  return value === null || (value === undefined && CONTEXT_FIELD in lambdaContext) ? null : undefined
}
