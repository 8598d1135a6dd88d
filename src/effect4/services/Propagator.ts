/**
 * The propagator service: turns a carrier (header map) into a {@link TraceContext}, and back. Two layers provide
 * it: `DdTracePropagator` (the app's initialised dd-trace, with its configured styles) and `NativePropagator`
 * (the same parsing without dd-trace); {@link layerTest} fakes it in tests.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, Propagator, TraceContext } from "effect-datadog-lambda/effect4"
 *
 * // Every carrier yields this context: checks a handler's wiring without real headers.
 * const context = TraceContext.make({ traceId: "1", parentId: "2", source: "http" })
 * const chain = DefaultChain.layer.pipe(Layer.provide(Propagator.layerTest(context)))
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorName } from "../../internal/extractorName.js"
import type { Carrier } from "../../internal/propagation/carrier.js"
import type { PropagatorError, TracerUnavailable } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"

/**
 * @since 0.2.0
 * @category services
 */
export class Propagator extends Context.Service<Propagator, Propagator.Service>()("effect-datadog-lambda/Propagator") {}

/**
 * @since 0.2.0
 * @category services
 */
export declare namespace Propagator {
  /**
   * @since 0.2.0
   * @category services
   */
  export interface Service {
    /**
     * Extracts a complete context (trace id and parent id) from an untrusted header map. The carrier is
     * normalised first (lower-case keys, first value of arrays, numbers to strings, size caps). `None` when the
     * carrier holds no complete context; the result is attributed to `source`.
     */
    readonly extract: (
      carrier: unknown,
      source: ExtractorName
    ) => Effect.Effect<Option.Option<TraceContext.TraceContext>, PropagatorError | TracerUnavailable>
    /**
     * Extracts Datadog-style headers (`x-datadog-*`) whatever the configured styles: what durable checkpoints
     * hold. Optional: the native propagator has it; without it callers use {@link Service.extract}.
     */
    readonly extractDatadog?: (
      carrier: unknown,
      source: ExtractorName
    ) => Effect.Effect<Option.Option<TraceContext.TraceContext>, PropagatorError | TracerUnavailable>
    /**
     * Injects a context into Datadog-style headers (`x-datadog-*`).
     */
    readonly inject: (context: TraceContext.TraceContext) => Effect.Effect<Carrier, PropagatorError | TracerUnavailable>
  }
}

const finds = (context: TraceContext.TraceContext | undefined) => (_carrier: unknown, source: ExtractorName) =>
  Effect.succeed(context === undefined ? Option.none() : Option.some(TraceContext.withSource(context, source)))

/**
 * A propagator for tests: every carrier yields `context` (attributed to the calling extractor), or nothing when
 * it is omitted; `overrides` replace either method.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerTest = (
  context?: TraceContext.TraceContext,
  overrides: Partial<Propagator.Service> = {}
): Layer.Layer<Propagator> =>
  Layer.succeed(Propagator, {
    extract: finds(context),
    inject: () => Effect.succeed({}),
    ...overrides
  })
