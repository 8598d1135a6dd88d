/**
 * The Lambda client context (`clientContext.custom`, or the legacy `custom._datadog`): the caller's trace headers
 * on a synchronous Lambda `invoke` from a dd-trace-instrumented client.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { LambdaContextExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as LambdaClientContext from "../triggers/lambdaClientContext.js"

const NO_CUSTOM = TraceExtractor.noneWith("no clientContext.custom object")
const NO_CONTEXT = TraceExtractor.noneWith("no trace context in clientContext.custom")

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator["Type"]): TraceExtractor.TraceExtractor =>
  TraceExtractor.make({
    name: "lambda-context",
    extract: (_event, lambdaContext) => {
      const carrier = LambdaClientContext.carrier(lambdaContext)
      if (carrier === undefined) return Effect.succeed(NO_CUSTOM)
      return Completed.map(
        propagator.extract(carrier, "lambda-context"),
        (context) => Option.isSome(context) ? TraceExtractor.found(context.value) : NO_CONTEXT
      )
    },
    accepts: (_event, lambdaContext) => LambdaClientContext.hasClientContext(lambdaContext)
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<LambdaContextExtractor, never, Propagator> = Layer.effect(LambdaContextExtractor, make)
