/**
 * Optional access to the later pages of a durable execution's state (`GetDurableExecutionState`). When an
 * envelope's `NextMarker` is set, the newest `_datadog_{N}` checkpoint (or, rarely, the EXECUTION operation) may
 * sit on a later page. With this service in context the durable extractors page through, bounded in pages,
 * operations and time: both read through one {@link Pages} per invocation, so each page is requested once, and
 * within one time budget (at most a share of the invocation's remaining time), past which extraction goes on with
 * what was read and the attempts say the later pages timed out. Without the service they use the first page and
 * say so in the attempts.
 *
 * Two ways to provide it: a layer built once ({@link layerFromClient}, {@link layerLambda}), or per invocation
 * with {@link withClient} (for a client that only exists inside one invocation, such as the durable SDK's
 * `durableExecutionClient`). The per-invocation one wins.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as DurableOperations from "../internal/durable/durableOperations.js"
import { importOptionalPeer } from "../internal/optionalPeer.js"
import { isRecord } from "../internal/propagation/carrier.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * Reading a page of durable state failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class DurableStateError extends Schema.TaggedError<DurableStateError>(
  "effect-datadog-lambda/DurableStateError"
)("DurableStateError", {
  reason: Schema.Literal("RequestFailed", "MalformedResponse", "Timeout", "Unavailable"),
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `durable state: ${this.reason}: ${this.detail}`
  }
}

/**
 * The request of `GetDurableExecutionState` (the names of the API and of the durable SDK's client).
 *
 * @since 0.1.0
 * @category models
 */
export interface GetStateRequest {
  readonly DurableExecutionArn: string
  readonly CheckpointToken: string
  readonly Marker: string
  readonly MaxItems: number
}

/**
 * The response of `GetDurableExecutionState`, untrusted: it is validated page by page.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetStateResponse {
  readonly Operations?: unknown
  readonly NextMarker?: unknown
}

/**
 * Any client with the durable SDK's `getExecutionState` method: the SDK's `durableExecutionClient`, its
 * `DurableExecutionApiClient`, or a fake in tests.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExecutionStateClient {
  readonly getExecutionState: (request: GetStateRequest) => PromiseLike<GetStateResponse | unknown>
}

/**
 * Bounds on paging. Extraction runs on every invocation, before the handler, so the defaults are tight.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limits {
  /** Pages fetched after the envelope's own page. Default 10. */
  readonly maxPages: number
  /** Operations read over all fetched pages. Default 10,000. */
  readonly maxOperations: number
  /** `MaxItems` of each request (the API allows 1..1000). Default 1000, as the SDK. */
  readonly maxItems: number
  /** Time allowed for each request. Default 1 second. */
  readonly pageTimeout: Duration.DurationInput
  /**
   * Time allowed for all the page reads of one invocation, shared by the durable extractors; past it, extraction goes
   * on with the pages read. Default 1 second, and never more than {@link maxShareOfRemainingTime} of the
   * invocation's remaining time.
   */
  readonly budget: Duration.DurationInput
  /**
   * The largest share of the invocation's remaining time (the Lambda context's `getRemainingTimeInMillis()`, read
   * when paging starts) that paging may use, between 0 and 1. Default 0.25.
   */
  readonly maxShareOfRemainingTime: number
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultLimits: Limits = {
  maxPages: 10,
  maxOperations: 10_000,
  maxItems: 1000,
  pageTimeout: Duration.seconds(1),
  budget: Duration.seconds(1),
  maxShareOfRemainingTime: 0.25
}

/**
 * @since 0.1.0
 * @category services
 */
export class DurableState extends Context.Tag("effect-datadog-lambda/DurableState")<
  DurableState,
  DurableState.Service
>() {}

/**
 * @since 0.1.0
 * @category services
 */
export declare namespace DurableState {
  /**
   * @since 0.1.0
   * @category services
   */
  export interface Service {
    readonly limits: Limits
    /** Fetches one page. */
    readonly getExecutionState: (request: GetStateRequest) => Effect.Effect<GetStateResponse, DurableStateError>
  }
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$.:-]{0,63}$/

/**
 * A client's error by its name and code only (`ThrottlingException, code Throttling`): an error's message can quote
 * the request, token included, so it is never repeated.
 */
