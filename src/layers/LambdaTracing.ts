/**
 * One-line trace-context extraction for Effect Lambda handlers (`@effect-aws/lambda` or any
 * `(event, context) => Effect` handler).
 *
 * {@link withExtraction} wraps a handler: on every invocation it runs the {@link ExtractorChain.ExtractorChain}
 * on the event and Lambda context, runs the handler under the extracted parent (so every `Effect.withSpan` in it
 * continues the upstream trace), and provides {@link CurrentExtraction}. With `spanName`, the invocation runs in
 * one span of that name whose links are the batch records' contexts. The chain comes from the handler's layer,
 * e.g. `DefaultChain.layerNative`.
 *
 * @example
 * ```ts
 * import { LambdaHandler } from "@effect-aws/lambda"
 * import * as Effect from "effect/Effect"
 * import * as DefaultChain from "effect-datadog-lambda/DefaultChain"
 * import * as LambdaTracing from "effect-datadog-lambda/LambdaTracing"
 *
 * const app = (event: unknown) => Effect.log("hello").pipe(Effect.withSpan("app"))
 *
 * export const handler = LambdaHandler.make({
 *   handler: LambdaTracing.withExtraction(app, { spanName: "aws.lambda" }),
 *   layer: DefaultChain.layerNative
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { CurrentExtraction } from "../services/CurrentExtraction.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as Tracing from "./Tracing.js"

/**
 * An effectful Lambda handler, as `@effect-aws/lambda`'s `EffectHandler` (the Lambda context type is left
 * generic, so this module needs no Lambda typings).
 *
 * @since 0.1.0
 * @category models
 */
export type EffectHandler<T, C, A, E, R> = (event: T, context: C) => Effect.Effect<A, E, R>

/**
 * Options of {@link withExtraction}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Wrap each invocation in a span of this name (kind `server`), child of the upstream context, carrying the
   * batch links and `Tracing.invocationAttributes`. Without it the handler's own spans are the direct children
   * of the upstream span, and every one of them gets the batch links (`Tracing.withExtraction`).
   */
  readonly spanName?: string | undefined
}

/**
 * Wraps a handler so each invocation runs under the context extracted from its event (see the module docs).
 * Extraction never fails the invocation: the chain records failures and the handler runs as a new trace.
 *
 * @since 0.1.0
 * @category tracing
 */
export const withExtraction = <T, C, A, E, R>(
  handler: EffectHandler<T, C, A, E, R>,
  options: Options = {}
): EffectHandler<T, C, A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> => {
  const spanName = options.spanName
  return (event, context) => {
    const run = Effect.suspend(() => handler(event, context))
    return Effect.flatMap(
      ExtractorChain.extract(event, context),
      (result) =>
        spanName === undefined
          ? Tracing.withExtraction(run, result)
          : Tracing.withInvocationSpan(run, spanName, result)
    )
  }
}
