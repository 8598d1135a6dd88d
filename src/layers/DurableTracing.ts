/**
 * Datadog tracing for AWS Lambda durable functions (`@aws/durable-execution-sdk-js`), in one line:
 *
 * - {@link withDurableExecution} is a drop-in for the SDK's `withDurableExecution` (same handler, same config);
 * - {@link make} takes an Effect handler and a layer, like `@effect-aws/lambda`'s `LambdaHandler.make`.
 *
 * On every invocation the wrapper sees the raw envelope, runs the extractor chain on it (custom extractor, then
 * the newest `_datadog_{N}` checkpoint, then the original input payload, then the triggers), and runs the SDK
 * inside an invocation span (`aws.durable.execute`, kind `server`) that continues the extracted trace. Effect
 * handlers get that span as their parent and {@link CurrentExtraction}; promise handlers can read
 * {@link currentInvocation}.
 *
 * When the envelope's `NextMarker` is set, the newest checkpoint may sit on a later page of the execution state.
 * The extraction then pages through `GetDurableExecutionState` with the SDK's own client (`DurableState.withClient`,
 * bounded by `DurableState.Limits`), and each page it fetched is handed to the SDK when the SDK asks for it, so
 * no page is requested twice. {@link Options.readLaterPages} `false` turns this off (the attempts then say that
 * the later pages were not read).
 *
 * The invocation span carries the durable metadata (`DurableMetadata`): `aws.durable.execution_arn`,
 * `aws.durable.execution_name`, `aws.durable.execution_id`, `aws.durable.first_invocation`, and, once the SDK
 * returns, `aws.durable.invocation_status` (`succeeded`, `failed` or `pending`, lower-cased as dd-trace writes it
 * on its own `aws.durable.execute` span), plus `Tracing.invocationAttributes` (`datadog.extractor`, the upstream's
 * `_dd.p.*` tags) and, on `PENDING`,
 * `aws.durable.trace_checkpoint` (what the writer did).
 *
 * When the invocation suspends (the SDK returns `PENDING`), the {@link CheckpointWriter.CheckpointWriter} saves the
 * invocation span's context as a `_datadog_{N}` checkpoint, so the next invocation continues the same trace under
 * the first invocation's span (the anchor). How it writes outside user code without breaking replay:
 *
 * - the wrapper hands the SDK a transport that forwards to the real one (`config.durableExecutionClient`, else
 *   the SDK's `DurableExecutionApiClient`; or the test runner's client carried by the event) and observes every
 *   response: it keeps the latest checkpoint token and any `_datadog_{N}` operations (from every page the
 *   extraction or the SDK fetches and every checkpoint delta), so N = highest existing + 1 counts later pages;
 * - after the SDK has drained its own checkpoint queue and returned `PENDING`, the wrapper sends one
 *   `CheckpointDurableExecution` call with the latest token (START + SUCCEED of a STEP, dd-trace-js's shape and
 *   deterministic id). The SDK never asks for that operation id, so replay is unaffected.
 *
 * The writer is off when `DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED=false`, and skipped for an invocation in
 * which dd-trace's own durable integration writes: that is detected as dd-trace's plugin listening on its
 * `apm:aws-durable-execution-sdk-js:terminate` channel (it subscribes only when the flag is on) *and* the SDK
 * copy that ran this invocation being instrumented (its orchestrion `withDurableExecution` start event fired for
 * this event). Both are needed: the plugin can be enabled while the SDK was loaded uninstrumented (CommonJS, or
 * imported before dd-trace), in which case nobody else would write.
 *
 * Under the Datadog Lambda layer's `datadog()` wrapper (dd-trace already has `aws.lambda` active, continuing the
 * checkpoint datadog-lambda-js read itself), the invocation span is opened as that span's child and the chain does
 * not run (see {@link Options.activeSpan}): one trace chunk, and the attempts say so (`dd-trace-span`).
 *
 * With a `spanName` (e.g. `"aws.lambda"`), the invocation is written as Datadog's serverless view reads it, by the
 * code `LambdaTracing.withExtraction` uses (one path): the invocation span as datadog-lambda-js writes its
 * `aws.lambda` for a durable invocation (resource the function name, type `serverless`, `cold_start`,
 * `function_arn`, `request_id`, the durable tags and `aws.durable.execution_status`), with the tags above. On the
 * first invocation, whose envelope hides the trigger, the trigger's tags and the inferred spans are read from the
 * original event (the EXECUTION operation's input), under its upstream context; datadog-lambda-js reads only the
 * envelope and has neither. A resumed invocation has no inferred span: it continues the checkpoint. The settings
 * (`DD_TRACE_MANAGED_SERVICES`, ...) are read through Effect's `Config`.
 *
 * The SDK is imported lazily on the first invocation, so importing this module never requires it.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import { AsyncLocalStorage } from "node:async_hooks"
import * as DiagnosticsChannel from "node:diagnostics_channel"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as CheckpointName from "../internal/durable/checkpointName.js"
import * as DurableMetadata from "../internal/durable/durableMetadata.js"
import type {
  DurableContext,
  DurableExecutionClient,
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler,
  GetExecutionStateRequest,
  InvocationOutput,
  Sdk as DurableSdk
} from "../internal/durableSdk.js"
import { importOptionalPeer } from "../internal/optionalPeer.js"
import { isRecord } from "../internal/propagation/carrier.js"
import type * as ServerlessSpans from "../internal/serverless/serverlessSpans.js"
import * as ServerlessInvocation from "../internal/serverlessInvocation.js"
import * as CheckpointWriter from "../services/CheckpointWriter.js"
import { CurrentExtraction } from "../services/CurrentExtraction.js"
import * as DurableState from "../services/DurableState.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as DdTraceTracer from "./DdTraceTracer.js"
import * as DefaultChain from "./DefaultChain.js"
import * as Tracing from "./Tracing.js"

/**
 * The durable SDK's types as this module takes them (structural, so these declarations never import the SDK).
 *
 * @since 0.1.0
 * @category models
 */
