/**
 * The propagator service: turns a carrier (header map) into a {@link TraceContext}, and back.
 *
 * Two layers provide it: `DdTracePropagator` (the app's initialised dd-trace tracer, honouring its configured
 * styles) and `NativePropagator` (Datadog and W3C parsing with no dd-trace at all).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { Carrier } from "../domain/Carrier.js"
import type { PropagatorError, TracerUnavailable } from "../domain/Errors.js"
import type { ExtractorName } from "../domain/ExtractorName.js"
import type { TraceContext } from "../domain/TraceContext.js"

/**
 * @since 0.1.0
 * @category services
 */
export class Propagator extends Context.Tag("effect-datadog-lambda/Propagator")<Propagator, Propagator.Service>() {}

/**
 * @since 0.1.0
 * @category services
 */
export declare namespace Propagator {
  /**
   * @since 0.1.0
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
    ) => Effect.Effect<Option.Option<TraceContext>, PropagatorError | TracerUnavailable>
    /**
     * Injects a context into Datadog-style headers (`x-datadog-*`).
     */
    readonly inject: (context: TraceContext) => Effect.Effect<Carrier, PropagatorError | TracerUnavailable>
  }
}
