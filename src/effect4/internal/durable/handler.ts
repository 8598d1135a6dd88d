/**
 * The durable handlers `DurableTracing` builds on Effect 4: the SDK, imported on the first invocation (so importing
 * the library never requires it), wraps the user's handler with a watched transport (`internal/durable/sdkHandler.ts`,
 * shared with the Effect 3 line), and each invocation runs through `invocation` on a runtime built once per cold
 * start.
 */
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Plan from "../../../internal/durable/invocationPlan.js"
import * as SdkHandler from "../../../internal/durable/sdkHandler.js"
import type {
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler
} from "../../../internal/durableSdk.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as DefaultChain from "../../layers/DefaultChain.js"
import * as CheckpointWriter from "../../services/CheckpointWriter.js"
import type { CurrentExtraction } from "../../services/CurrentExtraction.js"
import type * as ExtractorChain from "../../services/ExtractorChain.js"
import type { Options } from "../../wrappers/DurableTracing.js"
import * as Apply from "../tracing/apply.js"
import * as Invocation from "./invocation.js"

const noExtraction: ExtractionResult = { context: Option.none(), links: [], attempts: [] }

const baseLayer = Layer.merge(DefaultChain.layerNative, CheckpointWriter.layerConfig)

const makeHandler = <R, LE>(
  sdkHandler: DurableExecutionHandler<any, any, any>,
  config: DurableExecutionConfig | undefined,
  runtime: ManagedRuntime.ManagedRuntime<R | ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter, LE>,
  options: Options
): DurableLambdaHandler => {
  const resolved = Invocation.resolveOptions(options)
  const load = SdkHandler.loader(Invocation.storage, sdkHandler, config)
  return async (event, lambdaContext) => {
    SdkHandler.beforeInvocation()
    const { handler, transport } = await load()
    const exit = await runtime.runPromiseExit(
      Invocation.invocation(
        event,
        lambdaContext,
        (sdkEvent) => handler(sdkEvent as never, lambdaContext),
        transport,
        resolved
      )
    )
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.findErrorOption(exit.cause)
    if (Option.isSome(failure) && failure.value instanceof Plan.SdkFailure) throw failure.value.error
    throw Cause.squash(exit.cause)
  }
}

/** The SDK's `withDurableExecution` with the trace: a promise handler, the SDK's config, an optional extra layer. */
export const fromPromiseHandler = <TEvent, TResult, TContext, LE>(
  handler: DurableExecutionHandler<TEvent, TResult, TContext>,
  config: DurableExecutionConfig | undefined,
  options: Options & { readonly layer?: Layer.Layer<never, LE, never> | undefined }
): DurableLambdaHandler => {
  const layer = options.layer === undefined ? baseLayer : Layer.merge(baseLayer, options.layer)
  return makeHandler(handler, config, ManagedRuntime.make(layer), options)
}

/**
 * A durable handler from an Effect handler: each call runs on a fiber of the runtime under the invocation span,
 * tracked so a suspension interrupts it.
 */
export const fromEffectHandler = <TEvent, A, E, R, LE, TContext>(
  handler: (
    event: TEvent,
    context: TContext
  ) => Effect.Effect<A, E, R | CurrentExtraction | ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter>,
  layer: Layer.Layer<R, LE>,
  config: DurableExecutionConfig | undefined,
  options: Options
): DurableLambdaHandler => {
  const runtime = ManagedRuntime.make(Layer.merge(baseLayer, layer))
  const sdkHandler: DurableExecutionHandler<TEvent, A, TContext> = async (event, durableContext) => {
    const state = Invocation.storage.getStore()
    const current = state?.invocation
    const fiber = runtime.runFork(
      Apply.provideExtraction(handler(event, durableContext), current?.extraction ?? noExtraction, current?.span)
    )
    state?.fibers.add(fiber)
    const exit = await new Promise<Exit.Exit<A, unknown>>((resolve) => fiber.addObserver(resolve))
    state?.fibers.delete(fiber)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
  return makeHandler(sdkHandler, config, runtime, options)
}
