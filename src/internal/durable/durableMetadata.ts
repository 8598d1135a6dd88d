/**
 * Facts about a durable invocation, as span attributes under Datadog's names: the Effect 3 line's view (with
 * `Option`) of the Effect-free `serverless/durableFacts.ts`, which reads them for both lines.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as DurableFacts from "../serverless/durableFacts.js"

/** The statuses a durable handler returns. */
export const InvocationStatus = Schema.Literal("SUCCEEDED", "FAILED", "PENDING")

export type InvocationStatus = typeof InvocationStatus.Type

/** Span attribute names. */
export const attributeNames = DurableFacts.attributeNames

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
  const facts = DurableFacts.fromEvent(event)
  return facts === undefined ? Option.none() : Option.some({
    executionArn: facts.executionArn,
    executionName: Option.fromNullable(facts.executionName),
    executionId: Option.fromNullable(facts.executionId),
    firstInvocation: facts.firstInvocation
  })
}

/**
 * The invocation status of a durable handler's result (`{ Status: "SUCCEEDED" | "FAILED" | "PENDING", ... }`);
 * `None` for anything else.
 */
export const invocationStatus = (result: unknown): Option.Option<InvocationStatus> =>
  Option.fromNullable(DurableFacts.invocationStatus(result))

/**
 * The span attributes of the metadata: `aws.durable.execution_name`, `aws.durable.execution_id` (when the ARN
 * has them) and `aws.durable.first_invocation` (`"true"`/`"false"`).
 */
export const toAttributes = (metadata: DurableMetadata): Record<string, string> =>
  DurableFacts.toAttributes({
    executionArn: metadata.executionArn,
    executionName: Option.getOrUndefined(metadata.executionName),
    executionId: Option.getOrUndefined(metadata.executionId),
    firstInvocation: metadata.firstInvocation
  })

/** The attribute value of a status: lower-cased, as dd-trace writes it (`PENDING` → `pending`). */
export const statusValue: (status: InvocationStatus) => string = DurableFacts.statusValue

/**
 * The span attribute of a handler result: `aws.durable.invocation_status` (lower-cased, see {@link statusValue})
 * when the result carries a durable status, else nothing.
 */
export const statusAttributes: (result: unknown) => Record<string, string> = DurableFacts.statusAttributes
