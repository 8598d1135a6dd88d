/**
 * Reading the carrier out of a `_datadog_{N}` checkpoint operation (pure). The operation is read through the extractors'
 * view of the model (`operationFields.ts`), must be a SUCCEEDED STEP when those fields are present, and its payload (`Payload`,
 * else `StepDetails.Result`) must be a JSON object, given as a JSON string or already as an object.
 */
import * as Either from "effect/Either"
import { isRecord } from "../propagation/carrier.js"
import * as DurableEnvelope from "./durableEnvelope.js"
import * as OperationFields from "./operationFields.js"

/** Longest payload string parsed. Datadog checkpoints are a few hundred bytes. */
export const maxPayloadLength = 64 * 1024

/** Why a checkpoint cannot be used. The text never contains payload values. */
export interface Problem {
  readonly kind: "MalformedOperation" | "NotACheckpoint" | "MalformedPayload" | "TooLarge"
  readonly text: string
}

const short = (value: string): string => value.length <= 32 ? value : `${value.slice(0, 32)}…`

/** The carrier of a checkpoint operation, or why there is none. */
export const read = (operation: unknown): Either.Either<Readonly<Record<string, unknown>>, Problem> => {
  const decoded = OperationFields.readOperation(operation)
  if (Either.isLeft(decoded)) {
    return Either.left({
      kind: "MalformedOperation",
      text: `malformed operation (${OperationFields.invalidFields(decoded.left)})`
    })
  }
  const op = decoded.right
  if (op.Type !== undefined && op.Type !== DurableEnvelope.OperationType.Step) {
    return Either.left({ kind: "NotACheckpoint", text: `a ${short(op.Type)} operation, not a STEP` })
  }
  if (op.Status !== undefined && op.Status !== DurableEnvelope.OperationStatus.Succeeded) {
    return Either.left({ kind: "NotACheckpoint", text: `status ${short(op.Status)}, not SUCCEEDED` })
  }
  const payload = op.payload
  if (payload === undefined) return Either.left({ kind: "MalformedPayload", text: "no payload" })
  if (typeof payload !== "string") return Either.right(payload)
  if (payload.length > maxPayloadLength) {
    return Either.left({ kind: "TooLarge", text: `payload longer than ${maxPayloadLength} characters` })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    return Either.left({ kind: "MalformedPayload", text: "malformed JSON" })
  }
  return isRecord(parsed)
    ? Either.right(parsed)
    : Either.left({ kind: "MalformedPayload", text: "payload is not a JSON object" })
}
