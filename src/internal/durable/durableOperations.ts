/**
 * Cheap, Effect-free reading of a durable envelope: the detection guard, the envelope's outer shape, one pass
 * over the operations that finds the EXECUTION operation and the `_datadog_{N}` checkpoint candidates without
 * decoding any operation, and the direct read of the operation fields the extractors use.
 */
import { isRecord } from "../propagation/carrier.js"
import { err, ok, type Result } from "../result.js"
import * as CheckpointName from "./checkpointName.js"

/** Bounds on what is read from one envelope (or one page). */
export const limits = {
  /**
   * Operations read from one page. The service pages by size (a Lambda payload is at most 6 MiB, so a real page
   * holds far fewer); more than this is treated as hostile input.
   */
  maxOperations: 100_000,
  /** Longest `NextMarker` used. */
  maxMarkerLength: 4096
} as const

/** An object whose `DurableExecutionArn` is a string; nothing else is known yet. */
export type DurableEvent = Readonly<Record<string, unknown>> & { readonly DurableExecutionArn: string }

/**
 * A durable event: an object whose `DurableExecutionArn` is a string. This is the cheap guard every durable
 * extractor runs first.
 */
export const isDurableEvent = (event: unknown): event is DurableEvent =>
  isRecord(event) && typeof event.DurableExecutionArn === "string"

/** The outer shape of an envelope, read without decoding any operation. */
export interface Envelope {
  readonly arn: string
  /** `undefined` when absent or not a string (only paging needs it). */
  readonly checkpointToken: string | undefined
  /** The first page of operations, in order (a map form is turned into its values). */
  readonly operations: ReadonlyArray<unknown>
  /** The marker of the next page; `undefined` when this is the last page (`""`, absent). */
  readonly nextMarker: string | undefined
  /** Remarks for the attempt log (ignored fields). */
  readonly notes: ReadonlyArray<string>
}

/** Why an envelope could not be read. */
export interface EnvelopeIssue {
  readonly reason: "MalformedEvent" | "LimitExceeded"
  readonly detail: string
}

const describe = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
    ? "a list"
    : typeof value === "object"
    ? "an object"
    : `a ${typeof value}`

/**
 * Normalises `Operations` (a list, or a map keyed by position) into a list. The list form is returned as is (no
 * copy); absent means no operations, as in the SDK.
 */
export const operationList = (
  operations: unknown,
  field = "Operations"
): Result<ReadonlyArray<unknown>, EnvelopeIssue> => {
  if (operations === undefined) return ok([])
  if (Array.isArray(operations)) {
    return operations.length > limits.maxOperations
      ? err({
        reason: "LimitExceeded",
        detail: `${field} holds ${operations.length} operations (limit ${limits.maxOperations})`
      })
      : ok(operations)
  }
  if (!isRecord(operations)) {
    return err({
      reason: "MalformedEvent",
      detail: `${field} is ${describe(operations)}, expected a list or a map`
    })
  }
  const values: Array<unknown> = []
  for (const key in operations) {
    if (!Object.prototype.hasOwnProperty.call(operations, key)) continue
    if (values.length >= limits.maxOperations) {
      return err({ reason: "LimitExceeded", detail: `${field} holds over ${limits.maxOperations} operations` })
    }
    values.push(operations[key])
  }
  return ok(values)
}

/** Reads a marker: a non-empty string within bounds, else `undefined` with a note when it was ignored. */
export const readMarker = (marker: unknown, notes: Array<string>, field = "NextMarker"): string | undefined => {
  if (marker === undefined || marker === null || marker === "") return undefined
  if (typeof marker !== "string") {
    notes.push(`${field} ignored: it is ${describe(marker)}`)
    return undefined
  }
  if (marker.length > limits.maxMarkerLength) {
    notes.push(`${field} ignored: longer than ${limits.maxMarkerLength} characters`)
    return undefined
  }
  return marker
}

/**
 * Reads the outer shape of a durable event. Fails (with a detail safe to log) when `InitialExecutionState` is
 * missing or not an object, or `Operations` is neither a list nor a map. `None`-like callers check
 * {@link isDurableEvent} first.
 */
export const readEnvelope = (event: DurableEvent): Result<Envelope, EnvelopeIssue> => {
  const state = event.InitialExecutionState
  if (!isRecord(state)) {
    return err({
      reason: "MalformedEvent",
      detail: state === undefined
        ? "InitialExecutionState is missing"
        : `InitialExecutionState is ${describe(state)}, expected an object`
    })
  }
  const operations = operationList(state.Operations, "InitialExecutionState.Operations")
  if (operations._tag === "Err") return operations
  const marker = state.NextMarker
  // The usual envelope (one page: no marker) has nothing to note, and gets no list for notes.
  let notes: ReadonlyArray<string> = NO_NOTES
  let nextMarker: string | undefined
  if (marker !== undefined && marker !== null && marker !== "") {
    const noted: Array<string> = []
    nextMarker = readMarker(marker, noted)
    notes = noted
  }
  const token = event.CheckpointToken
  return ok({
    arn: event.DurableExecutionArn,
    checkpointToken: typeof token === "string" ? token : undefined,
    operations: operations.value,
    nextMarker,
    notes
  })
}

