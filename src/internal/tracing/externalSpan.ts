/**
 * The parent side of tracing: an extracted Datadog context as an Effect external span (hex ids, `sampled` from the
 * sampling priority), carrying the whole context and the W3C flags and `dd` tracestate member that
 * `@effect/opentelemetry` and dd-trace's OpenTelemetry provider read (same tag keys, no import), and batch contexts
 * as span links.
 */
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"

/** The full Datadog context behind an external span built by {@link externalSpan}. */
export class DatadogSpanContext extends Context.Tag("effect-datadog-lambda/DatadogSpanContext")<
  DatadogSpanContext,
  TraceContext.TraceContext
>() {}

/**
 * The W3C trace flags `@effect/opentelemetry` reads from an external span's context (same tag key, so this library
 * does not import `@effect/opentelemetry`).
 */
export const OtelTraceFlags = Context.GenericTag<"OtelTraceFlags", number>(
  "@effect/opentelemetry/Tracer/OtelTraceFlags"
)

/** The structural shape of an OpenTelemetry `TraceState`. */
export interface TraceState {
  set(key: string, value: string): TraceState
  unset(key: string): TraceState
  get(key: string): string | undefined
  serialize(): string
}

/** The W3C trace state `@effect/opentelemetry` reads from an external span's context. */
export const OtelTraceState = Context.GenericTag<"OtelTraceState", TraceState>(
  "@effect/opentelemetry/Tracer/OtelTraceState"
)

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

const ORIGIN_OR_TAG_VALUE_FILTER = /[^\x20-\x2B\x2D-\x3A\x3C-\x7D]/g
const TAG_KEY_FILTER = /[^\x21-\x2B\x2D-\x3C\x3E-\x7E]/g
const MAX_DD_MEMBER_LENGTH = 256

/**
 * The `dd` member of a W3C `tracestate` for a context, encoded as dd-trace encodes it: `s:<priority>`,
 * `o:<origin>` and `t.<name>:<value>` for each `_dd.p.*` tag except `_dd.p.tid` (the trace id carries it).
 * `undefined` when there is nothing to say or the member would exceed 256 characters.
 */
export const ddTraceStateMember = (context: TraceContext.TraceContext): string | undefined => {
  const parts: Array<string> = []
  if (Option.isSome(context.samplingPriority)) parts.push(`s:${context.samplingPriority.value}`)
  if (Option.isSome(context.origin)) {
    parts.push(`o:${context.origin.value.replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  for (const key in context.tags) {
    if (!key.startsWith("_dd.p.") || key === "_dd.p.tid") continue
    const name = key.slice(6).replace(TAG_KEY_FILTER, "_")
    parts.push(`t.${name}:${context.tags[key].replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  if (parts.length === 0) return undefined
  const member = parts.join(";")
  return member.length + 3 > MAX_DD_MEMBER_LENGTH ? undefined : member
}

/**
 * The parent span for a Datadog context: 32-hex trace id (with `_dd.p.tid` as the upper half), 16-hex span id,
 * `sampled` from the sampling priority (`true` when the upstream made no decision), and the extras in `context`.
 */
export const externalSpan = (context: TraceContext.TraceContext): Tracer.ExternalSpan => {
  const decision = TraceContext.isSampled(context)
  // Typed as `Context<never>` (what `ExternalSpan` holds): the tags added below are optional extras.
  let spanContext: Context.Context<never> = Context.make(DatadogSpanContext, context)
  if (decision !== undefined) spanContext = Context.add(spanContext, OtelTraceFlags, decision ? 1 : 0)
  const member = ddTraceStateMember(context)
  if (member !== undefined) spanContext = Context.add(spanContext, OtelTraceState, new ListTraceState([["dd", member]]))
  return Tracer.externalSpan({
    traceId: context.w3cTraceId,
    spanId: context.w3cParentId,
    sampled: decision ?? true,
    context: spanContext
  })
}

/** The Datadog context an external span was built from, when it was built by {@link externalSpan}. */
export const datadogContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> =>
  Context.getOption(span.context, DatadogSpanContext)

/**
 * The nearest ancestor (or the span itself) carrying a {@link DatadogSpanContext}: the upstream context a span
 * descends from.
 */
export const upstreamContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> => {
  let current: Tracer.AnySpan | undefined = span
  for (let depth = 0; current !== undefined && depth < 1024; depth++) {
    const found = datadogContext(current)
    if (Option.isSome(found)) return found
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return Option.none()
}

/** The span links for a result's batch contexts (every context except the parent), one per context. */
export const links = (result: ExtractionResult): ReadonlyArray<Tracer.SpanLink> =>
  result.links.map((link) => ({
    _tag: "SpanLink",
    span: externalSpan(link),
    attributes: { "datadog.source": link.source }
  }))
