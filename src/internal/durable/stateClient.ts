/**
 * The durable state service over a client: page requests with typed errors and a timeout, and the lazy
 * `@aws-sdk/client-lambda` loader behind `DurableState.layerLambda`.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { DurableStateError } from "../../domain/Errors.js"
import type {
  DurableState,
  ExecutionStateClient,
  GetStateRequest,
  GetStateResponse,
  LambdaClientLike,
  Limits
} from "../../services/DurableState.js"
import { importOptionalPeer } from "../optionalPeer.js"
import { isRecord } from "../propagation/carrier.js"

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

/** The service over a client, with resolved limits. */
export const make = (client: ExecutionStateClient, limits: Limits): DurableState.Service => ({
  limits,
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
          : Effect.fail(new DurableStateError({ reason: "MalformedResponse", detail: "the response is not an object" }))
      ),
      Effect.timeoutFail({
        duration: limits.pageTimeout,
        onTimeout: () =>
          new DurableStateError({
            reason: "Timeout",
            detail: `no response within ${Duration.format(Duration.decode(limits.pageTimeout))}`
          })
      })
    )
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
