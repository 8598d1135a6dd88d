/**
 * One durable invocation: extract from the envelope (paging through the SDK's client when the newest checkpoint
 * may sit on a later page), run the SDK inside the invocation span, and, when the SDK suspends, save the span's
 * context as a `_datadog_{N}` checkpoint after the SDK's own queue has drained, with the latest token (an operation
 * the SDK never asks for, so replay is unaffected).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as CheckpointWriter from "../../services/CheckpointWriter.js"
import * as DurableState from "../../services/DurableState.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { Options } from "../../wrappers/DurableTracing.js"
import * as DurableIntegration from "../ddTrace/durableIntegration.js"
import * as DdTraceSpans from "../ddTrace/tracer.js"
import type { DurableExecutionClient, InvocationOutput } from "../durableSdk.js"
import { isRecord } from "../propagation/carrier.js"
import * as ServerlessInvocation from "../serverless/invocation.js"
import * as LambdaContext from "../serverless/lambdaContext.js"
import type * as ServerlessSpans from "../serverless/serverlessSpans.js"
import * as Apply from "../tracing/apply.js"
import * as SpanContext from "../tracing/spanContext.js"
import * as DurableMetadata from "./durableMetadata.js"
import * as Transport from "./transport.js"

/** The default invocation span name, as dd-trace's durable integration names its span. */
export const DEFAULT_SPAN_NAME = "aws.durable.execute"

/** What the SDK threw, kept apart from the wrapper's own failures so the handler rethrows it unchanged. */
export class SdkFailure {
  constructor(readonly error: unknown) {}
}

/** The wrapper's options with their defaults. */
export interface ResolvedOptions {
  readonly spanName: string
  readonly readLaterPages: boolean
  readonly pageLimits: Partial<DurableState.Limits> | undefined
  readonly activeSpan: "join" | "join-and-extract" | "ignore"
  /** The serverless view's settings (read once per `ConfigProvider`), when a span name is given. */
  readonly serverless: Effect.Effect<ServerlessSpans.Options> | undefined
}

export const resolveOptions = (options: Options): ResolvedOptions => ({
  serverless: options.spanName === undefined ? undefined : ServerlessInvocation.settings({
    spanName: options.spanName,
    ddTraceVersion: options.ddTraceVersion
  }),
  spanName: options.spanName ?? DEFAULT_SPAN_NAME,
  readLaterPages: options.readLaterPages ?? true,
  pageLimits: options.pageLimits,
  activeSpan: options.activeSpan ?? "join"
})

const outcomeLabel = (outcome: CheckpointWriter.Outcome): string =>
  outcome._tag === "Written" ? outcome.name : outcome._tag === "Skipped" ? outcome.reason : `Failed.${outcome.reason}`

const saveCheckpoint = (
  state: Transport.State,
  span: Tracer.Span,
  sdkEvent: object,
  lambdaContext: unknown
): Effect.Effect<string, never, CheckpointWriter.CheckpointWriter> =>
  Effect.gen(function*() {
    if (DurableIntegration.writerActive(sdkEvent)) {
      yield* Effect.logDebug("durable trace checkpoint left to dd-trace's durable integration")
      return "dd-trace"
    }
    const context = SpanContext.spanContext(span)
    if (state.transport === undefined || Option.isNone(context)) return "NoContext"
    const writer = yield* CheckpointWriter.CheckpointWriter
    const outcome = yield* writer.save({
      executionArn: state.executionArn,
      checkpointToken: state.token,
      operations: state.checkpoints.values(),
      context: context.value,
      transport: state.transport,
      remainingTimeMillis: LambdaContext.remainingMillis(lambdaContext)
    })
    return outcomeLabel(outcome)
  })

// A suspended invocation leaves the handler waiting forever on an operation that resolves in a later invocation.
// Interrupting its fiber ends its open spans (so they are exported) and frees it; the wait is bounded.
const interruptSuspended = (state: Transport.State): Effect.Effect<void> =>
  state.fibers.size === 0 ? Effect.void : Fiber.interruptAll(state.fibers).pipe(
    Effect.timeoutOption(Duration.millis(200)),
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
  SdkFailure,
  ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter
> =>
  Effect.gen(function*() {
    const envelope = isRecord(event) ? event : undefined
    const executionArn = typeof envelope?.DurableExecutionArn === "string" ? envelope.DurableExecutionArn : undefined
    if (envelope === undefined || executionArn === undefined) {
      // Not a durable envelope: the SDK rejects it; nothing to extract, trace or save.
      return yield* Effect.tryPromise({ try: () => run(event), catch: (error) => new SdkFailure(error) })
    }
    const eventClient = envelope.durableExecutionClient
    const sdkEvent = Transport.isClient(eventClient) ? Transport.withObservedClient(envelope, eventClient) : envelope
    const transport = Transport.isClient(eventClient) ? eventClient : configTransport
    const state: Transport.State = {
      executionArn,
      transport,
      token: typeof envelope.CheckpointToken === "string" ? envelope.CheckpointToken : "",
      checkpoints: new Map(),
      pages: new Map(),
      fibers: new Set(),
      invocation: undefined
    }
    const initial = envelope.InitialExecutionState
    if (isRecord(initial)) Transport.observeOperations(state, initial.Operations)

    // Under a wrapper that already extracted and opened a span (datadog-lambda-js's datadog()), join it.
    const joined = options.activeSpan === "ignore" ? undefined : DdTraceSpans.joinActiveSpan()
    const chain = ExtractorChain.extract(event, lambdaContext)
    const extract = options.readLaterPages
      ? DurableState.withClient(Transport.pagingClient(state, transport), options.pageLimits)(chain)
      : chain
    const extraction = yield* DdTraceSpans.joinedExtraction(joined, options.activeSpan === "join", extract)

    const arnAttribute = { [DurableMetadata.attributeNames.executionArn]: executionArn }
    const body = Effect.gen(function*() {
      const span = yield* Effect.orDie(Effect.currentSpan)
      state.invocation = { executionArn, extraction, span }
      const output = yield* Effect.tryPromise({
        try: () => Transport.storage.run(state, () => run(sdkEvent)),
        catch: (error) => new SdkFailure(error)
      })
      yield* interruptSuspended(state)
      for (const [key, value] of Object.entries(DurableMetadata.statusAttributes(output))) span.attribute(key, value)
      if (isRecord(output) && output.Status === "PENDING") {
        span.attribute("aws.durable.trace_checkpoint", yield* saveCheckpoint(state, span, sdkEvent, lambdaContext))
      }
      return output
    })
    if (options.serverless === undefined || joined !== undefined) {
      return yield* Apply.underInvocationSpan(body, options.spanName, extraction, {
        attributes: {
          ...arnAttribute,
          ...Option.match(DurableMetadata.fromEvent(envelope), {
            onNone: () => ({}),
            onSome: DurableMetadata.toAttributes
          })
        },
        parent: joined?.span
      })
    }
    // The serverless description writes the durable tags of the envelope itself.
    const settings = yield* options.serverless
    return yield* ServerlessInvocation.trace(
      body,
      { event: envelope, context: lambdaContext, extraction, attributes: arnAttribute },
      settings
    )
  })
