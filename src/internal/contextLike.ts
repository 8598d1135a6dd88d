/**
 * A trace context in the shape datadog-lambda-js custom extractors return, read into plain fields: decimal ids
 * (strings, safe-integer numbers or bigints), a sampling priority (`samplingPriority` or the legacy `sampleMode`),
 * the 128-bit high half and the origin. Effect-free, shared by both lines' custom extractors.
 */
import type { ContextFields } from "./contextFields.js"
import type { ExtractorName } from "./extractorName.js"
import * as Ids from "./ids.js"

const idOf = (value: unknown): string | undefined => {
  if (typeof value === "string") return Ids.parseDecimalU64(value)
  if (typeof value === "number") return Number.isSafeInteger(value) ? Ids.parseDecimalU64(String(value)) : undefined
  if (typeof value === "bigint") return Ids.parseDecimalU64(value.toString())
  return undefined
}

/** `true` when the value looks like a context (has `traceId` or `parentId`) rather than a header map. */
export const isContextLike = (value: Readonly<Record<string, unknown>>): boolean =>
  "traceId" in value || "parentId" in value

/** The context's fields; `undefined` when `traceId` or `parentId` is not a non-zero unsigned 64-bit decimal. */
export const toFields = (
  value: Readonly<Record<string, unknown>>,
  source: ExtractorName
): ContextFields | undefined => {
  const traceId = idOf(value.traceId)
  const parentId = idOf(value.parentId)
  if (traceId === undefined || parentId === undefined) return undefined
  const priority = value.samplingPriority ?? value.sampleMode
  const lower = typeof value.traceIdHigh === "string" ? value.traceIdHigh.toLowerCase() : undefined
  // An all-zero high half means a 64-bit trace: neither the field nor the `_dd.p.tid` tag.
  const high = lower !== undefined && Ids.isHex16(lower) && lower !== "0000000000000000" ? lower : undefined
  return {
    traceId,
    parentId,
    source,
    samplingPriority: Number.isInteger(priority) ? priority as number : undefined,
    traceIdHigh: high,
    origin: typeof value.origin === "string" ? value.origin : undefined,
    tags: high === undefined ? undefined : { "_dd.p.tid": high }
  }
}

/** The failure detail of a context-like value without usable ids. */
export const INCOMPLETE = "traceId and parentId must be non-zero unsigned 64-bit decimals"

/** What a custom extractor returned, sorted: what each line turns into its result. */
export type Classified<C> =
  | { readonly _tag: "Nothing" }
  | { readonly _tag: "Context"; readonly context: C }
  | { readonly _tag: "Fields"; readonly fields: ContextFields }
  | { readonly _tag: "Incomplete" }
  | { readonly _tag: "NotAnObject"; readonly type: string }
  | { readonly _tag: "Carrier"; readonly carrier: Readonly<Record<string, unknown>> }

const NOTHING: Classified<never> = { _tag: "Nothing" }
const INCOMPLETE_CONTEXT: Classified<never> = { _tag: "Incomplete" }

/**
 * Sorts a custom extractor's return value: nothing (`null`/`undefined`), the line's own context (`isContext`), a
 * context-like object (its fields, or incomplete), another object (a carrier for the propagator), or anything else.
 * A line unwraps its `Option` first.
 */
export const classify = <C>(result: unknown, isContext: (value: unknown) => value is C): Classified<C> => {
  if (result === null || result === undefined) return NOTHING
  if (isContext(result)) return { _tag: "Context", context: result }
  if (typeof result !== "object" || Array.isArray(result)) return { _tag: "NotAnObject", type: typeof result }
  const record = result as Readonly<Record<string, unknown>>
  if (!isContextLike(record)) return { _tag: "Carrier", carrier: record }
  const fields = toFields(record, "custom")
  return fields === undefined ? INCOMPLETE_CONTEXT : { _tag: "Fields", fields }
}
