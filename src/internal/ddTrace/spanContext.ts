/**
 * dd-trace's span contexts as this library reads them: the initialisation check, the conversion to a
 * `TraceContext`, and the span context each extracted context came from.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"

/** The part of dd-trace's tracer that extraction uses. */
export interface DdTracer {
  readonly extract: (format: string, carrier: unknown) => unknown
}

interface DdSpanContext {
  readonly toTraceId: (full?: boolean) => string
  readonly toSpanId: (full?: boolean) => string
  readonly _traceId?: unknown
  readonly _spanId?: unknown
  readonly _sampling?: { readonly priority?: unknown }
  readonly _trace?: { readonly origin?: unknown; readonly tags?: Readonly<Record<string, unknown>> }
}

const isSpanContext = (value: unknown): value is DdSpanContext =>
  typeof value === "object" && value !== null && typeof (value as DdSpanContext).toTraceId === "function" &&
  typeof (value as DdSpanContext).toSpanId === "function"

/**
 * `true` when the tracer proxy has been initialised with a real tracer (not dd-trace's no-op one). This mirrors
 * datadog-lambda-js: an initialised inner tracer carries its `_service`.
 */
export const isInitialised = (tracer: DdTracer): boolean => {
  const inner = (tracer as { readonly _tracer?: unknown })._tracer
  return typeof inner === "object" && inner !== null && "_service" in inner
}

// dd-trace's decimal ids (`toTraceId()`, `toSpanId()`) are computed digit by digit, and its hex and BigInt forms copy
// the id into a Buffer first, on every id. Its identifiers keep their bytes, which `toBuffer()`
// hands out without copying; the decimal of the low 8 bytes is what `toTraceId()`/`toSpanId()` return. An identifier
// without them (another dd-trace version) falls back to the methods.
const bufferOf = (id: unknown): ArrayLike<unknown> | undefined => {
  const toBuffer = typeof id === "object" && id !== null ? (id as { readonly toBuffer?: unknown }).toBuffer : undefined
  if (typeof toBuffer !== "function") return undefined
  const buffer: unknown = toBuffer.call(id)
  return typeof buffer === "object" && buffer !== null ? buffer as ArrayLike<unknown> : undefined
}

const decimalOf = (id: unknown, fallback: () => string): string => {
  const buffer = bufferOf(id)
  return (buffer === undefined ? undefined : Ids.bytesToDecimal(buffer)) ?? fallback()
}

const readIds = (value: DdSpanContext): readonly [string, string] | undefined => {
  try {
    return [decimalOf(value._traceId, () => value.toTraceId()), decimalOf(value._spanId, () => value.toSpanId())]
  } catch {
    // dd-trace's context for a sampling-only B3 header has no span id: `toSpanId()` throws.
    return undefined
  }
}

/**
 * Converts a dd-trace span context to a {@link TraceContext.TraceContext}; `undefined` when it lacks a valid
 * trace id or parent id. Keeps the `_dd.p.*` trace tags (`_dd.p.tid` lower-cased) and `_dd.parent_id`. Never
 * throws.
 */
export const fromSpanContext = (value: unknown, source: ExtractorName): ContextFields | undefined => {
  if (!isSpanContext(value)) return undefined
  const ids = readIds(value)
  if (ids === undefined || !Ids.isDecimalU64(ids[0]) || !Ids.isDecimalU64(ids[1])) return undefined
  const tags: Record<string, string> = {}
  const rawTags = value._trace?.tags
  if (typeof rawTags === "object" && rawTags !== null) {
    for (const key in rawTags) {
      const tag = rawTags[key]
      if (typeof tag !== "string" || !(key.startsWith("_dd.p.") || key === "_dd.parent_id")) continue
      tags[key] = key === "_dd.p.tid" ? tag.toLowerCase() : tag
    }
  }
  const tid = tags["_dd.p.tid"]
  const priority = value._sampling?.priority
  const origin = value._trace?.origin
  return {
    traceId: ids[0],
    parentId: ids[1],
    source,
    traceIdHigh: tid !== undefined && Ids.isHex16(tid) && tid !== Ids.ZERO_HEX16 ? tid : undefined,
    samplingPriority: typeof priority === "number" && Number.isSafeInteger(priority) ? priority : undefined,
    origin: typeof origin === "string" ? origin : undefined,
    tags
  }
}

// The dd-trace span context each extracted context came from, so that a tracer over the same dd-trace
// (`DdTraceTracer`) can parent on exactly what dd-trace extracted instead of extracting it a second time.
const extracted = new WeakMap<object, object>()

/** Records the dd-trace span context `context` was extracted from. */
export const remember = (context: object, spanContext: object): void => {
  extracted.set(context, spanContext)
}

/**
 * The dd-trace span context a context was extracted from by this propagator (`undefined` for a context from
 * anywhere else, or one rebuilt since, e.g. attributed to another extractor).
 */
export const extractedSpanContext = (context: object): object | undefined => extracted.get(context)
