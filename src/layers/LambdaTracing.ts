/**
 * One-line trace-context extraction for Effect Lambda handlers (`@effect-aws/lambda` or any
 * `(event, context) => Effect` handler).
 *
 * {@link withExtraction} wraps a handler: on every invocation it runs the {@link ExtractorChain.ExtractorChain}
 * on the event and Lambda context, runs the handler under the extracted parent (so every `Effect.withSpan` in it
 * continues the upstream trace), and provides {@link CurrentExtraction}. With `spanName`, the invocation runs in
 * one span of that name whose links are the batch records' contexts, written as datadog-lambda-js writes its
 * `aws.lambda` (`ServerlessSpans.describe`: resource the function name, type `serverless`, `cold_start`,
 * `function_arn`, the trigger's tags, `http.status_code` from the response, an error on a 5xx), under the spans
 * inferred for the managed service that triggered it (`aws.apigateway`, `aws.sqs`, ..., at the event's times;
 * none with `DD_TRACE_MANAGED_SERVICES=false`). As in datadog-lambda-js, a context only the X-Ray fallback found is
 * not continued unless `DD_MERGE_XRAY_TRACES=true`. These settings (`ServerlessSpans.config`) are read through
 * Effect's `Config`, once per wrapper and `ConfigProvider` (the first invocation under it). The chain comes from the handler's layer,
 * e.g. `DefaultChain.layerNative`; with `DdTraceTracer.layerGlobal` in the same layer, the spans are dd-trace's.
 *
 * Under the Datadog Lambda layer's `datadog()` wrapper, dd-trace has already extracted the context and opened
 * `aws.lambda` when the handler runs. The wrapper then joins that active span (see {@link Options.activeSpan}):
 * it becomes the parent of the handler's spans, no second invocation span is opened, the chain does not run, and
 * the one attempt in {@link CurrentExtraction} says so (`dd-trace-span`).
 *
 * @example
 * ```ts
 * import { LambdaHandler } from "@effect-aws/lambda"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as DdTraceTracer from "effect-datadog-lambda/DdTraceTracer"
 * import * as DefaultChain from "effect-datadog-lambda/DefaultChain"
 * import * as LambdaTracing from "effect-datadog-lambda/LambdaTracing"
 *
 * const app = (event: unknown) => Effect.log("hello").pipe(Effect.withSpan("app"))
 *
 * export const handler = LambdaHandler.make({
 *   handler: LambdaTracing.withExtraction(app, { spanName: "aws.lambda" }),
 *   layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as ServerlessInvocation from "../internal/serverlessInvocation.js"
import { CurrentExtraction } from "../services/CurrentExtraction.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as DdTraceTracer from "./DdTraceTracer.js"
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
   * of the upstream span, and every one of them gets the batch links (`Tracing.applyExtraction`).
   */
  readonly spanName?: string | undefined
  /**
   * When dd-trace already has an active span as the invocation starts (the Datadog Lambda layer's `datadog()`
   * wrapper has opened `aws.lambda`, after extracting the upstream context itself):
   * - `"join"` (default): that span is the parent of the handler's spans; no span of `spanName` is opened and
   *   the chain does not run. {@link CurrentExtraction} holds the active span's context and one attempt,
   *   `dd-trace-span`, that says so.
   * - `"join-and-extract"`: the same parent, but the chain runs too: {@link CurrentExtraction} holds what it
   *   found, after the `dd-trace-span` attempt (its batch links are not added to the active span).
   * - `"ignore"`: behave as if no span were active (extract, and open `spanName` under the extracted parent).
   */
  readonly activeSpan?: "join" | "join-and-extract" | "ignore" | undefined
  /**
   * The `dd_trace` tag of the invocation span (the version of dd-trace behind the tracer), which this library
   * does not read from dd-trace itself.
   */
  readonly ddTraceVersion?: string | undefined
}

const join = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  parent: NonNullable<ReturnType<typeof DdTraceTracer.joinActiveSpan>>,
  result: ExtractionResult
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.withParentSpan(Effect.provideService(run, CurrentExtraction, result), parent.span)

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
  const activeSpan = options.activeSpan ?? "join"
  const serverless = spanName === undefined ? undefined : ServerlessInvocation.settings({
    spanName,
    ddTraceVersion: options.ddTraceVersion
  })
  return (event, context) => {
    const run = Effect.suspend(() => handler(event, context))
    const parent = activeSpan === "ignore" ? undefined : DdTraceTracer.joinActiveSpan()
    if (parent !== undefined) {
      if (activeSpan === "join") {
        const attempts = [DdTraceTracer.joinedAttempt(false)]
        return join(run, parent, { context: Option.some(parent.context), links: [], attempts })
      }
      return Effect.flatMap(
        ExtractorChain.extract(event, context),
        (result) => join(run, parent, { ...result, attempts: [DdTraceTracer.joinedAttempt(true), ...result.attempts] })
      )
    }
    return Effect.flatMap(
      ExtractorChain.extract(event, context),
      (result) => {
        if (serverless === undefined) return Tracing.applyExtraction(run, result)
        return Effect.flatMap(
          serverless,
          (settings) => ServerlessInvocation.trace(run, { event, context, extraction: result }, settings)
        )
      }
    )
  }
}
