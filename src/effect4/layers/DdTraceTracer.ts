/**
 * Effect's `Tracer` on the app's dd-trace: every Effect span is a dd-trace span, with nothing in between. The
 * extracted context becomes dd-trace's own parent span context (`_dd.p.*` tags, origin and sampling priority as
 * received; an undecided upstream stays undecided for dd-trace's sampler), ids are dd-trace's in W3C hex, and while
 * a span's effect runs it is dd-trace's active span, so dd-trace's integrations open their spans under it. dd-trace is
 * never initialised here: until the app initialises it, spans stay those of the tracer in place before this layer.
 * The Effect 4 form of the package root's `DdTraceTracer`.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DdTraceTracer, DefaultChain } from "effect-datadog-lambda/effect4"
 *
 * const layer = Layer.merge(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
 * ```
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import type * as DdSpans from "../../internal/ddTrace/spans.js"
import type { TracerUnavailable } from "../domain/Errors.js"
import * as internal from "../internal/ddTrace/tracer.js"

/**
 * A dd-trace span context, as far as this module reads it.
 *
 * @since 0.2.0
 * @category models
 */
export type DdSpanContext = DdSpans.DdSpanContext

/**
 * A dd-trace span link.
 *
 * @since 0.2.0
 * @category models
 */
export type DdLink = DdSpans.DdLink

/**
 * A dd-trace span, as far as this module uses it.
 *
 * @since 0.2.0
 * @category models
 */
export type DdSpan = DdSpans.DdSpan

/**
 * dd-trace's scope manager.
 *
 * @since 0.2.0
 * @category models
 */
export type DdScope = DdSpans.DdScope

/**
 * Options of dd-trace's `startSpan`, as far as this module passes them.
 *
 * @since 0.2.0
 * @category models
 */
export type DdStartOptions = DdSpans.DdStartOptions

/**
 * The part of dd-trace's tracer this module uses (`import tracer from "dd-trace"` has it).
 *
 * @since 0.2.0
 * @category models
 */
export type DdTrace = DdSpans.DdTrace

/**
 * The tracer over a given dd-trace; `fallback` makes the spans while dd-trace is not initialised.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromDdTrace: (tracer: DdTrace, fallback: Tracer.Tracer) => Tracer.Tracer = internal.fromDdTrace

/**
 * The tracer over a given dd-trace; spans made while dd-trace is not initialised are the current tracer's.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (tracer: DdTrace): Effect.Effect<Tracer.Tracer> =>
  Effect.map(Effect.tracer, (fallback) => fromDdTrace(tracer, fallback))

/**
 * The tracer over a dd-trace tracer the app passes in (`import tracer from "dd-trace"`, initialised).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (tracer: DdTrace): Layer.Layer<never> => Layer.effect(Tracer.Tracer, make(tracer))

/**
 * The process-wide dd-trace (see `DdTracePropagator.resolveGlobal`), initialised and with the tracing API this
 * module uses; fails with `TracerUnavailable` (`NotInstalled`, `Incompatible` or `NotInitialised`) otherwise.
 *
 * @since 0.2.0
 * @category constructors
 */
export const resolveGlobal: Effect.Effect<DdTrace, TracerUnavailable> = internal.resolveGlobal

/**
 * The tracer over the process-wide dd-trace, looked up when the layer is built. Building never fails: when
 * dd-trace is missing, the layer leaves the current tracer in place and logs the `TracerUnavailable` at debug
 * level; when it is there but not initialised (or disabled), spans are the current tracer's until it is
 * (checked on every span, so an `init()` after the layer was built is picked up), and the `NotInitialised`
 * error is logged the same way. `resolveGlobal` fails instead, for an app that wants to stop:
 * `Layer.unwrap(Effect.map(DdTraceTracer.resolveGlobal, DdTraceTracer.layer))`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerGlobal: Layer.Layer<never> = Layer.unwrap(
  Effect.map(internal.loadGlobal, (tracer) => tracer === undefined ? Layer.empty : layer(tracer))
)
