/**
 * A built-in trigger extractor as data, shared by both Effect lines: its name, guards and group, and its program
 * (see `program.ts`). Each line turns a trigger into its extractor service with its own driver. Effect-free.
 */
import * as DurableOperations from "../durable/durableOperations.js"
import type { KnownExtractorName } from "../extractorName.js"
import type { Group } from "../invocation.js"
import { isRecord } from "../propagation/carrier.js"
import * as CarrierText from "../propagation/carrierText.js"
import type * as Program from "./program.js"
import * as RecordBatch from "./recordBatch.js"
import * as SqsMessage from "./sqsMessage.js"

/** A built-in extractor's definition. */
export interface Trigger {
  readonly name: KnownExtractorName
  readonly accepts?: ((event: unknown, lambdaContext: unknown) => boolean) | undefined
  readonly textGuard?: ((text: string) => boolean) | undefined
  readonly group?: Group | undefined
  readonly program: <C extends RecordBatch.ContextIds>(
    env: Program.Env<C>,
    event: unknown,
    lambdaContext: unknown
  ) => Program.Start<C>
}

/**
 * The group of the durable extractors (checkpoint, input payload): they read only durable envelopes, so for any
 * other event the chain checks that once for both.
 */
export const durable: Group = {
  name: "durable",
  accepts: DurableOperations.isDurableEvent
}

/**
 * The group of the trigger extractors: a durable execution's envelope is no trigger event (the durable input
 * extractor runs the triggers on the original event it holds instead), so none of them runs on one.
 */
export const triggers: Group = {
  name: "triggers",
  accepts: (event) => !DurableOperations.isDurableEvent(event)
}

/**
 * The group of the trigger extractors that read `Records` batches (SNS, SQS and what it wraps, Kinesis), inside
 * {@link triggers}: their guards all need a first record that is an SQS message (`eventSource`), an SNS
 * notification (`Sns`) or a Kinesis record (`kinesis`), so a batch of another source (S3, DynamoDB) runs none.
 */
export const records: Group = {
  name: "records",
  parent: triggers,
  accepts: (event) => {
    const first = RecordBatch.firstRecord(event)
    return first !== undefined &&
      (first["eventSource"] === SqsMessage.EVENT_SOURCE || isRecord(first["Sns"]) || isRecord(first["kinesis"]))
  }
}

/**
 * An event trigger: its `textGuard` is {@link CarrierText.mayHoldContext} and its group {@link triggers} unless it
 * names a group inside it.
 */
export const eventTrigger = (trigger: Omit<Trigger, "textGuard">): Trigger => ({
  ...trigger,
  textGuard: CarrierText.mayHoldContext,
  group: trigger.group ?? triggers
})
