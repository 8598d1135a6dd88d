/**
 * Kinesis records whose base64 JSON data holds `_datadog`.
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
export class KinesisExtractor
  extends Context.Tag("effect-datadog-lambda/KinesisExtractor")<KinesisExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  return TraceExtractor.make("kinesis", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<KinesisExtractor, never, Propagator> = Layer.effect(KinesisExtractor, make)
