/**
 * AWS AppSync direct Lambda resolvers: the client's headers in `request.headers`. The event is never mutated
 * (datadog-lambda-js copies `request.headers` onto `event.headers`).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as AppSyncEvent from "../domain/AppSyncEvent.js"
import * as Completed from "../internal/completed.js"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class AppSyncExtractor
  extends Context.Tag("effect-datadog-lambda/AppSyncExtractor")<AppSyncExtractor, TraceExtractor.TraceExtractor>()
{}

const NO_HEADERS = TraceExtractor.noneWith("no request.headers object")
const NO_CONTEXT = TraceExtractor.noneWith("no trace context in request.headers")

/**
 * Builds the extractor over a propagator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = (propagator: Propagator["Type"]): TraceExtractor.TraceExtractor =>
  TraceExtractor.makeTrigger({
    name: "appsync",
    extract: (event) => {
      const headers = AppSyncEvent.requestHeaders(event)
      if (headers === undefined) return Effect.succeed(NO_HEADERS)
      return Completed.map(
        propagator.extract(headers, "appsync"),
        (context) => Option.isSome(context) ? TraceExtractor.found(context.value) : NO_CONTEXT
      )
    },
    accepts: AppSyncEvent.isAppSyncEvent
  })

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<AppSyncExtractor, never, Propagator> = Layer.effect(AppSyncExtractor, make)
