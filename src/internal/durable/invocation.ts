/**
 * One durable invocation on Effect 3: extract from the envelope (paging through the SDK's client when the newest
 * checkpoint may sit on a later page), run the SDK inside the invocation span, and, when the SDK suspends, save the
 * span's context as a `_datadog_{N}` checkpoint after the SDK's own queue has drained, with the latest token (an
 * operation the SDK never asks for, so replay is unaffected). What is not Effect is `invocationPlan.ts`, shared with
 * the Effect 4 line.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as CheckpointWriter from "../../services/CheckpointWriter.js"
import * as DurableState from "../../services/DurableState.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { Invocation, Options } from "../../wrappers/DurableTracing.js"
import * as DdTraceSpans from "../ddTrace/tracer.js"
import type { DurableExecutionClient, InvocationOutput } from "../durableSdk.js"
import { ReleasableInvocation } from "../invocation.js"
import * as ServerlessInvocation from "../serverless/invocation.js"
import * as LambdaContext from "../serverless/lambdaContext.js"
import type * as ServerlessSpans from "../serverless/serverlessSpans.js"
import * as Apply from "../tracing/apply.js"
import * as SpanContext from "../tracing/spanContext.js"
import * as Plan from "./invocationPlan.js"
import * as Transport from "./transport.js"

/** The default invocation span name, as dd-trace's durable integration names its span. */
export const DEFAULT_SPAN_NAME = Plan.DEFAULT_SPAN_NAME

export { SdkFailure } from "./invocationPlan.js"

/** A running invocation's state on this line. */
export type State = Transport.State<Invocation, Fiber.RuntimeFiber<unknown, unknown>>

/** The running invocation's state, for the transport calls the SDK makes inside it and `currentInvocation`. */
export const storage = Transport.makeStorage<Invocation, Fiber.RuntimeFiber<unknown, unknown>>()

/** The wrapper's options with their defaults. */
export interface ResolvedOptions extends Plan.Settings<DurableState.Limits> {
  /** The serverless view's settings (read once per `ConfigProvider`), when a span name is given. */
  readonly serverlessSettings: Effect.Effect<ServerlessSpans.Options> | undefined
}

export const resolveOptions = (options: Options): ResolvedOptions => {
  const settings = Plan.settings(options)
  return {
    ...settings,
    serverlessSettings: settings.serverless === undefined
      ? undefined
      : ServerlessInvocation.settings(settings.serverless)
  }
}

const saveCheckpoint = (
  state: State,
  span: Tracer.Span,
  sdkEvent: object,
  lambdaContext: unknown
): Effect.Effect<string, never, CheckpointWriter.CheckpointWriter> =>
  Effect.gen(function*() {
    if (Plan.leftToDdTrace(sdkEvent)) {
      yield* Effect.logDebug(Plan.leftToDdTraceMessage)
      return Plan.LEFT_TO_DD_TRACE
    }
    const context = SpanContext.spanContext(span)
    if (state.transport === undefined || Option.isNone(context)) return Plan.NO_CONTEXT
    const writer = yield* CheckpointWriter.CheckpointWriter
    const outcome = yield* writer.save({
      executionArn: state.executionArn,
      checkpointToken: state.token,
      operations: state.checkpoints.values(),
      context: context.value,
      transport: state.transport,
      remainingTimeMillis: LambdaContext.remainingMillis(lambdaContext)
    })
    return Plan.outcomeLabel(outcome)
  })

// A suspended invocation leaves the handler waiting forever on an operation that resolves in a later invocation.
// Interrupting its fiber ends its open spans (so they are exported) and frees it; the wait is bounded.
const interruptSuspended = (state: State): Effect.Effect<void> =>
  state.fibers.size === 0 ? Effect.void : Fiber.interruptAll(state.fibers).pipe(
    Effect.timeoutOption(Duration.millis(Plan.INTERRUPT_TIMEOUT_MILLIS)),
    Effect.asVoid
  )

/** Runs one invocation of the SDK (`run`, given the event the SDK should see) under its trace. */
export const invocation = (
  event: unknown,
  lambdaContext: unknown,
  run: (sdkEvent: unknown) => Promise<InvocationOutput>,
  configTransport: DurableExecutionClient,
  options: ResolvedOptions
): Effect.Effect<
  InvocationOutput,
  Plan.SdkFailure,
  ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter
> =>
  Effect.gen(function*() {
    const begun = Plan.begin<Invocation, Fiber.RuntimeFiber<unknown, unknown>>(storage, event, configTransport)
    if (begun._tag === "NotDurable") {
      return yield* Effect.tryPromise({ try: () => run(event), catch: (error) => new Plan.SdkFailure(error) })
    }
    const { envelope, executionArn, sdkEvent, state, transport } = begun

    // Under a wrapper that already extracted and opened a span (datadog-lambda-js's datadog()), join it.
    const joined = options.activeSpan === "ignore" ? undefined : DdTraceSpans.joinActiveSpan()
    // The chain and the serverless view share its work (a first invocation's input payload is parsed once); it is
    // let go before the handler runs.
    const shared = new ReleasableInvocation()
    const chain = ExtractorChain.extract(event, lambdaContext, shared)
    const extract = options.readLaterPages
      ? DurableState.withClient(Transport.pagingClient(state, transport), options.pageLimits)(chain)
      : chain
    const extraction = yield* DdTraceSpans.joinedExtraction(joined, options.activeSpan === "join", extract)
    const withView = options.serverlessSettings !== undefined && joined === undefined
    if (!withView) shared.release()

    const body = Effect.gen(function*() {
      const span = yield* Effect.orDie(Effect.currentSpan)
      state.invocation = { executionArn, extraction, span }
      const output = yield* Effect.tryPromise({
        try: () => storage.run(state, () => run(sdkEvent)),
        catch: (error) => new Plan.SdkFailure(error)
      })
      yield* interruptSuspended(state)
      for (const [key, value] of Object.entries(Plan.statusAttributes(output))) span.attribute(key, value)
      if (Plan.isPending(output)) {
        span.attribute(Plan.TRACE_CHECKPOINT_ATTRIBUTE, yield* saveCheckpoint(state, span, sdkEvent, lambdaContext))
      }
      return output
    })
    if (!withView) {
      return yield* Apply.underInvocationSpan(body, options.spanName, extraction, {
        attributes: Plan.spanAttributes(envelope, executionArn),
        parent: joined?.span
      })
    }
    // The serverless description writes the durable tags of the envelope itself.
    const settings = yield* options.serverlessSettings
    return yield* ServerlessInvocation.trace(
      body,
      { event: envelope, context: lambdaContext, extraction, attributes: Plan.arnAttribute(executionArn), shared },
      settings
    )
  })
