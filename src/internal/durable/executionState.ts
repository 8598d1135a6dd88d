/**
 * The durable state service's client side, shared by both Effect lines (each wraps it in its `DurableState`
 * service): the `GetDurableExecutionState` request and response, the default limits, the words of a failed request,
 * and the lazy `@aws-sdk/client-lambda` client behind `DurableState.layerLambda`. Effect-free.
 */
import { formatMillis } from "../durationText.js"
import { importOptionalPeer } from "../optionalPeer.js"
import { isRecord } from "../propagation/carrier.js"

/** The request of `GetDurableExecutionState` (the names of the API and of the durable SDK's client). */
export interface GetStateRequest {
  readonly DurableExecutionArn: string
  readonly CheckpointToken: string
  readonly Marker: string
  readonly MaxItems: number
}

/** The response of `GetDurableExecutionState`, untrusted: it is validated page by page. */
export interface GetStateResponse {
  readonly Operations?: unknown
  readonly NextMarker?: unknown
}

/**
 * Any client with the durable SDK's `getExecutionState` method: the SDK's `durableExecutionClient`, its
 * `DurableExecutionApiClient`, or a fake in tests.
 */
export interface ExecutionStateClient {
  readonly getExecutionState: (request: GetStateRequest) => PromiseLike<GetStateResponse | unknown>
}

/** The part of `@aws-sdk/client-lambda`'s `LambdaClient` used by `DurableState.layerLambda`. */
export interface LambdaClientLike {
  readonly send: (command: any) => Promise<unknown>
}

/** The default limits, durations in milliseconds (each line states them as its `Duration`s). */
export const defaults = {
  maxPages: 10,
  maxOperations: 10_000,
  maxItems: 1000,
  pageTimeoutMillis: 1000,
  budgetMillis: 1000,
  maxShareOfRemainingTime: 0.25
} as const

/** Why a page request failed (a `DurableStateError`'s reason and detail). */
export interface RequestFailure {
  readonly reason: "RequestFailed" | "MalformedResponse" | "Timeout" | "Unavailable"
  readonly detail: string
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

/** What a client's rejection means: its package could not be loaded, or the request failed. */
export const rejected = (cause: unknown): RequestFailure =>
  cause instanceof ClientUnavailable
    ? { reason: "Unavailable", detail: cause.message }
    : { reason: "RequestFailed", detail: describeCause(cause) }

/** The response as a {@link GetStateResponse} (an object), else `undefined`. */
export const response = (value: unknown): GetStateResponse | undefined => isRecord(value) ? value : undefined

/** A response that is not an object. */
export const malformedResponse: RequestFailure = {
  reason: "MalformedResponse",
  detail: "the response is not an object"
}

/** A request that got no response within the page timeout. */
export const timedOut = (pageTimeoutMillis: number): RequestFailure => ({
  reason: "Timeout",
  detail: `no response within ${formatMillis(pageTimeoutMillis)}`
})

interface LambdaSdk {
  readonly LambdaClient: new(config: object) => LambdaClientLike
  readonly GetDurableExecutionStateCommand: new(request: GetStateRequest) => unknown
}

/** A client over `@aws-sdk/client-lambda`, loaded on the first request (and loaded again after a failed load). */
export const lambda = (given: LambdaClientLike | undefined): ExecutionStateClient => {
  let loaded: Promise<ExecutionStateClient> | undefined
  const load = (): Promise<ExecutionStateClient> =>
    loaded ??= importOptionalPeer("@aws-sdk/client-lambda").then((module) => {
      const sdk = module as LambdaSdk
      const client: LambdaClientLike = given ?? new sdk.LambdaClient({})
      return {
        getExecutionState: (request: GetStateRequest) => client.send(new sdk.GetDurableExecutionStateCommand(request))
      }
    })
  return {
    getExecutionState: (request) =>
      load().then(
        (client) => client.getExecutionState(request),
        (cause) => {
          loaded = undefined
          throw new ClientUnavailable(`@aws-sdk/client-lambda could not be loaded (${describeCause(cause)})`)
        }
      )
  }
}
