/**
 * Tracing over plain context fields, shared by both Effect lines: what a Datadog context becomes as a parent span
 * (W3C ids and flags, the `dd` member of a W3C `tracestate`), the Datadog context to propagate from a span's ids
 * (the inject side), and the attributes of an invocation span. Effect-free: each line applies them to its own
 * `Tracer` types.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"

/**
 * The span attribute that overrides the sampling priority written for a span (dd-trace honours the same tag):
 * `2` keeps the trace, `-1` drops it.
 */
export const SAMPLING_PRIORITY_ATTRIBUTE = "sampling.priority"

/** The attribute of a batch context's span link: the extractor that found that context. */
export const LINK_SOURCE_ATTRIBUTE = "datadog.source"

/** The attribute of an invocation span naming the extractor that found its context (`none` without one). */
export const EXTRACTOR_ATTRIBUTE = "datadog.extractor"

/** `true` when the upstream kept the trace, `false` when it dropped it, `undefined` when it made no decision. */
export const isSampled = (fields: ContextFields): boolean | undefined =>
  fields.samplingPriority === undefined ? undefined : fields.samplingPriority > 0

/** The 32-hex W3C trace id of a context (`_dd.p.tid` as the upper half). */
export const w3cTraceId = (fields: ContextFields): string => Ids.toW3cTraceId(fields.traceId, fields.traceIdHigh)

/** The 16-hex W3C span id of a context's parent. */
export const w3cParentId = (fields: ContextFields): string => Ids.decimalToHex16(fields.parentId)

const ORIGIN_OR_TAG_VALUE_FILTER = /[^\x20-\x2B\x2D-\x3A\x3C-\x7D]/g
const TAG_KEY_FILTER = /[^\x21-\x2B\x2D-\x3C\x3E-\x7E]/g
const MAX_DD_MEMBER_LENGTH = 256

/**
 * The `dd` member of a W3C `tracestate` for a context, encoded as dd-trace encodes it: `s:<priority>`,
 * `o:<origin>` and `t.<name>:<value>` for each `_dd.p.*` tag except `_dd.p.tid` (the trace id carries it).
 * `undefined` when there is nothing to say or the member would exceed 256 characters.
 */
export const ddTraceStateMember = (fields: ContextFields): string | undefined => {
  const parts: Array<string> = []
  if (fields.samplingPriority !== undefined) parts.push(`s:${fields.samplingPriority}`)
  if (fields.origin !== undefined) {
    parts.push(`o:${fields.origin.replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  const tags = fields.tags
  for (const key in tags) {
    if (!key.startsWith("_dd.p.") || key === "_dd.p.tid") continue
    const name = key.slice(6).replace(TAG_KEY_FILTER, "_")
    parts.push(`t.${name}:${tags[key]!.replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  if (parts.length === 0) return undefined
  const member = parts.join(";")
  return member.length + 3 > MAX_DD_MEMBER_LENGTH ? undefined : member
}

/** The structural shape of an OpenTelemetry `TraceState`. */
export interface TraceState {
  set(key: string, value: string): TraceState
  unset(key: string): TraceState
  get(key: string): string | undefined
  serialize(): string
}

class ListTraceState implements TraceState {
  constructor(private readonly entries: ReadonlyArray<readonly [string, string]>) {}
  set(key: string, value: string): TraceState {
    return new ListTraceState([[key, value], ...this.entries.filter(([k]) => k !== key)])
  }
  unset(key: string): TraceState {
    return new ListTraceState(this.entries.filter(([k]) => k !== key))
  }
  get(key: string): string | undefined {
    return this.entries.find(([k]) => k === key)?.[1]
  }
  serialize(): string {
    return this.entries.map(([k, v]) => `${k}=${v}`).join(",")
  }
}

/** The W3C trace state of a context (its `dd` member alone); `undefined` when the member is empty. */
export const traceState = (fields: ContextFields): TraceState | undefined => {
  const member = ddTraceStateMember(fields)
  return member === undefined ? undefined : new ListTraceState([["dd", member]])
}

/** The W3C headers of a context: `traceparent` (flags `00` only for a dropped trace) and the `dd` tracestate. */
export const w3cHeaders = (fields: ContextFields): Record<string, string> => {
  const member = ddTraceStateMember(fields)
  const flags = isSampled(fields) === false ? "00" : "01"
  const traceparent = `00-${w3cTraceId(fields)}-${w3cParentId(fields)}-${flags}`
  return member === undefined ? { traceparent } : { traceparent, tracestate: `dd=${member}` }
}

/** A `sampling.priority` attribute's value as a priority (a safe integer, or its decimal text). */
export const priorityOverride = (value: unknown): number | undefined => {
  const priority = typeof value === "string" ? Number(value) : value
  return typeof priority === "number" && Number.isSafeInteger(priority) ? priority : undefined
}

/** A span's ids and sampling flag, as both lines' spans have them. */
export interface SpanIds {
  readonly traceId: string
  readonly spanId: string
  readonly sampled: boolean
}

/**
 * The Datadog context to propagate *from* a span (the inject side): the span's own ids in decimal (the upper half of
 * a 128-bit trace id as `_dd.p.tid`), the origin and `_dd.p.*` tags of its upstream context, and a sampling priority
 * taken from, in order: `priority` (the span's {@link SAMPLING_PRIORITY_ATTRIBUTE}), the upstream priority, the
 * span's `sampled` flag (`1` or `0`). The `source` is the upstream's extractor, or `custom` without an upstream.
 * `undefined` when the span's ids are not 32/16 lower-case hex (or are zero).
 */
export const fromSpan = (
  span: SpanIds,
  priority: number | undefined,
  upstream: ContextFields | undefined
): ContextFields | undefined => {
  const ids = Ids.fromW3cTraceId(span.traceId)
  if (ids === undefined || !Ids.isHex16(span.spanId) || span.spanId === Ids.ZERO_HEX16) return undefined
  return {
    traceId: ids.traceId,
    traceIdHigh: ids.traceIdHigh,
    parentId: Ids.hexToDecimal(span.spanId),
    samplingPriority: priority ?? upstream?.samplingPriority ?? (span.sampled ? 1 : 0),
    origin: upstream?.origin,
    tags: upstream?.tags,
    source: upstream?.source ?? ("custom" satisfies ExtractorName)
  }
}

/**
 * The attributes of an invocation span for the context it continues (`undefined`: none was found):
 * `datadog.extractor` (the extractor that found the context, or `none`) and the upstream's `_dd.p.*` propagation
 * tags (`_dd.p.tid` included).
 *
 * The tags are for tracers that cannot take them from the parent: dd-trace's OpenTelemetry bridge starts a remote
 * parent with no trace tags, and an attribute is how they still reach the trace chunk. `DdTraceTracer` carries them
 * on the trace itself and ignores these attributes.
 */
export const invocationAttributes = (fields: ContextFields | undefined): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { [EXTRACTOR_ATTRIBUTE]: "none" }
  if (fields === undefined) return attributes
  attributes[EXTRACTOR_ATTRIBUTE] = fields.source
  const tags = fields.tags
  for (const key in tags) {
    if (key.startsWith("_dd.p.")) attributes[key] = tags[key]
  }
  if (fields.traceIdHigh !== undefined) attributes["_dd.p.tid"] = fields.traceIdHigh
  return attributes
}

/** The attributes of a batch context's span link: the extractor that found that context. */
export const linkAttributes = (source: ExtractorName): Record<string, unknown> => ({ [LINK_SOURCE_ATTRIBUTE]: source })
