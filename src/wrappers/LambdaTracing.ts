/**
 * One-line trace-context extraction for Effect Lambda handlers (`@effect-aws/lambda` or any
 * `(event, context) => Effect` handler). {@link withExtraction} wraps a handler: each invocation runs the
 * {@link ExtractorChain.ExtractorChain} from the handler's layer on the event and Lambda context, runs the handler
 * under the extracted parent with {@link CurrentExtraction} provided, and, with `spanName`, writes the invocation as
 * Datadog's serverless view reads it (datadog-lambda-js's `aws.lambda` under the spans inferred for the trigger),
 * with its settings (`DD_TRACE_MANAGED_SERVICES`, `DD_MERGE_XRAY_TRACES`, ...) read through Effect's `Config`.
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
import type * as Effect from "effect/Effect"
import * as internal from "../internal/tracing/lambdaHandler.js"
import type { CurrentExtraction } from "../services/CurrentExtraction.js"
import type * as ExtractorChain from "../services/ExtractorChain.js"

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
   * batch links, `datadog.extractor` and the upstream's `_dd.p.*` tags. Without it the handler's own spans are the
   * direct children of the upstream span, and every one of them gets the batch links (`Tracing.applyExtraction`).
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
  /**
   * The handler streams its response (Lambda response streaming): with `spanName`, an invocation that returns
   * nothing is then a `200` on the invocation span, not a `502`, as datadog-lambda-js has it for streaming handlers.
   */
  readonly responseStreaming?: boolean | undefined
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
): EffectHandler<T, C, A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> =>
  internal.withExtraction(handler, options)
