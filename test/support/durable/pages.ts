// A fake `GetDurableExecutionState` transport serving pages by marker, recording every request; it also answers
// `checkpoint` so the real durable SDK can run against it.
import type { GetStateRequest } from "../../../src/services/DurableState.js"

export interface Page {
  readonly Operations: ReadonlyArray<unknown> | unknown
  readonly NextMarker?: unknown
}

export interface FakeTransport {
  readonly requests: Array<GetStateRequest>
  readonly checkpoints: Array<unknown>
  readonly getExecutionState: (request: GetStateRequest) => Promise<unknown>
  readonly checkpoint: (request: any) => Promise<unknown>
}

/** Serves `pages[marker]`; a function value can throw or return anything (malformed responses, hangs). */
export const fakeTransport = (
  pages: Readonly<Record<string, Page | ((request: GetStateRequest) => Promise<unknown>)>>
): FakeTransport => {
  const requests: Array<GetStateRequest> = []
  const checkpoints: Array<unknown> = []
  let token = 0
  return {
    requests,
    checkpoints,
    getExecutionState: async (request) => {
      requests.push({ ...request })
      const page = pages[request.Marker]
      if (page === undefined) throw new Error(`unknown marker ${request.Marker}`)
      return typeof page === "function" ? page(request) : page
    },
    checkpoint: async (request) => {
      checkpoints.push(request)
      return { CheckpointToken: `token-${++token}`, NewExecutionState: { Operations: [] } }
    }
  }
}

/** Timestamps as `@aws-sdk/client-lambda` hands them over: `Date`s. */
export const withDates = (operation: Record<string, any>): Record<string, any> => {
  const out: Record<string, any> = { ...operation }
  for (const key of ["StartTimestamp", "EndTimestamp"]) {
    if (typeof out[key] === "number" || typeof out[key] === "string") out[key] = new Date(out[key])
  }
  return out
}
