/**
 * Reading the carrier out of a `_datadog_{N}` checkpoint operation (pure, Effect-free). The operation's fields are
 * read directly when well-formed, else with the caller's Schema decode (`DurableOperations.DecodeFields`); it must
 * be a SUCCEEDED STEP when those fields are present, and its payload (`Payload`, else `StepDetails.Result`) must be
 * a JSON object, given as a JSON string or already as an object.
 */
import { isRecord } from "../propagation/carrier.js"
import { err, ok, type Result } from "../result.js"
import * as DurableOperations from "./durableOperations.js"

/** Longest payload string parsed. Datadog checkpoints are a few hundred bytes. */
export const maxPayloadLength = 64 * 1024

/** Why a checkpoint cannot be used. The text never contains payload values. */
export interface Problem {
  readonly kind: "MalformedOperation" | "NotACheckpoint" | "MalformedPayload" | "TooLarge"
  readonly text: string
}

const short = (value: string): string => value.length <= 32 ? value : `${value.slice(0, 32)}…`

/**
 * The carrier of a checkpoint operation, or why there is none. `decode` reads an operation whose fields are not
 * of the well-formed shape (an Effect line's Schema, which names the invalid fields).
 */
export const read = (
  operation: unknown,
  decode: DurableOperations.DecodeFields
): Result<Readonly<Record<string, unknown>>, Problem> => {
  let op = DurableOperations.readFields(operation)
  if (op === undefined) {
    const decoded = decode(operation)
    if (decoded._tag === "Err") {
      return err({ kind: "MalformedOperation", text: `malformed operation (${decoded.error})` })
    }
    op = decoded.value
  }
  if (op.Type !== undefined && op.Type !== DurableOperations.OperationType.Step) {
    return err({ kind: "NotACheckpoint", text: `a ${short(op.Type)} operation, not a STEP` })
  }
  if (op.Status !== undefined && op.Status !== DurableOperations.OperationStatus.Succeeded) {
    return err({ kind: "NotACheckpoint", text: `status ${short(op.Status)}, not SUCCEEDED` })
  }
  const payload = op.payload
  if (payload === undefined) return err({ kind: "MalformedPayload", text: "no payload" })
  if (typeof payload !== "string") return ok(payload)
  if (payload.length > maxPayloadLength) {
    return err({ kind: "TooLarge", text: `payload longer than ${maxPayloadLength} characters` })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    return err({ kind: "MalformedPayload", text: "malformed JSON" })
  }
  return isRecord(parsed) ? ok(parsed) : err({ kind: "MalformedPayload", text: "payload is not a JSON object" })
}