export type {
  DurableContext,
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler
} from "../internal/durableSdk.js"

/**
 * What a running invocation knows about its trace.
 *
 * @since 0.1.0
 * @category models
 */
export interface Invocation {
  readonly executionArn: string
  /** What the extractor chain found on this invocation's envelope. */
  readonly extraction: ExtractionResult
  /** The invocation span: the parent of the handler's spans, and the context the checkpoint saves. */
  readonly span: Tracer.Span
}

interface State {
  readonly executionArn: string
  readonly transport: DurableExecutionClient | undefined
  token: string
  readonly checkpoints: Map<string, unknown>
  /**
   * `GetDurableExecutionState` responses fetched while extracting, by request; each is handed to the SDK when it
   * asks for the same page (once), so paging for extraction costs no extra request.
   */
  readonly pages: Map<string, Promise<unknown>>
  /** Effect handler fibers still running; interrupted when the SDK suspends (their spans then end). */
  readonly fibers: Set<Fiber.RuntimeFiber<unknown, unknown>>
  invocation: Invocation | undefined
}

const storage = new AsyncLocalStorage<State>()

/**
 * The running invocation, inside a handler wrapped by this module (`undefined` elsewhere).
 *
 * @since 0.1.0
 * @category accessors
 */
export const currentInvocation = (): Invocation | undefined => storage.getStore()?.invocation

