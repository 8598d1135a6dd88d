/**
 * The dd-trace propagator: extraction through the app's own initialised `dd-trace` tracer
 * (`tracer.extract("text_map", carrier)`), so every style the app configured applies. It never calls `init()`:
 * before it, dd-trace's `extract` returns a fake context, so extraction fails with `TracerUnavailable` instead.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DdTracePropagator, DefaultChain } from "effect-datadog-lambda"
 *
 * // The app's own `tracer.init()` runs first (the Datadog Lambda layer does it).
 * const chain = DefaultChain.layer.pipe(Layer.provide(DdTracePropagator.layerGlobal))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { TracerUnavailable } from "../domain/Errors.js"
import * as internal from "../internal/ddTrace/propagator.js"
import type * as SpanContext from "../internal/ddTrace/spanContext.js"
import { Propagator } from "../services/Propagator.js"

/**
 * The part of dd-trace's tracer this layer uses.
 *
 * @since 0.1.0
 * @category models
 */
export type DdTracer = SpanContext.DdTracer

/**
 * Builds the service over a given tracer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (tracer: DdTracer): Effect.Effect<Propagator["Type"]> => internal.makeLazy(Effect.succeed(tracer))

/**
 * The propagator over a tracer the app passes in (`import tracer from "dd-trace"`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (tracer: DdTracer): Layer.Layer<Propagator> => Layer.effect(Propagator, make(tracer))

/**
 * Resolves the process-wide dd-trace tracer: the one dd-trace registers on `globalThis` when loaded, else the
 * `dd-trace` package's default export. Fails with `NotInstalled` when neither is there.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveGlobal: Effect.Effect<DdTracer, TracerUnavailable> = internal.resolveGlobal

/**
 * The propagator over the process-wide dd-trace tracer, resolved on first use. Building the layer never fails;
 * extraction fails with `TracerUnavailable` while dd-trace is missing or not initialised.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGlobal: Layer.Layer<Propagator> = Layer.effect(Propagator, internal.makeLazy(resolveGlobal))
