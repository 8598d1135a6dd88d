/**
 * The inject side of tracing: the Datadog context to propagate from a live span, from its ids and its upstream
 * context, or from the span itself when it knows better (a `DdTraceTracer` span).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as TraceContext from "../../domain/TraceContext.js"
import { upstreamContext } from "./externalSpan.js"
import * as TraceFields from "./traceFields.js"

/** The key of {@link SpanContextSource}'s method. */
export const SpanContextSourceTypeId: unique symbol = Symbol.for("effect-datadog-lambda/Tracing/SpanContextSource")

/**
 * A span that knows its own Datadog context better than its ids say: a tracer whose spans are Datadog spans
 * (`DdTraceTracer`) implements it, so {@link spanContext} reports the tracer's sampling decision and trace tags.
 */
export interface SpanContextSource {
  readonly [SpanContextSourceTypeId]: () => Option.Option<TraceContext.TraceContext>
}

const isSpanContextSource = (span: Tracer.AnySpan): span is Tracer.AnySpan & SpanContextSource =>
  SpanContextSourceTypeId in span

/**
 * The span attribute that overrides the sampling priority written for a span (dd-trace honours the same tag):
 * `2` keeps the trace, `-1` drops it.
 */
export const SAMPLING_PRIORITY_ATTRIBUTE: "sampling.priority" = TraceFields.SAMPLING_PRIORITY_ATTRIBUTE

/**
 * The Datadog context to propagate *from* a live span (the inject side): the span's own ids in decimal (the upper
 * half of a 128-bit trace id as `_dd.p.tid`), the origin and `_dd.p.*` tags of its upstream context, and a
 * sampling priority taken from, in order: the span's `sampling.priority` attribute, the upstream priority, the
 * span's `sampled` flag (`1` or `0`). The `source` is the upstream context's extractor, or `custom` for a span
 * with no extracted ancestor. `None` when the span's ids are not 32/16 lower-case hex.
 *
 * Effect's built-in tracer marks every span sampled; the upstream priority is what carries an upstream "drop".
 * A span that is a {@link SpanContextSource} (a `DdTraceTracer` span) reports its own context instead: the ids,
 * sampling decision, origin and `_dd.p.*` tags dd-trace itself would propagate.
 */
export const spanContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> => {
  if (isSpanContextSource(span)) return span[SpanContextSourceTypeId]()
  const upstream = Option.getOrUndefined(upstreamContext(span))
  const fields = TraceFields.fromSpan(
    span,
    span._tag === "Span" ? TraceFields.priorityOverride(span.attributes.get(SAMPLING_PRIORITY_ATTRIBUTE)) : undefined,
    upstream === undefined ? undefined : TraceContext.toFields(upstream)
  )
  return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
}

/** The Datadog context of the current span, for injection into outgoing calls or checkpoints. */
export const currentSpanContext: Effect.Effect<Option.Option<TraceContext.TraceContext>> = Effect.map(
  Effect.option(Effect.currentSpan),
  Option.flatMap(spanContext)
)