/**
 * Options shared by {@link withDurableExecution} and {@link make}.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_SPAN_NAME = "aws.durable.execute"

// ---------------------------------------------------------------------------------------------------------------
// Observing the SDK's transport
// ---------------------------------------------------------------------------------------------------------------

const MAX_OBSERVED_CHECKPOINTS = 1024

const observeOperations = (state: State, operations: unknown): void => {
  if (!Array.isArray(operations)) return
  for (const operation of operations) {
    if (!isRecord(operation) || CheckpointName.parse(operation.Name) === undefined) continue
    const key = typeof operation.Id === "string" ? operation.Id : String(operation.Name)
    if (state.checkpoints.size < MAX_OBSERVED_CHECKPOINTS || state.checkpoints.has(key)) {
      state.checkpoints.set(key, operation)
    }
  }
}

const stateFor = (executionArn: unknown): State | undefined => {
  const state = storage.getStore()
  return state !== undefined && state.executionArn === executionArn ? state : undefined
}

const pageKey = (
  params: { readonly CheckpointToken?: unknown; readonly Marker?: unknown; readonly MaxItems?: unknown }
) => JSON.stringify([params.CheckpointToken, params.Marker, params.MaxItems])

// The page the extraction already fetched for this request, handed over once.
const takePage = (state: State | undefined, params: GetExecutionStateRequest): Promise<unknown> | undefined => {
  if (state === undefined) return undefined
  const key = pageKey(params)
  const page = state.pages.get(key)
  if (page !== undefined) state.pages.delete(key)
  return page
}

// Forwards every call unchanged (or answers from a page the extraction fetched with the same request); only reads
// the responses (never throws from the observation).
const observing = (client: DurableExecutionClient): DurableExecutionClient => ({
  getExecutionState: async (params, logger) => {
    const state = stateFor(params.DurableExecutionArn)
    const fetched = takePage(state, params)
    const response = fetched === undefined
      ? await client.getExecutionState(params, logger)
      : await fetched as any
    if (state !== undefined) observeOperations(state, response?.Operations)
    return response
  },
  checkpoint: async (params, logger) => {
    const response = await client.checkpoint(params, logger)
    const state = stateFor(params.DurableExecutionArn)
    if (state !== undefined) {
      if (typeof response?.CheckpointToken === "string") state.token = response.CheckpointToken
      observeOperations(state, response?.NewExecutionState?.Operations)
    }
    return response
  }
})

// The client the extraction pages through: the SDK's transport, remembering each response for the SDK and
// observing its checkpoints for the writer. A failed request is forgotten, so the SDK makes its own.
const pagingClient = (state: State, transport: DurableExecutionClient): DurableState.ExecutionStateClient => ({
  getExecutionState: (request) => {
    const key = pageKey(request)
    const known = state.pages.get(key)
    if (known !== undefined) return known
    const response = Promise.resolve().then(() => transport.getExecutionState(request))
    state.pages.set(key, response)
    response.then(
      (page) => observeOperations(state, isRecord(page) ? page.Operations : undefined),
      () => {
        if (state.pages.get(key) === response) state.pages.delete(key)
      }
    )
    return response
  }
})

const isClient = (value: unknown): value is DurableExecutionClient =>
  isRecord(value) && typeof value.checkpoint === "function" && typeof value.getExecutionState === "function"

// A harness (the SDK's local test runner) injects its transport through the event, and that transport wins over
// the config. The SDK recognises such an event by its class; the copy keeps the class and swaps the client.
const withObservedClient = (event: object, client: DurableExecutionClient): object => {
  const copy = Object.create(Object.getPrototypeOf(event)) as Record<string, unknown>
  Object.assign(copy, event)
  copy.durableExecutionClient = observing(client)
  return copy
}

// ---------------------------------------------------------------------------------------------------------------
// dd-trace's own durable checkpoint writer
// ---------------------------------------------------------------------------------------------------------------

/**
 * The diagnostics channel dd-trace's durable plugin subscribes to when its checkpoint writer is enabled.
 *
 * @since 0.1.0
 * @category constants
 */
export const DD_TRACE_TERMINATE_CHANNEL = "apm:aws-durable-execution-sdk-js:terminate"

