/**
 * Step Functions context objects, with Datadog's deterministic SHA-256 ids.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class StepFunctionsExtractor extends Context.Tag("effect-datadog-lambda/StepFunctionsExtractor")<
  StepFunctionsExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  return TraceExtractor.make("step-functions", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<StepFunctionsExtractor, never, Propagator> = Layer.effect(StepFunctionsExtractor, make)
