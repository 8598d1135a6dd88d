/**
 * Durable executions with no usable checkpoint: the context of the original event held in the EXECUTION
 * operation's `ExecutionDetails.InputPayload`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"
import * as Triggers from "./Triggers.js"

/**
 * @since 0.1.0
 * @category services
 */
export class DurableInputExtractor extends Context.Tag("effect-datadog-lambda/DurableInputExtractor")<
  DurableInputExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * Builds the extractor over the trigger extractors present in the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  yield* Triggers.collect
  return TraceExtractor.make("durable-input", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DurableInputExtractor, never, Propagator> = Layer.effect(DurableInputExtractor, make)
