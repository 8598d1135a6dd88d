/**
 * The handler wrapper behind `LambdaTracing.withExtraction`: join the span dd-trace already has active (under
 * datadog-lambda-js's `datadog()`), or extract and run the handler under the result, in the serverless view when a
 * span name is given.
 */
import * as Effect from "effect/Effect"
import { ReleasableInvocation } from "../../../internal/invocation.js"
import type { CurrentExtraction } from "../../services/CurrentExtraction.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { EffectHandler, Options } from "../../wrappers/LambdaTracing.js"
import * as DdTraceSpans from "../ddTrace/tracer.js"
import * as ServerlessInvocation from "../serverless/invocation.js"
import * as Apply from "./apply.js"

/** `LambdaTracing.withExtraction`. */
export const withExtraction = <T, C, A, E, R>(
  handler: EffectHandler<T, C, A, E, R>,
  options: Options
): EffectHandler<T, C, A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> => {
  const spanName = options.spanName
  const activeSpan = options.activeSpan ?? "join"
  const serverless = spanName === undefined ? undefined : ServerlessInvocation.settings({
    spanName,
    ddTraceVersion: options.ddTraceVersion,
    ...(options.responseStreaming === undefined ? {} : { responseStreaming: options.responseStreaming })
  })
  return (event, context) => {
    const run = Effect.suspend(() => handler(event, context))
    const parent = activeSpan === "ignore" ? undefined : DdTraceSpans.joinActiveSpan()
    if (parent !== undefined) {
      return Effect.flatMap(
        DdTraceSpans.joinedExtraction(parent, activeSpan === "join", ExtractorChain.extract(event, context)),
        (result) => Apply.provideExtraction(run, result, parent.span)
      )
    }
    if (serverless === undefined) {
      return Effect.flatMap(ExtractorChain.extract(event, context), (result) => Apply.underExtraction(run, result))
    }
    return Effect.suspend(() => {
      // The chain and the serverless view share one run's work (a durable input payload is parsed once).
      const shared = new ReleasableInvocation()
      return Effect.flatMap(
        ExtractorChain.extract(event, context, shared),
        (result) =>
          Effect.flatMap(
            serverless,
            (settings) => ServerlessInvocation.trace(run, { event, context, extraction: result, shared }, settings)
          )
      )
    })
  }
}
