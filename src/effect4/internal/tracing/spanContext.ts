/**
 * The inject side of tracing: the Datadog context to propagate from a live span, from its ids and its upstream
 * context, or from the span itself when it knows better (a `DdTraceTracer` span).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as TraceFields from "../../../internal/tracing/traceFields.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { upstreamContext } from "./externalSpan.js"

/** The key of {@link SpanContextSource}'s method. */
export const SpanContextSourceTypeId: unique symbol = Symbol.for(
  "effect-datadog-lambda/effect4/Tracing/SpanContextSource"
)

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
 * The Datadog context to propagate *from* a live span (`TraceFields.fromSpan`): the span's own ids, its upstream's
 * origin and `_dd.p.*` tags, and the priority of its `sampling.priority` attribute, else the upstream's, else its
 * `sampled` flag. A span that is a {@link SpanContextSource} (a `DdTraceTracer` span) reports its own context
 * instead. `None` when the span's ids are not 32/16 lower-case hex.
 */
export const spanContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> => {
  if (isSpanContextSource(span)) return span[SpanContextSourceTypeId]()
  const upstream = upstreamContext(span)
  const fields = TraceFields.fromSpan(
    span,
    span._tag === "Span"
      ? TraceFields.priorityOverride(span.attributes.get(TraceFields.SAMPLING_PRIORITY_ATTRIBUTE))
      : undefined,
    upstream === undefined ? undefined : TraceContext.toFields(upstream)
  )
  return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
}

/** The Datadog context of the current span, for injection into outgoing calls or checkpoints. */
export const currentSpanContext: Effect.Effect<Option.Option<TraceContext.TraceContext>> = Effect.map(
  Effect.option(Effect.currentSpan),
  Option.flatMap(spanContext)
)
