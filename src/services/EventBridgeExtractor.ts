/**
 * EventBridge `detail._datadog`.
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
export class EventBridgeExtractor extends Context.Tag("effect-datadog-lambda/EventBridgeExtractor")<
  EventBridgeExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  return TraceExtractor.make("eventbridge", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<EventBridgeExtractor, never, Propagator> = Layer.effect(EventBridgeExtractor, make)
