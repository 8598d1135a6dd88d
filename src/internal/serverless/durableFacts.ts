/**
 * Facts about a durable invocation, as plain values: the execution's ARN, name and id, and whether this is its first
 * invocation (as datadog-lambda-js and -python derive them), their span attributes under Datadog's names, and the
 * status the durable SDK's output reports (`aws.durable.invocation_status`, lower-cased as dd-trace's durable
 * integration tags its `aws.durable.execute` span, so one query matches both tracers' spans). Read by the serverless
 * view and by both lines' `DurableTracing`. Effect-free, shared by both Effect lines.
 */
import * as DurableArn from "../durable/durableArn.js"
import * as DurableOperations from "../durable/durableOperations.js"
import { isRecord } from "../propagation/carrier.js"

/** The statuses a durable handler returns. */
export type InvocationStatus = "SUCCEEDED" | "FAILED" | "PENDING"

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
 * What the envelope says about the invocation. `executionName`/`executionId` are `undefined` when the ARN is not a
 * durable execution ARN (the local test runner uses a bare UUID). `firstInvocation` is `true` when no operation
 * other than the EXECUTION one exists yet and no later page is announced.
 */
export interface DurableFacts {
  readonly executionArn: string
  readonly executionName: string | undefined
  readonly executionId: string | undefined
  readonly firstInvocation: boolean
}

// `true` when an operation other than the EXECUTION one is there (in the list or the map form of `Operations`);
// `undefined` when `Operations` is neither.
const hasReplay = (operations: unknown): boolean | undefined => {
  if (operations === undefined) return false
  if (Array.isArray(operations)) return operations.some((op) => !isRecord(op) || op.Type !== "EXECUTION")
  if (!isRecord(operations)) return undefined
  for (const key in operations) {
    const op = operations[key]
    if (Object.prototype.hasOwnProperty.call(operations, key) && (!isRecord(op) || op.Type !== "EXECUTION")) {
      return true
    }
  }
  return false
}

/**
 * Reads the facts of a durable event; `undefined` for anything else (including an envelope whose operations
 * cannot be read). Pure and total; reads the operations only until it meets a non-EXECUTION one.
 */
export const fromEvent = (event: unknown): DurableFacts | undefined => {
  if (!DurableOperations.isDurableEvent(event)) return undefined
  const state = event.InitialExecutionState
  if (!isRecord(state)) return undefined
  const replay = hasReplay(state.Operations)
  if (replay === undefined) return undefined
  const morePages = typeof state.NextMarker === "string" && state.NextMarker !== ""
  const arn = DurableArn.parse(event.DurableExecutionArn)
  return {
    executionArn: event.DurableExecutionArn,
    executionName: arn?.executionName,
    executionId: arn?.executionId,
    firstInvocation: !replay && !morePages
  }
}

/**
 * The invocation status of a durable handler's result (`{ Status: "SUCCEEDED" | "FAILED" | "PENDING", ... }`);
 * `undefined` for anything else.
 */
export const invocationStatus = (result: unknown): InvocationStatus | undefined => {
  if (!isRecord(result)) return undefined
  const status = result.Status
  return status === "SUCCEEDED" || status === "FAILED" || status === "PENDING" ? status : undefined
}

/**
 * The span attributes of the facts: `aws.durable.execution_name`, `aws.durable.execution_id` (when the ARN has
 * them) and `aws.durable.first_invocation` (`"true"`/`"false"`).
 */
export const toAttributes = (facts: DurableFacts): Record<string, string> => {
  const attributes: Record<string, string> = {}
  if (facts.executionName !== undefined) attributes[attributeNames.executionName] = facts.executionName
  if (facts.executionId !== undefined) attributes[attributeNames.executionId] = facts.executionId
  attributes[attributeNames.firstInvocation] = facts.firstInvocation ? "true" : "false"
  return attributes
}

/** The attribute value of a status: lower-cased, as dd-trace writes it (`PENDING` → `pending`). */
export const statusValue = (status: InvocationStatus): string => status.toLowerCase()

/**
 * The span attribute of a handler result: `aws.durable.invocation_status` (lower-cased, see {@link statusValue})
 * when the result carries a durable status, else nothing.
 */
export const statusAttributes = (result: unknown): Record<string, string> => {
  const status = invocationStatus(result)
  return status === undefined ? {} : { [attributeNames.status]: statusValue(status) }
}
