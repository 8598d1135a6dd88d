/**
 * Pure parsing and writing of Datadog-style headers (`x-datadog-*`). Effect-free.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"
import type { Carrier } from "./carrier.js"

/** Header names. */
export const headers = {
  traceId: "x-datadog-trace-id",
  parentId: "x-datadog-parent-id",
  samplingPriority: "x-datadog-sampling-priority",
  origin: "x-datadog-origin",
  tags: "x-datadog-tags"
} as const

/** dd-trace's default `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`. */
export const MAX_TAGS_LENGTH = 512

const TAG_KEY_PREFIX = "_dd.p."

/** Printable ASCII from `from` (0x20 or 0x21) to `~`, without `,` (0x2C). */
const isTagText = (text: string, start: number, from: number): boolean => {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < from || code > 0x7e || code === 0x2c) return false
  }
  return true
}

// dd-trace's `/^_dd\.p\.[\x21-\x2b\x2d-\x7e]+$/` and `/^[\x20-\x2b\x2d-\x7e]*$/`, as loops.
const isTagKey = (key: string): boolean =>
  key.length > TAG_KEY_PREFIX.length && key.startsWith(TAG_KEY_PREFIX) && isTagText(key, TAG_KEY_PREFIX.length, 0x21)

const isTagValue = (value: string): boolean => isTagText(value, 0, 0x20)
const INTEGER = /^[+-]?\d+/
const TID = "_dd.p.tid"

// dd-trace's `#extractTags`, keeping `_dd.p.tid` as received (dd-trace compares trace ids with it unchanged).
const scanTags = (header: string | undefined, maxLength: number): Record<string, string> | undefined => {
  if (header === undefined || header.length === 0 || maxLength === 0 || header.length > maxLength) return undefined
  const tags: Record<string, string> = {}
  for (const pair of header.split(",")) {
    const separator = pair.indexOf("=")
    const key = separator === -1 ? pair : pair.slice(0, separator)
    const value = separator === -1 ? "" : pair.slice(separator + 1)
    if (!isTagKey(key) || !isTagValue(value)) return undefined
    if (key !== TID || Ids.isHex16AnyCase(value)) tags[key] = value
  }
  return tags
}

/**
 * Parses `x-datadog-tags` the way dd-trace does: comma-separated `key=value` pairs, every key `_dd.p.*`, values
 * printable ASCII without commas; any invalid pair drops all tags; an invalid `_dd.p.tid` is dropped alone. The
 * tid is lower-cased. Returns `undefined` when the header is absent, too long or invalid.
 */
export const parseTags = (
  header: string | undefined,
  maxLength: number = MAX_TAGS_LENGTH
): Record<string, string> | undefined => {
  const tags = scanTags(header, maxLength)
  const tid = tags?.[TID]
  if (tid !== undefined) tags![TID] = tid.toLowerCase()
  return tags
}

/** Parses a sampling priority header with dd-trace's leniency (`parseInt`): `undefined` when it has no integer. */
export const parsePriority = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const match = INTEGER.exec(value.trim())
  if (match === null) return undefined
  const priority = Number.parseInt(match[0], 10)
  return Number.isSafeInteger(priority) ? priority : undefined
}

/** The Datadog headers of a carrier, as dd-trace reads them. */
export interface Parsed {
  /** Canonical decimal trace id; `undefined` when the header is there but is not a non-zero 64-bit decimal. */
  readonly traceId: string | undefined
  /** Canonical decimal parent id; `undefined` when the header is there but is not a non-zero 64-bit decimal. */
  readonly parentId: string | undefined
  /** `Number.parseInt` of the header, as dd-trace keeps it (may exceed the safe-integer range). */
  readonly samplingPriority: number | undefined
  readonly origin: string | undefined
  /** The `_dd.p.*` tags, `_dd.p.tid` lower-cased; `undefined` when absent, too long or invalid. */
  readonly tags: Record<string, string> | undefined
  /** `_dd.p.tid` as received (either case): dd-trace compares 128-bit trace ids with it unchanged. */
  readonly rawTraceIdHigh: string | undefined
}