const describeCause = (cause: unknown): string => {
  if (typeof cause !== "object" || cause === null) return `a thrown ${typeof cause}`
  const { code, name } = cause as { readonly name?: unknown; readonly code?: unknown }
  const named = typeof name === "string" && NAME.test(name) ? name : cause instanceof Error ? "Error" : "an object"
  const coded = typeof code === "number" ? String(code) : typeof code === "string" && NAME.test(code) ? code : ""
  return coded === "" ? named : `${named}, code ${coded}`
}

/** The client could not be made (its package is missing): the detail is ours, not the client's. */
class ClientUnavailable extends Error {}

/**
 * Builds the service over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (client: ExecutionStateClient, limits?: Partial<Limits>): DurableState.Service => {
  const resolved: Limits = { ...defaultLimits, ...limits }
  return DurableState.of({
    limits: resolved,
    getExecutionState: (request) =>
      Effect.tryPromise({
        try: () => Promise.resolve(client.getExecutionState(request)),
        catch: (cause) =>
          cause instanceof ClientUnavailable
            ? new DurableStateError({ reason: "Unavailable", detail: cause.message, cause })
            : new DurableStateError({ reason: "RequestFailed", detail: describeCause(cause), cause })
      }).pipe(
        Effect.flatMap((response) =>
          isRecord(response)
            ? Effect.succeed(response as GetStateResponse)
            : Effect.fail(
              new DurableStateError({ reason: "MalformedResponse", detail: "the response is not an object" })
            )
        ),
        Effect.timeoutFail({
          duration: resolved.pageTimeout,
          onTimeout: () =>
            new DurableStateError({
              reason: "Timeout",
              detail: `no response within ${Duration.format(Duration.decode(resolved.pageTimeout))}`
            })
        })
      )
  })
}

/**
 * The service over a client the app already has, built once.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromClient = (client: ExecutionStateClient, limits?: Partial<Limits>): Layer.Layer<DurableState> =>
  Layer.succeed(DurableState, fromClient(client, limits))

/**
 * The part of `@aws-sdk/client-lambda`'s `LambdaClient` used by {@link layerLambda}.
 *
 * @since 0.1.0
 * @category models
 */
export interface LambdaClientLike {
  readonly send: (command: any) => Promise<unknown>
}

interface LambdaSdk {
  readonly LambdaClient: new(config: object) => LambdaClientLike
  readonly GetDurableExecutionStateCommand: new(request: GetStateRequest) => unknown
}

/**
 * The service over `@aws-sdk/client-lambda`'s `GetDurableExecutionStateCommand`. The package is loaded (and,
 * without `client`, a `LambdaClient` created with the environment's region and credentials) on the first page
 * request, so cold starts that never page pay nothing. If the package is missing, page requests fail with
 * `Unavailable` (recorded, never fatal).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLambda = (
  options?: { readonly client?: LambdaClientLike | undefined; readonly limits?: Partial<Limits> | undefined }
): Layer.Layer<DurableState> => {
  let loaded: Promise<ExecutionStateClient> | undefined
  const load = (): Promise<ExecutionStateClient> =>
    loaded ??= importOptionalPeer("@aws-sdk/client-lambda").then((module) => {
      const sdk = module as LambdaSdk
      const client: LambdaClientLike = options?.client ?? new sdk.LambdaClient({})
      return {
        getExecutionState: (request: GetStateRequest) => client.send(new sdk.GetDurableExecutionStateCommand(request))
      }
    })
  const lazy: ExecutionStateClient = {
    getExecutionState: (request) =>
      load().then(
        (client) => client.getExecutionState(request),
        (cause) => {
          loaded = undefined
          throw new ClientUnavailable(`@aws-sdk/client-lambda could not be loaded (${describeCause(cause)})`)
        }
      )
  }
  return layerFromClient(lazy, options?.limits)
}

/**
 * The per-invocation override set by {@link withClient}.
 *
 * @since 0.1.0
 * @category references
 */
export const currentOverride: FiberRef.FiberRef<Option.Option<DurableState.Service>> = FiberRef.unsafeMake(
  Option.none<DurableState.Service>()
)

