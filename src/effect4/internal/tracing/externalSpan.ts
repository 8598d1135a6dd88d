/**
 * The parent side of tracing: an extracted Datadog context as an Effect external span (hex ids, `sampled` from the
 * sampling priority), carrying the whole context and the W3C flags and `dd` tracestate member that
 * `@effect/opentelemetry` and dd-trace's OpenTelemetry provider read (same keys, no import) in its annotations, and
 * batch contexts as span links.
 */
import * as Context from "effect/Context"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as TraceFields from "../../../internal/tracing/traceFields.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"

/** The full Datadog context behind an external span built by {@link externalSpan}. */
export class DatadogSpanContext extends Context.Service<DatadogSpanContext, TraceContext.TraceContext>()(
  "effect-datadog-lambda/DatadogSpanContext"
) {}

/**
 * The W3C trace flags `@effect/opentelemetry` reads from an external span's annotations (same key, so this library
 * does not import `@effect/opentelemetry`).
 */
export const OtelTraceFlags = Context.Service<"OtelTraceFlags", number>("@effect/opentelemetry/Tracer/OtelTraceFlags")

/** The W3C trace state `@effect/opentelemetry` reads from an external span's annotations. */
export const OtelTraceState = Context.Service<"OtelTraceState", TraceFields.TraceState>(
  "@effect/opentelemetry/Tracer/OtelTraceState"
)

/**
 * The parent span for a Datadog context: 32-hex trace id (with `_dd.p.tid` as the upper half), 16-hex span id,
 * `sampled` from the sampling priority (`true` when the upstream made no decision), and the extras in `annotations`.
 */
export const externalSpan = (context: TraceContext.TraceContext): Tracer.ExternalSpan => {
  const fields = TraceContext.toFields(context)
  const decision = TraceFields.isSampled(fields)
  // Typed as `Context<never>` (what `ExternalSpan` holds): the services added below are optional extras.
  let annotations: Context.Context<never> = Context.make(DatadogSpanContext, context)
  if (decision !== undefined) annotations = Context.add(annotations, OtelTraceFlags, decision ? 1 : 0)
  const state = TraceFields.traceState(fields)
  if (state !== undefined) annotations = Context.add(annotations, OtelTraceState, state)
  return Tracer.externalSpan({
    traceId: TraceFields.w3cTraceId(fields),
    spanId: TraceFields.w3cParentId(fields),
    sampled: decision ?? true,
    annotations
  })
}

/** The Datadog context an external span was built from, when it was built by {@link externalSpan}. */
export const datadogContext = (span: Tracer.AnySpan): TraceContext.TraceContext | undefined =>
  Context.getOrUndefined(span.annotations, DatadogSpanContext)

/**
 * The nearest ancestor (or the span itself) carrying a {@link DatadogSpanContext}: the upstream context a span
 * descends from.
 */
export const upstreamContext = (span: Tracer.AnySpan): TraceContext.TraceContext | undefined => {
  let current: Tracer.AnySpan | undefined = span
  for (let depth = 0; current !== undefined && depth < 1024; depth++) {
    const found = datadogContext(current)
    if (found !== undefined) return found
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return undefined
}

/** The span links for a result's batch contexts (every context except the parent), one per context. */
export const links = (result: ExtractionResult): Array<Tracer.SpanLink> =>
  result.links.map((link) => ({ span: externalSpan(link), attributes: TraceFields.linkAttributes(link.source) }))
