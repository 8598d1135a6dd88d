/**
 * Effect tracing on top of an extracted context: every `Effect.withSpan` inside an effect continues the upstream
 * trace. {@link withUpstream} extracts an event's context and runs the effect under it; {@link applyExtraction}
 * does the same with a result you already have; {@link withInvocationSpan} runs the effect in one invocation span.
 * The parent is an external span with W3C hex ids, `sampled` from the sampling priority and the Datadog extras
 * (origin, `_dd.p.*` tags) in its annotations, so Effect's tracer, `@effect/opentelemetry` and `DdTraceTracer` all
 * continue the trace; batch contexts become span links. {@link currentSpanContext} is the inject side. The Effect 4
 * form of the package root's `Tracing`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { DefaultChain, Tracing } from "effect-datadog-lambda/effect4"
 *
 * const handle = (event: unknown, context: unknown) =>
 *   Effect.log("handling").pipe(
 *     Effect.withSpan("work"),
 *     Tracing.withUpstream(event, context),
 *     Effect.provide(DefaultChain.layerNative)
 *   )
 * ```
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as TraceFields from "../../internal/tracing/traceFields.js"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import type * as TraceContext from "../domain/TraceContext.js"
import * as internal from "../internal/tracing/apply.js"
import * as ExternalSpan from "../internal/tracing/externalSpan.js"
import * as SpanContext from "../internal/tracing/spanContext.js"
import type { CurrentExtraction } from "../services/CurrentExtraction.js"
import type * as ExtractorChain from "../services/ExtractorChain.js"

/**
 * The parent span for a Datadog context: 32-hex trace id (with `_dd.p.tid` as the upper half), 16-hex span id,
 * `sampled` from the sampling priority (`true` when the upstream made no decision), and the extras in
 * `annotations`.
 *
 * @since 0.2.0
 * @category tracing
 */
export const externalSpan: (context: TraceContext.TraceContext) => Tracer.ExternalSpan = ExternalSpan.externalSpan

/**
 * The span attribute that overrides the sampling priority written for a span (dd-trace honours the same tag):
 * `2` keeps the trace, `-1` drops it.
 *
 * @since 0.2.0
 * @category constants
 */
export const SAMPLING_PRIORITY_ATTRIBUTE: "sampling.priority" = TraceFields.SAMPLING_PRIORITY_ATTRIBUTE

/**
 * The Datadog context to propagate *from* a live span (the inject side): the span's own ids in decimal (the upper
 * half of a 128-bit trace id as `_dd.p.tid`), the origin and `_dd.p.*` tags of its upstream context, and a
 * sampling priority taken from, in order: the span's {@link SAMPLING_PRIORITY_ATTRIBUTE} attribute, the upstream
 * priority, the span's `sampled` flag (`1` or `0`); a `DdTraceTracer` span reports what dd-trace itself would
 * propagate. The `source` is the upstream context's extractor, or `custom` for a span with no extracted ancestor.
 * `None` when the span's ids are not 32/16 lower-case hex.
 *
 * @since 0.2.0
 * @category tracing
 */
export const spanContext: (span: Tracer.AnySpan) => Option.Option<TraceContext.TraceContext> = SpanContext.spanContext

/**
 * The Datadog context of the current span, for injection into outgoing calls or checkpoints.
 *
 * @since 0.2.0
 * @category tracing
 */
export const currentSpanContext: Effect.Effect<Option.Option<TraceContext.TraceContext>> =
  SpanContext.currentSpanContext

/**
 * Runs an effect under an extraction result: its spans are children of the extracted context (or roots when
 * there is none), linked to every batch context (`Effect.linkSpans`), and {@link CurrentExtraction} is provided.
 * To link the invocation's span only, use {@link withInvocationSpan}.
 *
 * @since 0.2.0
 * @category tracing
 */
export const applyExtraction: {
  (
    result: ExtractionResult
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
  <A, E, R>(self: Effect.Effect<A, E, R>, result: ExtractionResult): Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
} = dual(2, internal.underExtraction)

/**
 * Options of {@link withInvocationSpan}.
 *
 * @since 0.2.0
 * @category models
 */
export interface InvocationSpanOptions {
  /** Extra attributes of the invocation span (they win over `datadog.extractor` and the upstream's `_dd.p.*`). */
  readonly attributes?: Record<string, unknown> | undefined
  /** The span's kind (default `server`). */
  readonly kind?: Tracer.SpanKind | undefined
  /** The parent, instead of the extracted context (e.g. the span dd-trace already had active). */
  readonly parent?: Tracer.AnySpan | undefined
  /** Without `parent`: start a new trace instead of continuing the extracted context. */
  readonly root?: boolean | undefined
}

/**
 * Runs an effect inside one invocation span (kind `server` by default) that continues the extracted context:
 * the batch contexts are links of that span only, its attributes are `datadog.extractor` (the extractor that found
 * the context, or `none`) and the upstream's `_dd.p.*` tags, and {@link CurrentExtraction} is provided. The
 * effect's own spans are children of the invocation span.
 *
 * @since 0.2.0
 * @category tracing
 */
export const withInvocationSpan: {
  (
    name: string,
    result: ExtractionResult,
    options?: InvocationSpanOptions
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    name: string,
    result: ExtractionResult,
    options?: InvocationSpanOptions
  ): Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
} = dual((args) => Effect.isEffect(args[0]), internal.underInvocationSpan)

/**
 * Extracts the upstream context of an invocation with the {@link ExtractorChain.ExtractorChain} in the context
 * and runs an effect under it (see {@link applyExtraction}): every `Effect.withSpan` inside continues the
 * upstream trace.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Tracing } from "effect-datadog-lambda/effect4"
 *
 * const handler = (event: unknown, context: unknown) =>
 *   Effect.withSpan(Effect.log("hello"), "work").pipe(Tracing.withUpstream(event, context))
 * ```
 *
 * @since 0.2.0
 * @category tracing
 */
export const withUpstream: {
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    event: unknown,
    lambdaContext?: unknown
  ): Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain>
  (
    event: unknown,
    lambdaContext?: unknown
  ): <A, E, R>(
    self: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, event: unknown, lambdaContext?: unknown) =>
    internal.underUpstream(self, event, lambdaContext)
)
