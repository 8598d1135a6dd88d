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
import * as TraceFields from "./traceFields.js"

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
export type TraceState = TraceFields.TraceState

/** The W3C trace state `@effect/opentelemetry` reads from an external span's context. */
export const OtelTraceState = Context.GenericTag<"OtelTraceState", TraceState>(
  "@effect/opentelemetry/Tracer/OtelTraceState"
)

/**
 * The `dd` member of a W3C `tracestate` for a context, encoded as dd-trace encodes it (see
 * `TraceFields.ddTraceStateMember`).
 */
export const ddTraceStateMember = (context: TraceContext.TraceContext): string | undefined =>
  TraceFields.ddTraceStateMember(TraceContext.toFields(context))

/**
 * The parent span for a Datadog context: 32-hex trace id (with `_dd.p.tid` as the upper half), 16-hex span id,
 * `sampled` from the sampling priority (`true` when the upstream made no decision), and the extras in `context`.
 */
export const externalSpan = (context: TraceContext.TraceContext): Tracer.ExternalSpan => {
  const decision = TraceContext.isSampled(context)
  // Typed as `Context<never>` (what `ExternalSpan` holds): the tags added below are optional extras.
  let spanContext: Context.Context<never> = Context.make(DatadogSpanContext, context)
  if (decision !== undefined) spanContext = Context.add(spanContext, OtelTraceFlags, decision ? 1 : 0)
  const state = TraceFields.traceState(TraceContext.toFields(context))
  if (state !== undefined) spanContext = Context.add(spanContext, OtelTraceState, state)
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
    attributes: TraceFields.linkAttributes(link.source)
  }))