/**
 * The start event dd-trace's orchestrion rewrite of the SDK publishes for every instrumented invocation.
 *
 * @since 0.1.0
 * @category constants
 */
export const DD_TRACE_RUN_HANDLER_START_CHANNEL =
  "tracing:orchestrion:@aws/durable-execution-sdk-js:withDurableExecution:start"

const instrumentedEvents = new WeakSet<object>()
let observingInstrumentation = false

const observeInstrumentation = (): void => {
  if (observingInstrumentation) return
  observingInstrumentation = true
  DiagnosticsChannel.subscribe(DD_TRACE_RUN_HANDLER_START_CHANNEL, (message) => {
    const event = isRecord(message) ? (message.arguments as ArrayLike<unknown> | undefined)?.[0] : undefined
    if (typeof event === "object" && event !== null) instrumentedEvents.add(event)
  })
}

/**
 * `true` when dd-trace's durable integration wrote (or will write) the checkpoint of the invocation that ran on
 * `sdkEvent`: its plugin listens with cross-invocation tracing on, and the SDK that ran was instrumented.
 *
 * @since 0.1.0
 * @category predicates
 */
export const ddTraceWriterActive = (sdkEvent: object): boolean =>
  DiagnosticsChannel.hasSubscribers(DD_TRACE_TERMINATE_CHANNEL) && instrumentedEvents.has(sdkEvent)

// ---------------------------------------------------------------------------------------------------------------
// The invocation
// ---------------------------------------------------------------------------------------------------------------

class SdkFailure {
  constructor(readonly error: unknown) {}
}

interface LambdaContextLike {
  readonly getRemainingTimeInMillis?: () => number
}

const remainingTime = (lambdaContext: unknown): number | undefined => {
  const get = (lambdaContext as LambdaContextLike | undefined)?.getRemainingTimeInMillis
  if (typeof get !== "function") return undefined
  try {
    const value = get.call(lambdaContext)
    return typeof value === "number" ? value : undefined
  } catch {
    return undefined
  }
}

const outcomeLabel = (outcome: CheckpointWriter.Outcome): string =>
  outcome._tag === "Written" ? outcome.name : outcome._tag === "Skipped" ? outcome.reason : `Failed.${outcome.reason}`

const saveCheckpoint = (
  state: State,
  span: Tracer.Span,
  sdkEvent: object,
  lambdaContext: unknown
): Effect.Effect<string, never, CheckpointWriter.CheckpointWriter> =>
  Effect.gen(function*() {
    if (ddTraceWriterActive(sdkEvent)) {
      yield* Effect.logDebug("durable trace checkpoint left to dd-trace's durable integration")
      return "dd-trace"
    }
    const context = Tracing.spanContext(span)
    if (state.transport === undefined || Option.isNone(context)) return "NoContext"
    const writer = yield* CheckpointWriter.CheckpointWriter
    const outcome = yield* writer.save({
      executionArn: state.executionArn,
      checkpointToken: state.token,
      operations: state.checkpoints.values(),
      context: context.value,
      transport: state.transport,
      remainingTimeMillis: remainingTime(lambdaContext)
    })
    return outcomeLabel(outcome)
  })

// A suspended invocation leaves the handler waiting forever on an operation that resolves in a later invocation.
// Interrupting its fiber ends its open spans (so they are exported) and frees it; the wait is bounded.
const interruptSuspended = (state: State): Effect.Effect<void> =>
  state.fibers.size === 0 ? Effect.void : Fiber.interruptAll(state.fibers).pipe(
    Effect.timeoutOption(Duration.millis(200)),
    Effect.asVoid
  )

