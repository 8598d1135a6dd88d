/**
 * The Lambda client context (`clientContext.custom`, or the legacy `custom._datadog`).
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
export class LambdaContextExtractor extends Context.Tag("effect-datadog-lambda/LambdaContextExtractor")<
  LambdaContextExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  return TraceExtractor.make("lambda-context", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<LambdaContextExtractor, never, Propagator> = Layer.effect(LambdaContextExtractor, make)
