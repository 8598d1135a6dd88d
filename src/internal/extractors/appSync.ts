/**
 * AWS AppSync direct Lambda resolvers: the client's headers in `request.headers`. The event is never mutated
 * (datadog-lambda-js copies `request.headers` onto `event.headers`).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { AppSyncExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as AppSyncEvent from "../triggers/appSyncEvent.js"
import * as Builtin from "./builtin.js"

const NO_HEADERS = TraceExtractor.noneWith("no request.headers object")
const NO_CONTEXT = TraceExtractor.noneWith("no trace context in request.headers")

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator["Type"]): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
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

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<AppSyncExtractor, never, Propagator> = Layer.effect(AppSyncExtractor, make)