/**
 * Runs an effect (typically one invocation's extraction) with a client that only exists for this invocation,
 * for example `event.durableExecutionClient` of the durable SDK. It wins over any layer-provided service.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withClient =
  (client: ExecutionStateClient, limits?: Partial<Limits>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(self, currentOverride, Option.some(fromClient(client, limits)))

/**
 * The service to use now: the per-invocation override, else the one given (captured from the context when the
 * extractor was built).
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  fallback: Option.Option<DurableState.Service>
): Effect.Effect<Option.Option<DurableState.Service>> =>
  Effect.map(FiberRef.get(currentOverride), (override) => Option.isSome(override) ? override : fallback)

/**
 * Where paging starts: the envelope's ARN, token and `NextMarker`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PagingStart {
  readonly arn: string
  readonly checkpointToken: string | undefined
  readonly marker: string
}

/**
 * What paging read: the operations of each fetched page (in order), whether the last page was reached, and
 * notes on anything that stopped it early (errors are recorded here, never raised).
 *
 * @since 0.1.0
 * @category models
 */
export interface PagesRead {
  readonly pages: ReadonlyArray<ReadonlyArray<unknown>>
  readonly complete: boolean
  readonly notes: ReadonlyArray<string>
}

const shareName = (share: number): string => share === 0.25 ? "a quarter" : `${Math.round(share * 100)}%`

/** The Lambda context's remaining time in milliseconds; `undefined` when it has no usable clock. */
const remainingMillis = (lambdaContext: unknown): number | undefined => {
  if (typeof lambdaContext !== "object" || lambdaContext === null) return undefined
  const get = (lambdaContext as { readonly getRemainingTimeInMillis?: unknown }).getRemainingTimeInMillis
  if (typeof get !== "function") return undefined
  try {
    const value: unknown = get.call(lambdaContext)
    return typeof value === "number" && Number.isFinite(value) ? Math.max(0, value) : undefined
  } catch {
    return undefined
  }
}

/** The paging budget of an invocation: the configured one, cut to its share of the remaining time. */
const budgetOf = (limits: Limits, lambdaContext: unknown): { readonly millis: number; readonly text: string } => {
  const configured = Duration.toMillis(Duration.decode(limits.budget))
  const remaining = remainingMillis(lambdaContext)
  const share = Math.min(1, Math.max(0, limits.maxShareOfRemainingTime))
  if (remaining === undefined || remaining * share >= configured) {
    return { millis: configured, text: Duration.format(Duration.millis(configured)) }
  }
  const millis = Math.floor(remaining * share)
  return {
    millis,
    text: `${Duration.format(Duration.millis(millis))}, ${shareName(share)} of the ${
      Duration.format(Duration.millis(Math.round(remaining)))
    } remaining`
  }
}

/**
 * The later pages of one invocation's durable state, read at most once each: every reader gets what was read
 * before it and reading goes on from there. One invocation's reads share one deadline (the {@link Limits} `budget`,
 * from the first read). Never fails: errors, bad pages, repeated markers, limits and the deadline end the paging
 * with a note. For one invocation's extractors, which run one after the other (not for concurrent readers).
 *
 * @since 0.1.0
 * @category models
 */
export interface Pages {
  /**
   * The pages read so far and, unless `until` holds for one of them, the ones after (to the last page, a limit or
   * the deadline).
   */
  readonly read: (until?: (operations: ReadonlyArray<unknown>) => boolean) => Effect.Effect<PagesRead>
}

class BudgetSpent {
  readonly _tag = "BudgetSpent"
}

/**
 * Paging from the envelope's `NextMarker`, within the service's limits and the invocation's budget (cut to a share of
 * the Lambda context's remaining time).
 *
 * @since 0.1.0
 * @category constructors
 */
