/**
 * Facts about a durable invocation, as span attributes under Datadog's names: `aws.durable.execution_name`,
 * `execution_id` and `first_invocation` (as datadog-lambda-js and -python derive them), and
 * `aws.durable.invocation_status`, lower-cased as dd-trace's durable integration tags its `aws.durable.execute`
 * span, so one query matches both tracers' spans.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { isRecord } from "../propagation/carrier.js"
import * as DurableArn from "./durableArn.js"
import * as DurableOperations from "./durableOperations.js"

/** The statuses a durable handler returns. */
export const InvocationStatus = Schema.Literal("SUCCEEDED", "FAILED", "PENDING")

export type InvocationStatus = typeof InvocationStatus.Type

/** Span attribute names. */
export const attributeNames = {
  /** dd-trace's tag on its `aws.durable.execute` span; `DurableTracing` sets it, {@link toAttributes} does not. */
  executionArn: "aws.durable.execution_arn",
  executionName: "aws.durable.execution_name",
  executionId: "aws.durable.execution_id",
  firstInvocation: "aws.durable.first_invocation",
  status: "aws.durable.invocation_status"
} as const

/**
 * What the envelope says about the invocation. `executionName`/`executionId` are `None` when the ARN is not a
 * durable execution ARN (the local test runner uses a bare UUID). `firstInvocation` is `true` when no operation
 * other than the EXECUTION one exists yet and no later page is announced (datadog-lambda counts exactly one
 * operation; both agree on real envelopes, and this one also reads the map form of `Operations`).
 */
export interface DurableMetadata {
  readonly executionArn: string
  readonly executionName: Option.Option<string>
  readonly executionId: Option.Option<string>
  readonly firstInvocation: boolean
}

/**
 * Reads the metadata of a durable event; `None` for anything else (including an envelope whose operations
 * cannot be read). Pure and total; reads the operations only until it meets a non-EXECUTION one.
 */
export const fromEvent = (event: unknown): Option.Option<DurableMetadata> => {
  if (!DurableOperations.isDurableEvent(event)) return Option.none()
  const state = event.InitialExecutionState
  if (!isRecord(state)) return Option.none()
  const operations = state.Operations
  let replay: boolean
  if (operations === undefined) {
    replay = false
  } else if (Array.isArray(operations)) {
    replay = operations.some((op) => !isRecord(op) || op.Type !== "EXECUTION")
  } else if (isRecord(operations)) {
    replay = false
    for (const key in operations) {
      const op = operations[key]
      if (Object.prototype.hasOwnProperty.call(operations, key) && (!isRecord(op) || op.Type !== "EXECUTION")) {
        replay = true
        break
      }
    }
  } else {
    return Option.none()
  }
  const morePages = typeof state.NextMarker === "string" && state.NextMarker !== ""
  const arn = DurableArn.parse(event.DurableExecutionArn)
  return Option.some(
    {
      executionArn: event.DurableExecutionArn,
      executionName: Option.fromNullable(arn?.executionName),
      executionId: Option.fromNullable(arn?.executionId),
      firstInvocation: !replay && !morePages
    }
  )
}

/**
 * The invocation status of a durable handler's result (`{ Status: "SUCCEEDED" | "FAILED" | "PENDING", ... }`);
 * `None` for anything else.
 */
export const invocationStatus = (result: unknown): Option.Option<InvocationStatus> => {
  if (!isRecord(result)) return Option.none()
  const status = result.Status
  return status === "SUCCEEDED" || status === "FAILED" || status === "PENDING" ? Option.some(status) : Option.none()
}

/**
 * The span attributes of the metadata: `aws.durable.execution_name`, `aws.durable.execution_id` (when the ARN
 * has them) and `aws.durable.first_invocation` (`"true"`/`"false"`).
 */
export const toAttributes = (metadata: DurableMetadata): Record<string, string> => {
  const attributes: Record<string, string> = {}
  if (Option.isSome(metadata.executionName)) attributes[attributeNames.executionName] = metadata.executionName.value
  if (Option.isSome(metadata.executionId)) attributes[attributeNames.executionId] = metadata.executionId.value
  attributes[attributeNames.firstInvocation] = metadata.firstInvocation ? "true" : "false"
  return attributes
}

/** The attribute value of a status: lower-cased, as dd-trace writes it (`PENDING` → `pending`). */
export const statusValue = (status: InvocationStatus): string => status.toLowerCase()

/**
 * The span attribute of a handler result: `aws.durable.invocation_status` (lower-cased, see {@link statusValue})
 * when the result carries a durable status, else nothing.
 */
export const statusAttributes = (result: unknown): Record<string, string> =>
  Option.match(invocationStatus(result), {
    onNone: () => ({}),
    onSome: (status) => ({ [attributeNames.status]: statusValue(status) })
  })
