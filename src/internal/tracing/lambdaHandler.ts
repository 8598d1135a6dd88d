/**
 * The handler wrapper behind `LambdaTracing.withExtraction`: join the span dd-trace already has active (under
 * datadog-lambda-js's `datadog()`), or extract and run the handler under the result, in the serverless view when a
 * span name is given.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import { CurrentExtraction } from "../../services/CurrentExtraction.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { EffectHandler, Options } from "../../wrappers/LambdaTracing.js"
import * as DdTraceSpans from "../ddTrace/tracer.js"
import * as ServerlessInvocation from "../serverless/invocation.js"
import * as Apply from "./apply.js"

const join = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  parent: DdTraceSpans.JoinedSpan,
  result: ExtractionResult
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.withParentSpan(Effect.provideService(run, CurrentExtraction, result), parent.span)

/** `LambdaTracing.withExtraction`. */
export const withExtraction = <T, C, A, E, R>(
  handler: EffectHandler<T, C, A, E, R>,
  options: Options
): EffectHandler<T, C, A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> => {
  const spanName = options.spanName
  const activeSpan = options.activeSpan ?? "join"
  const serverless = spanName === undefined ? undefined : ServerlessInvocation.settings({
    spanName,
    ddTraceVersion: options.ddTraceVersion
  })
  return (event, context) => {
    const run = Effect.suspend(() => handler(event, context))
    const parent = activeSpan === "ignore" ? undefined : DdTraceSpans.joinActiveSpan()
    if (parent !== undefined) {
      if (activeSpan === "join") {
        const attempts = [DdTraceSpans.joinedAttempt(false)]
        return join(run, parent, { context: Option.some(parent.context), links: [], attempts })
      }
      return Effect.flatMap(
        ExtractorChain.extract(event, context),
        (result) => join(run, parent, { ...result, attempts: [DdTraceSpans.joinedAttempt(true), ...result.attempts] })
      )
    }
    return Effect.flatMap(
      ExtractorChain.extract(event, context),
      (result) => {
        if (serverless === undefined) return Apply.underExtraction(run, result)
        return Effect.flatMap(
          serverless,
          (settings) => ServerlessInvocation.trace(run, { event, context, extraction: result }, settings)
        )
      }
    )
  }
}