/**
 * Reads the Datadog headers of a normalised carrier. `undefined` unless dd-trace would see a Datadog context:
 * a non-empty trace id that is not all zeros and a non-empty parent id. Ids that dd-trace would coerce (junk,
 * overflow, zero parent) come back as `undefined` fields: the context is there but unusable.
 */
export const parse = (carrier: Carrier, maxTagsLength: number = MAX_TAGS_LENGTH): Parsed | undefined => {
  const rawTraceId = carrier[headers.traceId]
  const rawParentId = carrier[headers.parentId]
  if (!rawTraceId || !rawParentId || Ids.isAllZeros(rawTraceId)) return undefined
  const tags = scanTags(carrier[headers.tags], maxTagsLength)
  const rawTraceIdHigh = tags?.[TID]
  if (rawTraceIdHigh !== undefined) tags![TID] = rawTraceIdHigh.toLowerCase()
  const priorityHeader = carrier[headers.samplingPriority]
  const priority = priorityHeader === undefined ? Number.NaN : Number.parseInt(priorityHeader, 10)
  return {
    traceId: Ids.parseDecimalU64(rawTraceId),
    parentId: Ids.parseDecimalU64(rawParentId),
    samplingPriority: Number.isInteger(priority) ? priority : undefined,
    origin: carrier[headers.origin],
    tags,
    rawTraceIdHigh
  }
}

/** Extracts a complete Datadog context (trace id and parent id) from a normalised carrier. */
export const extract = (
  carrier: Carrier,
  source: ExtractorName,
  options?: { readonly maxTagsLength?: number }
): ContextFields | undefined => {
  const parsed = parse(carrier, options?.maxTagsLength)
  if (parsed === undefined || parsed.traceId === undefined || parsed.parentId === undefined) return undefined
  const tid = parsed.tags?.[TID]
  const priority = parsed.samplingPriority
  return {
    traceId: parsed.traceId,
    parentId: parsed.parentId,
    source,
    traceIdHigh: tid !== undefined && tid !== Ids.ZERO_HEX16 ? tid : undefined,
    samplingPriority: priority !== undefined && Number.isSafeInteger(priority) ? priority : undefined,
    origin: parsed.origin,
    tags: parsed.tags
  }
}

const NO_TAGS: Readonly<Record<string, string>> = {}

// dd-trace's `#injectTags`, in the context's tag order, except that `_dd.p.tid` always comes from `traceIdHigh`
// and an invalid tag is skipped alone (dd-trace drops the whole header, losing the 128-bit id with it).
const injectTags = (context: ContextFields): string | undefined => {
  const high = context.traceIdHigh
  const tags = context.tags ?? NO_TAGS
  const tid = high === undefined ? "" : `${TID}=${high}`
  let header = ""
  let tidWritten = false
  for (const key in tags) {
    if (key === TID) {
      if (tid === "" || tidWritten) continue
      header += (header === "" ? "" : ",") + tid
      tidWritten = true
      continue
    }
    const value = tags[key]
    if (!value || !isTagKey(key) || !isTagValue(value)) continue
    header += `${header === "" ? "" : ","}${key}=${value}`
  }
  if (!tidWritten && tid !== "") header += (header === "" ? "" : ",") + tid
  // Over the limit, dd-trace readers drop every tag: keep the one that matters, the 128-bit upper half.
  if (header.length > MAX_TAGS_LENGTH) header = tid
  return header === "" ? undefined : header
}

/**
 * Writes a context as Datadog-style headers: trace id, parent id, sampling priority, origin, tags (the order of
 * the Python tracer's Datadog injection; dd-trace-js writes the origin before the priority). Tags are the
 * non-empty `_dd.p.*` tags in the context's order, with `_dd.p.tid` from `traceIdHigh` (appended when the tags
 * do not list it); invalid tags are skipped, and over 512 characters only `_dd.p.tid` is kept.
 */
export const inject = (context: ContextFields): Record<string, string> => {
  const out: Record<string, string> = {
    [headers.traceId]: context.traceId,
    [headers.parentId]: context.parentId
  }
  if (context.samplingPriority !== undefined) out[headers.samplingPriority] = String(context.samplingPriority)
  if (context.origin !== undefined) out[headers.origin] = context.origin
  const tags = injectTags(context)
  if (tags !== undefined) out[headers.tags] = tags
  return out
}