const NO_NOTES: ReadonlyArray<string> = []

/** A `_datadog_{N}` operation found by the scan (not yet decoded). */
export interface Candidate {
  readonly n: number
  /** Position across every page read, for tie-breaking and messages. */
  readonly index: number
  readonly operation: Readonly<Record<string, unknown>>
}

/** What a names-only pass over the operations found ({@link scanCheckpoints}). */
export interface CheckpointScan {
  readonly count: number
  /** `_datadog_{N}` operations in the order found. Use {@link byNewest} to rank them. */
  readonly candidates: ReadonlyArray<Candidate>
  /** The position of the first entry that is not an object, or -1. */
  readonly malformedIndex: number
}

/** What one pass over the operations found. */
export interface Scan extends CheckpointScan {
  /** The first operation whose `Type` is `EXECUTION`, else the one whose `Id` is the ARN's execution id. */
  readonly execution: Readonly<Record<string, unknown>> | undefined
  /** Whether any operation is something other than the EXECUTION operation (the invocation is a replay). */
  readonly hasNonExecution: boolean
}

const PREFIX = CheckpointName.prefix
const UNDERSCORE = 95

/**
 * One pass over a list of operations. Reads only `Name`, `Type` and (when no EXECUTION `Type` is found) `Id` of
 * each entry; decodes nothing. `offset` shifts the recorded positions (for later pages).
 */
export const scan = (
  operations: ReadonlyArray<unknown>,
  options?: { readonly executionId?: string | undefined; readonly offset?: number | undefined }
): Scan => {
  const offset = options?.offset ?? 0
  const executionId = options?.executionId
  const candidates: Array<Candidate> = []
  let execution: Readonly<Record<string, unknown>> | undefined
  let byId: Readonly<Record<string, unknown>> | undefined
  let malformedIndex = -1
  let hasNonExecution = false
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]
    if (typeof operation !== "object" || operation === null || Array.isArray(operation)) {
      if (malformedIndex < 0) malformedIndex = offset + i
      continue
    }
    const op = operation as Readonly<Record<string, unknown>>
    const name = op.Name
    // The first-character test spares a `startsWith` call on almost every operation (10,000-operation pages).
    if (typeof name === "string" && name.charCodeAt(0) === UNDERSCORE && name.startsWith(PREFIX)) {
      const n = CheckpointName.parse(name)
      if (n !== undefined) candidates.push({ n, index: offset + i, operation: op })
    }
    if (op.Type === "EXECUTION") {
      if (execution === undefined) execution = op
    } else {
      hasNonExecution = true
      if (executionId !== undefined && byId === undefined && op.Id === executionId) byId = op
    }
  }
  return {
    count: operations.length,
    execution: execution ?? byId,
    candidates,
    malformedIndex,
    hasNonExecution
  }
}

/**
 * The checkpoint extractor's pass: like {@link scan}, but reads only `Name` (one property per operation), which is
 * what a 10,000-operation page costs most of.
 */
export const scanCheckpoints = (operations: ReadonlyArray<unknown>, offset = 0): CheckpointScan => {
  const candidates: Array<Candidate> = []
  let malformedIndex = -1
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]
    // Only a non-list object can hold a string `Name` (JSON lists have no named keys), so the shape test is paid
    // only by entries without one. `?.` keeps `null` and `undefined` from throwing.
    const name = (operation as { readonly Name?: unknown } | null | undefined)?.Name
    if (typeof name === "string") {
      if (name.charCodeAt(0) === UNDERSCORE && name.startsWith(PREFIX)) {
        const n = CheckpointName.parse(name)
        if (n !== undefined) {
          candidates.push({ n, index: offset + i, operation: operation as Readonly<Record<string, unknown>> })
        }
      }
    } else if (
      malformedIndex < 0 && (typeof operation !== "object" || operation === null || Array.isArray(operation))
    ) {
      malformedIndex = offset + i
    }
  }
  return { count: operations.length, candidates, malformedIndex }
}

/** The position of the first entry that is not an object (a list, `null` or a primitive), or -1. Reads no property. */
export const firstMalformed = (operations: ReadonlyArray<unknown>): number => {
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]
    if (typeof operation !== "object" || operation === null || Array.isArray(operation)) return i
  }
  return -1
}

/**
 * The newest candidate (highest `N`, the first in document order among equals): the first of {@link byNewest},
 * found in one pass without sorting. `undefined` when there is none.
 */
export const newest = (candidates: ReadonlyArray<Candidate>): Candidate | undefined => {
  let best: Candidate | undefined
  for (const candidate of candidates) {
    if (best === undefined || candidate.n > best.n || (candidate.n === best.n && candidate.index < best.index)) {
      best = candidate
    }
  }
  return best
}

/** Candidates ranked newest first: highest `N`, ties in document order. */
export const byNewest = (candidates: ReadonlyArray<Candidate>): ReadonlyArray<Candidate> =>
  candidates.length <= 1 ? candidates : [...candidates].sort((a, b) => b.n - a.n || a.index - b.index)