export const pages = (service: DurableState.Service, start: PagingStart, lambdaContext?: unknown): Pages => {
  const fetched: Array<ReadonlyArray<unknown>> = []
  const notes: Array<string> = []
  const seen = new Set<string>()
  let marker: string | undefined = start.marker
  let total = 0
  let stopped = false
  let deadline: { readonly at: number; readonly text: string } | undefined
  if (start.checkpointToken === undefined) {
    notes.push("NextMarker set but the envelope has no CheckpointToken: later pages not read")
    stopped = true
  }
  const { maxItems, maxOperations, maxPages } = service.limits
  const snapshot = (): PagesRead => ({
    pages: fetched.slice(),
    complete: marker === undefined && notes.length === 0,
    notes: notes.slice()
  })
  const stop = (note: string): void => {
    notes.push(note)
    stopped = true
  }

  const next = Effect.gen(function*() {
    const current = marker!
    const page = fetched.length + 2
    if (fetched.length >= maxPages) return stop(`stopped after ${maxPages} pages (limit): later pages not read`)
    if (seen.has(current)) return stop(`page ${page} repeated an earlier NextMarker: paging stopped`)
    const now = yield* Clock.currentTimeMillis
    if (deadline === undefined) {
      const budget = budgetOf(service.limits, lambdaContext)
      deadline = { at: now + budget.millis, text: budget.text }
    }
    const timedOut = `later pages timed out: the paging budget (${deadline.text}) ran out reading page ${page}`
    if (now >= deadline.at) return stop(timedOut)
    seen.add(current)
    const response = yield* service.getExecutionState({
      DurableExecutionArn: start.arn,
      CheckpointToken: start.checkpointToken!,
      Marker: current,
      MaxItems: maxItems
    }).pipe(
      Effect.timeoutFail({ duration: Duration.millis(deadline.at - now), onTimeout: () => new BudgetSpent() }),
      Effect.either
    )
    if (response._tag === "Left") {
      const error = response.left
      return stop(
        error._tag === "BudgetSpent" ? timedOut : `reading page ${page} failed (${error.reason}: ${error.detail})`
      )
    }
    const operations = DurableOperations.operationList(response.right.Operations, "Operations")
    if (operations._tag === "Left") return stop(`page ${page} unusable: ${operations.left.detail}`)
    if (total + operations.right.length > maxOperations) {
      return stop(`stopped at ${total} operations from later pages (limit ${maxOperations})`)
    }
    total += operations.right.length
    fetched.push(operations.right)
    const before = notes.length
    marker = DurableOperations.readMarker(response.right.NextMarker, notes, `page ${page} NextMarker`)
    if (notes.length > before) stopped = true
  })

  // Whether the last page read is the one `until` looks for.
  const reached = (until: ((operations: ReadonlyArray<unknown>) => boolean) | undefined): boolean =>
    until !== undefined && fetched.length > 0 && until(fetched[fetched.length - 1]!)

  return {
    read: (until) =>
      Effect.suspend(() =>
        until !== undefined && fetched.some(until)
          ? Effect.succeed(snapshot())
          : Effect.map(
            Effect.whileLoop({
              while: () => !stopped && marker !== undefined && !reached(until),
              body: () => next,
              step: () => {}
            }),
            snapshot
          )
      )
  }
}

const sharedPages = new TraceExtractor.InvocationKey<Map<DurableState.Service, Pages>>("DurableState.pages")

/**
 * The invocation's {@link pages} over a service: made by whichever durable extractor pages first, and shared with
 * the other (pages are requested once per invocation). Without an invocation (an extractor called on its own) a
 * fresh one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pagesOf = (
  invocation: TraceExtractor.Invocation | undefined,
  service: DurableState.Service,
  start: PagingStart,
  lambdaContext: unknown
): Pages => {
  if (invocation === undefined) return pages(service, start, lambdaContext)
  const byService = invocation.shared(sharedPages, () => new Map<DurableState.Service, Pages>())
  let found = byService.get(service)
  if (found === undefined) byService.set(service, found = pages(service, start, lambdaContext))
  return found
}

/**
 * Pages through `GetDurableExecutionState` from the envelope's `NextMarker`, within the service's limits (its
 * `budget` counted from this call). Stops early when `until` returns `true` for a page. Never fails: errors, bad
 * pages, repeated markers and limits end the paging with a note.
 *
 * @since 0.1.0
 * @category paging
 */
export const readPages = (
  service: DurableState.Service,
  start: PagingStart,
  until?: (operations: ReadonlyArray<unknown>) => boolean
): Effect.Effect<PagesRead> => pages(service, start).read(until)
