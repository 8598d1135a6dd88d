/**
 * API Gateway (REST v1, HTTP v2, WebSocket), ALB and Function URL headers, with the Lambda-authorizer context.
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
export class HttpExtractor
  extends Context.Tag("effect-datadog-lambda/HttpExtractor")<HttpExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  yield* Propagator
  return TraceExtractor.make("http", () => Effect.succeed(TraceExtractor.none))
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpExtractor, never, Propagator> = Layer.effect(HttpExtractor, make)
