/**
 * Datadog tracing for AWS Lambda durable functions (`@aws/durable-execution-sdk-js`). {@link withDurableExecution}
 * is a drop-in for the SDK's own (same handler, same config); {@link make} takes an Effect handler and a layer, like
 * `@effect-aws/lambda`'s `LambdaHandler.make`. Each invocation continues the upstream trace the extractor chain finds
 * on its envelope (the newest `_datadog_{N}` checkpoint, reading later pages of the state when needed, else the
 * original input, else the triggers) in an invocation span carrying the durable metadata, and, when the execution
 * suspends, saves that span's context as the next `_datadog_{N}` checkpoint (unless dd-trace's own durable
 * integration does, or `DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED=false`). The SDK is imported on the first
 * invocation, never by importing this module.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { DurableTracing } from "effect-datadog-lambda/effect4"
 *
 * export const handler = DurableTracing.make({
 *   handler: (event: { readonly orderId: string }, ctx) =>
 *     Effect.promise(() => ctx.step("charge", async () => event.orderId)).pipe(Effect.withSpan("charge")),
 *   layer: Layer.empty,
 *   spanName: "aws.lambda"
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Tracer from "effect/Tracer"
import * as Plan from "../../internal/durable/invocationPlan.js"
import type {
  DurableContext,
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler
} from "../../internal/durableSdk.js"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as internal from "../internal/durable/handler.js"
import * as DurableInvocation from "../internal/durable/invocation.js"
import type * as CheckpointWriter from "../services/CheckpointWriter.js"
import type { CurrentExtraction } from "../services/CurrentExtraction.js"
import type * as DurableState from "../services/DurableState.js"
import type * as ExtractorChain from "../services/ExtractorChain.js"

/**
 * The durable SDK's types as this module takes them (structural, so these declarations never import the SDK).
 *
 * @since 0.2.0
 * @category models
 */
export type {
  DurableContext,
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler
} from "../../internal/durableSdk.js"

/**
 * What a running invocation knows about its trace.
 *
 * @since 0.2.0
 * @category models
 */
export interface Invocation {
  readonly executionArn: string
  /** What the extractor chain found on this invocation's envelope. */
  readonly extraction: ExtractionResult
  /** The invocation span: the parent of the handler's spans, and the context the checkpoint saves. */
  readonly span: Tracer.Span
}

/**
 * The running invocation, inside a handler wrapped by this module (`undefined` elsewhere).
 *
 * @since 0.2.0
 * @category accessors
 */
export const currentInvocation = (): Invocation | undefined => DurableInvocation.storage.getStore()?.invocation

/**
 * Options shared by {@link withDurableExecution} and {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * Name of the invocation span (default `aws.durable.execute`, as dd-trace's durable integration). When given
   * (e.g. `"aws.lambda"`), the invocation is written as Datadog's serverless view reads it, by the same code as
   * `LambdaTracing.withExtraction` with `spanName`: the invocation span as datadog-lambda-js writes its `aws.lambda`
   * (resource the function name, type `serverless`, `cold_start`, `function_arn`, `request_id`, the durable tags
   * and `aws.durable.execution_status`), and, on the first invocation, the spans inferred from the original event
   * (the EXECUTION operation's input: `aws.apigateway`, `aws.sqs`, ...) above it. A resumed invocation has no
   * inferred span: it continues the checkpoint, under the first invocation's span. Not under a `datadog()` wrapper
   * (see {@link activeSpan}), whose `aws.lambda` is already that span.
   */
  readonly spanName?: string | undefined
  /** The `dd_trace` tag of the serverless invocation span (see `LambdaTracing.Options.ddTraceVersion`). */
  readonly ddTraceVersion?: string | undefined
  /**
   * When the envelope's `NextMarker` is set, read the later pages of the execution state through the SDK's own
   * client before extracting, so a `_datadog_{N}` checkpoint on a later page is found (default `true`). The SDK
   * reads the same pages anyway: each page fetched for extraction is handed to it, never requested twice. With
   * `false` only the first page is searched, and the attempts say the later pages were not read.
   */
  readonly readLaterPages?: boolean | undefined
  /** Bounds on that paging (default `DurableState.defaultLimits`). */
  readonly pageLimits?: Partial<DurableState.Limits> | undefined
  /**
   * When dd-trace already has an active span as the invocation starts (the Datadog Lambda layer's `datadog()`
   * wrapper has opened `aws.lambda`, after extracting the durable context itself): `"join"` (default) opens the
   * invocation span as its child and skips the chain ({@link CurrentExtraction} then holds the active span's
   * context and one `dd-trace-span` attempt); `"join-and-extract"` runs the chain too (its result, after that
   * attempt); `"ignore"` extracts and parents on the extracted context as without a wrapper.
   */
  readonly activeSpan?: "join" | "join-and-extract" | "ignore" | undefined
}

/**
 * The default invocation span name.
 *
 * @since 0.2.0
 * @category constants
 */
export const DEFAULT_SPAN_NAME: "aws.durable.execute" = Plan.DEFAULT_SPAN_NAME

/**
 * A drop-in for the SDK's `withDurableExecution(handler, config)` that adds trace extraction, the invocation span
 * and the checkpoint writer (see the module docs). `layer` may replace the extractor chain
 * (e.g. `DefaultChain.layerDdTrace`), the {@link CheckpointWriter.CheckpointWriter}, or add a tracer
 * (`DdTraceTracer.layerGlobal`: the invocation span and the checkpoint it saves are then dd-trace's); it is built
 * once per cold start.
 *
 * @example
 * ```ts
 * import { DurableTracing } from "effect-datadog-lambda/effect4"
 *
 * export const handler = DurableTracing.withDurableExecution(async (event, ctx) => {
 *   const user = await ctx.step("fetch-user", async () => ({ id: "u-1" }))
 *   await ctx.wait("pause", { seconds: 60 })
 *   return user
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const withDurableExecution = <TEvent = any, TResult = any, TContext = DurableContext, LE = never>(
  handler: DurableExecutionHandler<TEvent, TResult, TContext>,
  config?: DurableExecutionConfig,
  options: Options & { readonly layer?: Layer.Layer<never, LE, never> | undefined } = {}
): DurableLambdaHandler => internal.fromPromiseHandler(handler, config, options)

/**
 * A durable Lambda handler from an Effect handler, like `@effect-aws/lambda`'s `LambdaHandler.make`. The handler
 * runs under the invocation span with {@link CurrentExtraction} provided; its failures fail the durable execution
 * (the SDK's `FAILED` output) with the failure itself as the error. The layer is built once per cold start and may
 * also replace the extractor chain, the checkpoint writer, or install a tracer.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { DurableTracing } from "effect-datadog-lambda/effect4"
 *
 * export const handler = DurableTracing.make({
 *   handler: (event: { readonly orderId: string }, ctx) =>
 *     Effect.promise(() => ctx.step("charge", async () => event.orderId)).pipe(Effect.withSpan("charge")),
 *   layer: Layer.empty
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <TEvent, A, E, R, LE, TContext = DurableContext>(
  options: Options & {
    readonly handler: (
      event: TEvent,
      context: TContext
    ) => Effect.Effect<A, E, R | CurrentExtraction | ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter>
    readonly layer: Layer.Layer<R, LE>
    readonly config?: DurableExecutionConfig | undefined
  }
): DurableLambdaHandler => internal.fromEffectHandler(options.handler, options.layer, options.config, options)
