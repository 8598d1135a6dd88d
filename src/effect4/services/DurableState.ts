/**
 * Access to the later pages of a durable execution's state (`GetDurableExecutionState`). When an envelope's
 * `NextMarker` is set, the newest `_datadog_{N}` checkpoint may sit on a later page; with this service in context
 * the durable extractors page through it, bounded in pages, operations and time, and each page is requested once
 * per invocation. Without it they use the first page and say so in the attempts. Provide it once as a layer
 * ({@link layerFromClient}, {@link layerLambda}), or per invocation with {@link withClient} (a client that exists
 * only inside one invocation, such as the durable SDK's `durableExecutionClient`); the per-invocation one wins.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, DurableState, NativePropagator } from "effect-datadog-lambda/effect4"
 *
 * const chain = DefaultChain.layer.pipe(
 *   Layer.provide(Layer.merge(NativePropagator.layerConfig, DurableState.layerLambda()))
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ExecutionState from "../../internal/durable/executionState.js"
import type { DurableStateError } from "../domain/Errors.js"
import * as stateClient from "../internal/stateClient.js"

/**
 * The request of `GetDurableExecutionState` (the names of the API and of the durable SDK's client).
 *
 * @since 0.2.0
 * @category models
 */
export type GetStateRequest = ExecutionState.GetStateRequest

/**
 * The response of `GetDurableExecutionState`, untrusted: it is validated page by page.
 *
 * @since 0.2.0
 * @category models
 */
export type GetStateResponse = ExecutionState.GetStateResponse

/**
 * Any client with the durable SDK's `getExecutionState` method: the SDK's `durableExecutionClient`, its
 * `DurableExecutionApiClient`, or a fake in tests.
 *
 * @since 0.2.0
 * @category models
 */
export type ExecutionStateClient = ExecutionState.ExecutionStateClient

/**
 * Bounds on paging. Extraction runs on every invocation, before the handler, so the defaults are tight.
 *
 * @since 0.2.0
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
  readonly pageTimeout: Duration.Input
  /**
   * Time allowed for all the page reads of one invocation, shared by the durable extractors; past it, extraction goes
   * on with the pages read. Default 1 second, and never more than {@link maxShareOfRemainingTime} of the
   * invocation's remaining time.
   */
  readonly budget: Duration.Input
  /**
   * The largest share of the invocation's remaining time (the Lambda context's `getRemainingTimeInMillis()`, read
   * when paging starts) that paging may use, between 0 and 1. Default 0.25.
   */
  readonly maxShareOfRemainingTime: number
}

/**
 * @since 0.2.0
 * @category constants
 */
export const defaultLimits: Limits = {
  maxPages: ExecutionState.defaults.maxPages,
  maxOperations: ExecutionState.defaults.maxOperations,
  maxItems: ExecutionState.defaults.maxItems,
  pageTimeout: Duration.millis(ExecutionState.defaults.pageTimeoutMillis),
  budget: Duration.millis(ExecutionState.defaults.budgetMillis),
  maxShareOfRemainingTime: ExecutionState.defaults.maxShareOfRemainingTime
}

/**
 * @since 0.2.0
 * @category services
 */
export class DurableState extends Context.Service<DurableState, DurableState.Service>()(
  "effect-datadog-lambda/DurableState"
) {}

/**
 * @since 0.2.0
 * @category services
 */
export declare namespace DurableState {
  /**
   * @since 0.2.0
   * @category services
   */
  export interface Service {
    readonly limits: Limits
    /** Fetches one page. */
    readonly getExecutionState: (request: GetStateRequest) => Effect.Effect<GetStateResponse, DurableStateError>
  }
}

/**
 * Builds the service over a client.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromClient = (client: ExecutionStateClient, limits?: Partial<Limits>): DurableState.Service =>
  stateClient.make(client, { ...defaultLimits, ...limits })

/**
 * The service over a client the app already has, built once.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromClient = (client: ExecutionStateClient, limits?: Partial<Limits>): Layer.Layer<DurableState> =>
  Layer.succeed(DurableState, fromClient(client, limits))

/**
 * The part of `@aws-sdk/client-lambda`'s `LambdaClient` used by {@link layerLambda}.
 *
 * @since 0.2.0
 * @category models
 */
export type LambdaClientLike = ExecutionState.LambdaClientLike

/**
 * The service over `@aws-sdk/client-lambda`'s `GetDurableExecutionStateCommand`. The package is loaded (and,
 * without `client`, a `LambdaClient` created with the environment's region and credentials) on the first page
 * request, so cold starts that never page pay nothing. If the package is missing, page requests fail with
 * `Unavailable` (recorded, never fatal).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerLambda = (
  options?: { readonly client?: LambdaClientLike | undefined; readonly limits?: Partial<Limits> | undefined }
): Layer.Layer<DurableState> => layerFromClient(ExecutionState.lambda(options?.client), options?.limits)

/**
 * Runs an effect (typically one invocation's extraction) with a client that only exists for this invocation,
 * for example `event.durableExecutionClient` of the durable SDK. It wins over any layer-provided service.
 *
 * @since 0.2.0
 * @category combinators
 */
export const withClient =
  (client: ExecutionStateClient, limits?: Partial<Limits>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(self, stateClient.CurrentOverride, Option.some(fromClient(client, limits)))
