/**
 * Watching the durable SDK's transport for the checkpoint writer: every call is forwarded unchanged, and the
 * responses tell the invocation the latest checkpoint token and the `_datadog_{N}` operations that already exist
 * (so the writer's N counts later pages). Pages the extraction fetched are handed to the SDK when it asks for the
 * same page, once. Effect-free, shared by both lines' `DurableTracing`: each line keeps its invocations in a storage
 * of its own ({@link makeStorage}), typed with its invocation and fiber.
 */
import { AsyncLocalStorage } from "node:async_hooks"
import type { DurableExecutionClient, GetExecutionStateRequest } from "../durableSdk.js"
import { isRecord } from "../propagation/carrier.js"
import * as CheckpointName from "./checkpointName.js"
import type { ExecutionStateClient } from "./executionState.js"

/** What one invocation learns from its transport. */
export interface Observed {
  readonly executionArn: string
  readonly transport: DurableExecutionClient | undefined
  token: string
  readonly checkpoints: Map<string, unknown>
  /** `GetDurableExecutionState` responses fetched while extracting, by request; each handed to the SDK once. */
  readonly pages: Map<string, Promise<unknown>>
}

/** What one invocation learns from its transport, and what it runs (a line's invocation and handler fibers). */
export interface State<Invocation, Fiber> extends Observed {
  /** Effect handler fibers still running; interrupted when the SDK suspends (their spans then end). */
  readonly fibers: Set<Fiber>
  invocation: Invocation | undefined
}

/** Where a line keeps the running invocation's state, for the transport calls the SDK makes inside it. */
export type Storage<Invocation, Fiber> = AsyncLocalStorage<State<Invocation, Fiber>>

/** A line's storage. */
export const makeStorage = <Invocation, Fiber>(): Storage<Invocation, Fiber> => new AsyncLocalStorage()

/** What the transport reads of a storage: the running invocation's observations. */
export interface Observing {
  readonly getStore: () => Observed | undefined
}

/** A new invocation's state. */
export const makeState = <Invocation, Fiber>(
  executionArn: string,
  transport: DurableExecutionClient | undefined,
  token: string
): State<Invocation, Fiber> => ({
  executionArn,
  transport,
  token,
  checkpoints: new Map(),
  pages: new Map(),
  fibers: new Set(),
  invocation: undefined
})

const MAX_OBSERVED_CHECKPOINTS = 1024

/** Remembers the `_datadog_{N}` operations of a page or checkpoint response (bounded). */
export const observeOperations = (state: Observed, operations: unknown): void => {
  if (!Array.isArray(operations)) return
  for (const operation of operations) {
    if (!isRecord(operation) || CheckpointName.parse(operation.Name) === undefined) continue
    const key = typeof operation.Id === "string" ? operation.Id : String(operation.Name)
    if (state.checkpoints.size < MAX_OBSERVED_CHECKPOINTS || state.checkpoints.has(key)) {
      state.checkpoints.set(key, operation)
    }
  }
}

const stateFor = (storage: Observing, executionArn: unknown): Observed | undefined => {
  const state = storage.getStore()
  return state !== undefined && state.executionArn === executionArn ? state : undefined
}

const pageKey = (
  params: { readonly CheckpointToken?: unknown; readonly Marker?: unknown; readonly MaxItems?: unknown }
) => JSON.stringify([params.CheckpointToken, params.Marker, params.MaxItems])

const takePage = (state: Observed | undefined, params: GetExecutionStateRequest): Promise<unknown> | undefined => {
  if (state === undefined) return undefined
  const key = pageKey(params)
  const page = state.pages.get(key)
  if (page !== undefined) state.pages.delete(key)
  return page
}

/**
 * The SDK's transport, watched for the invocation running in `storage`: forwards every call (or answers from a page
 * the extraction fetched with the same request) and only reads the responses; the observation never throws.
 */
export const observing = (storage: Observing, client: DurableExecutionClient): DurableExecutionClient => ({
  getExecutionState: async (params, logger) => {
    const state = stateFor(storage, params.DurableExecutionArn)
    const fetched = takePage(state, params)
    const response = fetched === undefined
      ? await client.getExecutionState(params, logger)
      : await fetched as any
    if (state !== undefined) observeOperations(state, response?.Operations)
    return response
  },
  checkpoint: async (params, logger) => {
    const response = await client.checkpoint(params, logger)
    const state = stateFor(storage, params.DurableExecutionArn)
    if (state !== undefined) {
      if (typeof response?.CheckpointToken === "string") state.token = response.CheckpointToken
      observeOperations(state, response?.NewExecutionState?.Operations)
    }
    return response
  }
})

/**
 * The client the extraction pages through: the SDK's transport, remembering each response for the SDK and
 * observing its checkpoints for the writer. A failed request is forgotten, so the SDK makes its own.
 */
export const pagingClient = (state: Observed, transport: DurableExecutionClient): ExecutionStateClient => ({
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

/** `true` for a value with the transport's two methods. */
export const isClient = (value: unknown): value is DurableExecutionClient =>
  isRecord(value) && typeof value.checkpoint === "function" && typeof value.getExecutionState === "function"

/**
 * A copy of a harness's event (the SDK's local test runner injects its transport through the event, and that
 * transport wins over the config) with the transport watched. The SDK recognises such an event by its class, so
 * the copy keeps the class.
 */
export const withObservedClient = (storage: Observing, event: object, client: DurableExecutionClient): object => {
  const copy = Object.create(Object.getPrototypeOf(event)) as Record<string, unknown>
  Object.assign(copy, event)
  copy.durableExecutionClient = observing(storage, client)
  return copy
}