const invocation = (
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
    const sdkEvent = isClient(eventClient) ? withObservedClient(envelope, eventClient) : envelope
    const transport = isClient(eventClient) ? eventClient : configTransport
    const state: State = {
      executionArn,
      transport,
      token: typeof envelope.CheckpointToken === "string" ? envelope.CheckpointToken : "",
      checkpoints: new Map(),
      pages: new Map(),
      fibers: new Set(),
      invocation: undefined
    }
    const initial = envelope.InitialExecutionState
    if (isRecord(initial)) observeOperations(state, initial.Operations)

    // Under a wrapper that already extracted and opened a span (datadog-lambda-js's datadog()), join it.
    const joined = options.activeSpan === "ignore" ? undefined : DdTraceTracer.joinActiveSpan()
    // Later pages (when `NextMarker` is set) are read through the SDK's own client; their checkpoints also reach
    // the writer's numbering.
    const extract = ExtractorChain.extract(event, lambdaContext)
    const extraction: ExtractionResult = joined !== undefined && options.activeSpan === "join"
      ? { context: Option.some(joined.context), links: [], attempts: [DdTraceTracer.joinedAttempt(false)] }
      : yield* Effect.map(
        options.readLaterPages
          ? DurableState.withClient(pagingClient(state, transport), options.pageLimits)(extract)
          : extract,
        (result) =>
          joined === undefined
            ? result
            : { ...result, attempts: [DdTraceTracer.joinedAttempt(true), ...result.attempts] }
      )

    const attributes: Record<string, unknown> = {
      [DurableMetadata.attributeNames.executionArn]: executionArn,
      ...Option.match(DurableMetadata.fromEvent(envelope), {
        onNone: () => ({}),
        onSome: DurableMetadata.toAttributes
      })
    }
    const body = Effect.gen(function*() {
      const span = yield* Effect.orDie(Effect.currentSpan)
      state.invocation = { executionArn, extraction, span }
      const output = yield* Effect.tryPromise({
        try: () => storage.run(state, () => run(sdkEvent)),
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
      return yield* Tracing.withInvocationSpan(body, options.spanName, extraction, { attributes, parent: joined?.span })
    }
    const settings = yield* options.serverless
    return yield* ServerlessInvocation.trace(
      body,
      { event: envelope, context: lambdaContext, extraction, attributes },
      settings
    )
  })

const noExtraction: ExtractionResult = { context: Option.none(), links: [], attempts: [] }

const baseLayer = Layer.merge(DefaultChain.layerNative, CheckpointWriter.layerConfig)

interface ResolvedOptions {
  readonly spanName: string
  readonly readLaterPages: boolean
  readonly pageLimits: Partial<DurableState.Limits> | undefined
  readonly activeSpan: "join" | "join-and-extract" | "ignore"
  /** The serverless view's settings (read once per `ConfigProvider`), when a span name is given. */
  readonly serverless: Effect.Effect<ServerlessSpans.Options> | undefined
}

const resolveOptions = (options: Options): ResolvedOptions => ({
  serverless: options.spanName === undefined ? undefined : ServerlessInvocation.settings({
    spanName: options.spanName,
    ddTraceVersion: options.ddTraceVersion
  }),
  spanName: options.spanName ?? DEFAULT_SPAN_NAME,
  readLaterPages: options.readLaterPages ?? true,
  pageLimits: options.pageLimits,
  activeSpan: options.activeSpan ?? "join"
})

interface Lazy<A> {
  (): Promise<A>
}

const lazy = <A>(make: () => Promise<A>): Lazy<A> => {
  let value: Promise<A> | undefined
  return () => {
    if (value === undefined) {
      value = make()
      value.catch(() => {
        value = undefined
      })
    }
    return value
  }
}

const makeHandler = <R, LE>(
  sdkHandler: DurableExecutionHandler<any, any, any>,
  config: DurableExecutionConfig | undefined,
  runtime: ManagedRuntime.ManagedRuntime<R | ExtractorChain.ExtractorChain | CheckpointWriter.CheckpointWriter, LE>,
  options: Options
): DurableLambdaHandler => {
  const resolved = resolveOptions(options)
  const load = lazy(async () => {
    const sdk = await importOptionalPeer("@aws/durable-execution-sdk-js") as DurableSdk
    const transport = config?.durableExecutionClient ?? new sdk.DurableExecutionApiClient(config?.client)
    // A config with both `client` and `durableExecutionClient` is passed unchanged: the SDK reports it.
    const sdkConfig: DurableExecutionConfig =
      config?.client !== undefined && config.durableExecutionClient !== undefined
        ? config
        : { ...withoutClient(config), durableExecutionClient: observing(transport) }
    return { handler: sdk.withDurableExecution(sdkHandler, sdkConfig), transport }
  })
  return async (event, lambdaContext) => {
    observeInstrumentation()
    const { handler, transport } = await load()
    const exit = await runtime.runPromiseExit(
      invocation(event, lambdaContext, (sdkEvent) => handler(sdkEvent as never, lambdaContext), transport, resolved)
    )
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure) && failure.value instanceof SdkFailure) throw failure.value.error
    throw Cause.squash(exit.cause)
  }
}

