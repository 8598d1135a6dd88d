/**
 * Pure parsing and writing of Datadog-style headers (`x-datadog-*`).
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type { Carrier } from "./Carrier.js"
import type { ExtractorName } from "./ExtractorName.js"
import * as Ids from "./Ids.js"
import * as TraceContext from "./TraceContext.js"

/**
 * Header names.
 *
 * @since 0.1.0
 * @category constants
 */
export const headers = {
  traceId: "x-datadog-trace-id",
  parentId: "x-datadog-parent-id",
  samplingPriority: "x-datadog-sampling-priority",
  origin: "x-datadog-origin",
  tags: "x-datadog-tags"
} as const

/**
 * dd-trace's default `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_TAGS_LENGTH = 512

const TAG_KEY = /^_dd\.p\.[\x21-\x2B\x2D-\x7E]+$/
const TAG_VALUE = /^[\x20-\x2B\x2D-\x7E]*$/
const HEX16_ANY_CASE = /^[0-9A-Fa-f]{16}$/
const INTEGER = /^[+-]?\d+/

/**
 * Parses `x-datadog-tags` the way dd-trace does: comma-separated `key=value` pairs, every key `_dd.p.*`, values
 * printable ASCII without commas; any invalid pair drops all tags; an invalid `_dd.p.tid` is dropped alone. The
 * tid is lower-cased. Returns `undefined` when the header is absent, too long or invalid.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTags = (
  header: string | undefined,
  maxLength: number = MAX_TAGS_LENGTH
): Record<string, string> | undefined => {
  if (header === undefined || header.length === 0 || maxLength === 0 || header.length > maxLength) return undefined
  const tags: Record<string, string> = {}
  for (const pair of header.split(",")) {
    const separator = pair.indexOf("=")
    const key = separator === -1 ? pair : pair.slice(0, separator)
    const value = separator === -1 ? "" : pair.slice(separator + 1)
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(value)) return undefined
    if (key === "_dd.p.tid") {
      if (HEX16_ANY_CASE.test(value)) tags[key] = value.toLowerCase()
    } else {
      tags[key] = value
    }
  }
  return tags
}

/**
 * Parses a sampling priority header with dd-trace's leniency (`parseInt`): `undefined` when it has no integer.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePriority = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const match = INTEGER.exec(value.trim())
  if (match === null) return undefined
  const priority = Number.parseInt(match[0], 10)
  return Number.isSafeInteger(priority) ? priority : undefined
}

/**
 * Extracts a complete Datadog context (trace id and parent id) from a normalised carrier.
 *
 * @since 0.1.0
 * @category parsing
 */
export const extract = (
  carrier: Carrier,
  source: ExtractorName,
  options?: { readonly maxTagsLength?: number }
): TraceContext.TraceContext | undefined => {
  const rawTraceId = carrier[headers.traceId]
  const rawParentId = carrier[headers.parentId]
  if (rawTraceId === undefined || rawParentId === undefined) return undefined
  const traceId = Ids.parseDecimalU64(rawTraceId)
  const parentId = Ids.parseDecimalU64(rawParentId)
  if (traceId === undefined || parentId === undefined) return undefined
  const tags = parseTags(carrier[headers.tags], options?.maxTagsLength)
  const tid = tags?.["_dd.p.tid"]
  return TraceContext.make({
    traceId,
    parentId,
    source,
    traceIdHigh: tid !== undefined && tid !== "0000000000000000" ? tid : undefined,
    samplingPriority: parsePriority(carrier[headers.samplingPriority]),
    origin: carrier[headers.origin],
    tags
  })
}

/**
 * Writes a context as Datadog-style headers, in dd-trace's order: trace id, parent id, sampling priority,
 * origin, tags. `_dd.p.tid` is written from `traceIdHigh`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const inject = (context: TraceContext.TraceContext): Record<string, string> => {
  const out: Record<string, string> = {
    [headers.traceId]: context.traceId,
    [headers.parentId]: context.parentId
  }
  if (Option.isSome(context.samplingPriority)) out[headers.samplingPriority] = String(context.samplingPriority.value)
  if (Option.isSome(context.origin)) out[headers.origin] = context.origin.value
  const tags: Array<string> = []
  for (const key in context.tags) {
    if (key !== "_dd.p.tid" && key.startsWith("_dd.p.")) tags.push(`${key}=${context.tags[key]}`)
  }
  if (Option.isSome(context.traceIdHigh)) tags.push(`_dd.p.tid=${context.traceIdHigh.value}`)
  if (tags.length > 0) out[headers.tags] = tags.join(",")
  return out
}