/**
 * Finds the EXECUTION operation without scanning the whole list when it comes first (it always does on the
 * real service): by `Type`, else by `Id` equal to the ARN's execution id (given lazily, it is only computed when
 * the first operation is not the EXECUTION one).
 */
export const findExecution = (
  operations: ReadonlyArray<unknown>,
  executionId?: string | (() => string | undefined)
): Readonly<Record<string, unknown>> | undefined => {
  const first = operations[0]
  if (isRecord(first) && first.Type === "EXECUTION") return first
  return scan(operations, { executionId: typeof executionId === "function" ? executionId() : executionId }).execution
}

/** The operation types of the service (the field is decoded as an open string). */
export const OperationType = {
  Execution: "EXECUTION",
  Context: "CONTEXT",
  Step: "STEP",
  Wait: "WAIT",
  Callback: "CALLBACK",
  ChainedInvoke: "CHAINED_INVOKE"
} as const

/** The operation statuses of the service (the field is decoded as an open string). */
export const OperationStatus = {
  Started: "STARTED",
  Pending: "PENDING",
  Ready: "READY",
  Succeeded: "SUCCEEDED",
  Failed: "FAILED",
  Cancelled: "CANCELLED",
  TimedOut: "TIMED_OUT",
  Stopped: "STOPPED"
} as const

/** The fields of an operation the extractors use (`null` read as absent). */
export interface OperationFields {
  readonly Type: string | undefined
  readonly Status: string | undefined
  /** `Payload`, else `StepDetails.Result`: a checkpoint's carrier. */
  readonly payload: string | Readonly<Record<string, unknown>> | undefined
  /** `ExecutionDetails.InputPayload`: the EXECUTION operation's original event. */
  readonly inputPayload: string | undefined
}

/**
 * Decodes an operation that {@link readFields} did not accept, with an Effect line's Schema: its fields, or a
 * text naming the invalid fields (never their values).
 */
export type DecodeFields = (operation: unknown) => Result<OperationFields, string>

const isNullishString = (value: unknown): value is string | null | undefined =>
  value === undefined || value === null || typeof value === "string"

const isPayload = (value: unknown): value is string | Readonly<Record<string, unknown>> | null | undefined =>
  isNullishString(value) || isRecord(value)

const isNullishRecord = (value: unknown): value is Readonly<Record<string, unknown>> | null | undefined =>
  value === undefined || value === null || isRecord(value)

/**
 * Reads {@link OperationFields} from the well-formed shape directly (this runs on every durable invocation);
 * `undefined` for anything else, which a Schema decode ({@link DecodeFields}) accepts or explains.
 */
export const readFields = (input: unknown): OperationFields | undefined => {
  if (
    !isRecord(input) || !isNullishString(input.Id) || !isNullishString(input.Name) || !isNullishString(input.Type) ||
    !isNullishString(input.Status) || !isPayload(input.Payload)
  ) return undefined
  const step = input.StepDetails
  const execution = input.ExecutionDetails
  const result = isRecord(step) ? step.Result : undefined
  const inputPayload = isRecord(execution) ? execution.InputPayload : undefined
  if (!isNullishRecord(step) || !isPayload(result) || !isNullishRecord(execution) || !isNullishString(inputPayload)) {
    return undefined
  }
  return {
    Type: input.Type ?? undefined,
    Status: input.Status ?? undefined,
    payload: input.Payload ?? result ?? undefined,
    inputPayload: inputPayload ?? undefined
  }
}

const STRING_FIELDS = ["Id", "Name", "Type", "Status"] as const

/**
 * Why an operation that {@link readFields} did not accept is invalid: its first invalid field in the order of
 * Effect 3's Schema view (`operationFields.ts`) and what that field expects, in that view's words
 * (`StepDetails.Result: expected a string or an object`), never a value.
 */
const invalidField = (input: unknown): string => {
  if (!isRecord(input)) return "(root): expected an object"
  for (const field of STRING_FIELDS) {
    if (!isNullishString(input[field])) return `${field}: expected a string`
  }
  if (!isPayload(input.Payload)) return "Payload: expected a string or an object"
  const step = input.StepDetails
  if (!isNullishRecord(step)) return "StepDetails: expected an object"
  if (isRecord(step) && !isPayload(step.Result)) return "StepDetails.Result: expected a string or an object"
  const execution = input.ExecutionDetails
  if (!isNullishRecord(execution)) return "ExecutionDetails: expected an object"
  return "ExecutionDetails.InputPayload: expected a string"
}

/**
 * A {@link DecodeFields} without Schema: {@link readFields}, else the words of Effect 3's Schema view for the first
 * invalid field (a test holds the two to the same answers). The Effect 4 line reads operations with it, so both
 * lines word a malformed operation alike.
 */
export const decodeFields: DecodeFields = (input) => {
  const fields = readFields(input)
  return fields !== undefined ? ok(fields) : err(invalidField(input))
}