const withoutClient = (config: DurableExecutionConfig | undefined): DurableExecutionConfig => {
  if (config === undefined) return {}
  const { client: _client, ...rest } = config
  return rest
}

/**
 * A drop-in for the SDK's `withDurableExecution(handler, config)` that adds trace extraction, the invocation span
 * and the checkpoint writer (see the module docs). `layer` may replace the extractor chain
 * (e.g. `DefaultChain.layerDdTrace`), the {@link CheckpointWriter.CheckpointWriter}, or add a tracer
 * (`DdTraceTracer.layerGlobal`: the invocation span and the checkpoint it saves are then dd-trace's); it is built
 * once per cold start.
 *
 * @example
 * ```ts
 * import * as DurableTracing from "effect-datadog-lambda/DurableTracing"
 *
 * export const handler = DurableTracing.withDurableExecution(async (event, ctx) => {
 *   const user = await ctx.step("fetch-user", async () => ({ id: "u-1" }))
 *   await ctx.wait("pause", { seconds: 60 })
 *   return user
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const withDurableExecution = <TEvent = any, TResult = any, TContext = DurableContext, LE = never>(
  handler: DurableExecutionHandler<TEvent, TResult, TContext>,
  config?: DurableExecutionConfig,
  options: Options & { readonly layer?: Layer.Layer<never, LE, never> | undefined } = {}
): DurableLambdaHandler => {
  const layer = options.layer === undefined ? baseLayer : Layer.merge(baseLayer, options.layer)
  return makeHandler(handler, config, ManagedRuntime.make(layer), options)
}

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
 * import * as DurableTracing from "effect-datadog-lambda/DurableTracing"
 *
 * export const handler = DurableTracing.make({
 *   handler: (event: { readonly orderId: string }, ctx) =>
 *     Effect.promise(() => ctx.step("charge", async () => event.orderId)).pipe(Effect.withSpan("charge")),
 *   layer: Layer.empty
 * })
 * ```
 *
 * @since 0.1.0
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
): DurableLambdaHandler => {
  const runtime = ManagedRuntime.make(Layer.merge(baseLayer, options.layer))
  const sdkHandler: DurableExecutionHandler<TEvent, A, TContext> = async (event, durableContext) => {
    const state = storage.getStore()
    const current = state?.invocation
    const effect = options.handler(event, durableContext).pipe(
      Effect.provideService(CurrentExtraction, current?.extraction ?? noExtraction)
    )
    const fiber = runtime.runFork(current === undefined ? effect : Effect.withParentSpan(effect, current.span))
    state?.fibers.add(fiber)
    const exit = await new Promise<Exit.Exit<A, unknown>>((resolve) => fiber.addObserver(resolve))
    state?.fibers.delete(fiber)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
  return makeHandler(sdkHandler, options.config, runtime, options)
}
