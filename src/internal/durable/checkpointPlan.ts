/**
 * The checkpoint writer's decision, as pure functions: write `_datadog_{N+1}` or skip. The rules are those
 * dd-trace-js and dd-trace-py share: number above the highest existing `N`; skip when the newest payload equals
 * the new headers but for `x-datadog-parent-id`; anchor every checkpoint on the first invocation's span, so resumed
 * invocations are siblings. Where they differ or are silent: a malformed newest checkpoint does not block a write
 * (a valid one above it lets readers recover), and with no valid anchor the current span anchors the write.
 */
import { isRecord } from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"
import * as CheckpointName from "./checkpointName.js"
import * as CheckpointPayload from "./checkpointPayload.js"

/** A `_datadog_{N}` operation found in the execution state. */
export interface Checkpoint {
  readonly number: number
  /** The decoded payload; `undefined` when missing or malformed. */
  readonly payload: CheckpointPayload.Decoded | undefined
}

/** What the existing checkpoints say. */
export interface Scan {
  /** The highest-numbered checkpoint (the first one seen on ties, as readers do). */
  readonly latest: Checkpoint | undefined
  /** The parent id of the newest checkpoint that carries a valid one. */
  readonly anchor: string | undefined
}

/** At most this many checkpoint payloads are decoded while looking for an anchor (newest first). */
export const MAX_ANCHOR_CANDIDATES = 16

interface Found {
  readonly number: number
  readonly raw: unknown
}

const payloadOf = (operation: Readonly<Record<string, unknown>>): unknown => {
  if (operation.Payload !== undefined) return operation.Payload
  const details = operation.StepDetails
  return isRecord(details) ? details.Result : undefined
}

/**
 * Reads the checkpoints among untrusted operations (any iterable of unknown values). Payloads are read from
 * `Payload`, else `StepDetails.Result` (the update and the stored form).
 */
export const scan = (operations: Iterable<unknown>): Scan => {
  const found: Array<Found> = []
  for (const operation of operations) {
    if (!isRecord(operation)) continue
    const number = CheckpointName.parse(operation.Name)
    if (number !== undefined) found.push({ number, raw: payloadOf(operation) })
  }
  if (found.length === 0) return { latest: undefined, anchor: undefined }
  // Stable sort: on equal numbers the first one seen stays first.
  found.sort((a, b) => b.number - a.number)
  const newest = found[0]
  const latest: Checkpoint = { number: newest.number, payload: CheckpointPayload.decode(newest.raw) }
  let anchor = latest.payload === undefined ? undefined : CheckpointPayload.parentId(latest.payload)
  for (let i = 1; anchor === undefined && i < found.length && i < MAX_ANCHOR_CANDIDATES; i++) {
    const payload = CheckpointPayload.decode(found[i].raw)
    if (payload !== undefined) anchor = CheckpointPayload.parentId(payload)
  }
  return { latest, anchor }
}

/** Write checkpoint `number` with these headers. */
export interface Write {
  readonly _tag: "Write"
  readonly number: number
  readonly name: string
  readonly headers: CheckpointPayload.Headers
  /** The compact JSON payload. */
  readonly payload: string
  /** Where the parent id came from: the current span (first checkpoint, or no valid prior), or a prior one. */
  readonly anchor: "current" | "prior"
}

/**
 * Why nothing is written.
 *
 * - `Unchanged`: the newest checkpoint already holds the same context.
 * - `NoContext`: the headers have no trace id or parent id.
 * - `Exhausted`: the next number would not be a safe integer.
 */
export type SkipReason = "Unchanged" | "NoContext" | "Exhausted"

/** Nothing to write. */
export interface Skip {
  readonly _tag: "Skip"
  readonly reason: SkipReason
}

export type Plan = Write | Skip

/** Decides what to write, from the existing operations and the current context's headers. */
export const plan = (operations: Iterable<unknown>, headers: CheckpointPayload.Headers): Plan => {
  const current = headers[DatadogHeaders.headers.parentId]
  if (headers[DatadogHeaders.headers.traceId] === undefined || current === undefined) {
    return { _tag: "Skip", reason: "NoContext" }
  }
  const { anchor, latest } = scan(operations)
  if (latest?.payload !== undefined && CheckpointPayload.equalIgnoringParent(latest.payload, headers)) {
    return { _tag: "Skip", reason: "Unchanged" }
  }
  const number = latest === undefined ? 0 : latest.number + 1
  if (!Number.isSafeInteger(number)) return { _tag: "Skip", reason: "Exhausted" }
  const anchored = anchor === undefined ? headers : CheckpointPayload.withParentId(headers, anchor)
  return {
    _tag: "Write",
    number,
    name: CheckpointName.format(number),
    headers: anchored,
    payload: CheckpointPayload.encode(anchored),
    anchor: anchor === undefined ? "current" : "prior"
  }
}

/**
 * The wire operation id of a checkpoint, as dd-trace-js produces it: its step id is the first 64 hex characters
 * of BLAKE2b-512 over `"{name}:{executionArn}"`, and the SDK's checkpoint manager sends the first 16 hex
 * characters of the MD5 of that step id. Deterministic, so a retried write targets the same operation.
 */
export const operationId = (name: string, executionArn: string): string => {
  // Node's module is loaded on first use, not at import, to keep it off every cold start.
  const crypto = process.getBuiltinModule("node:crypto")
  const stepId = crypto.createHash("blake2b512").update(`${name}:${executionArn}`).digest("hex").slice(0, 64)
  return crypto.createHash("md5").update(stepId).digest("hex").slice(0, 16)
}

/** One operation update of the checkpoint API (`CheckpointDurableExecution`'s `Updates`). */
export interface Update {
  readonly Id: string
  readonly Type: "STEP"
  readonly SubType: "STEP"
  readonly Action: "START" | "SUCCEED"
  readonly Name: string
  readonly Payload?: string
}

/**
 * The updates that save a checkpoint, as dd-trace-js sends them: a STEP started and succeeded in one batch,
 * `SubType: "STEP"`, no `ParentId` (a child of the execution), the payload on the SUCCEED.
 */
export const updates = (write: Write, executionArn: string): readonly [Update, Update] => {
  const id = operationId(write.name, executionArn)
  return [
    { Id: id, Type: "STEP", SubType: "STEP", Action: "START", Name: write.name },
    { Id: id, Type: "STEP", SubType: "STEP", Action: "SUCCEED", Name: write.name, Payload: write.payload }
  ]
}
