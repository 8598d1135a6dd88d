// A fake durable-execution transport for the wrapper tests of both Effect lines: it serves the later pages by marker
// (the real SDK pages, replays and checkpoints through it) and records what was asked and written.
import type { CheckpointDurableExecutionRequest, DurableExecutionClient } from "@aws/durable-execution-sdk-js"
import * as CheckpointName from "../../../src/internal/durable/checkpointName.js"
import type { GetStateRequest } from "../../../src/internal/durable/executionState.js"

/** The later pages, by marker. */
export type Pages = Record<string, { readonly Operations: ReadonlyArray<unknown>; readonly NextMarker?: string }>

/** A transport over `pages`: each page request (a copy of its parameters) and each checkpoint request is kept. */
export const pagedTransport = (pages: Pages = {}) => {
  const requests: Array<GetStateRequest> = []
  const checkpoints: Array<CheckpointDurableExecutionRequest> = []
  const client: DurableExecutionClient = {
    getExecutionState: async (params) => {
      requests.push({ ...params } as GetStateRequest)
      const page = pages[params.Marker ?? ""]
      if (page === undefined) throw new Error(`unknown marker ${params.Marker}`)
      return structuredClone(page) as never
    },
    checkpoint: async (params) => {
      checkpoints.push(params)
      return { CheckpointToken: `token-${checkpoints.length}`, NewExecutionState: { Operations: [] } } as never
    }
  }
  return { checkpoints, client, requests }
}

/** The `_datadog_{N}` checkpoints written: their names and headers. */
export const written = (checkpoints: ReadonlyArray<CheckpointDurableExecutionRequest>) =>
  checkpoints.flatMap((request) =>
    (request.Updates ?? []).filter((update) =>
      update.Action === "SUCCEED" && CheckpointName.parse(update.Name) !== undefined
    )
  ).map((update) => ({ name: update.Name, headers: JSON.parse(update.Payload!) as Record<string, string> }))
