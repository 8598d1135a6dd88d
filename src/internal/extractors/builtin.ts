/**
 * What the built-in extractors share: the guards of their groups and their constructor.
 */
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as DurableOperations from "../durable/durableOperations.js"
import { isRecord } from "../propagation/carrier.js"
import * as CarrierText from "../propagation/carrierText.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as SqsMessage from "../triggers/sqsMessage.js"

const EMPTY: ReadonlyArray<never> = Object.freeze([])

/**
 * The group of the durable extractors (checkpoint, input payload): they read only durable envelopes, so for any
 * other event the chain checks that once for both.
 */
export const durable: TraceExtractor.Group = {
  name: "durable",
  accepts: DurableOperations.isDurableEvent
}

/**
 * The group of the built-in trigger extractors: a durable execution's envelope is no trigger event (the durable
 * input extractor runs the triggers on the original event it holds instead), so none of them runs on one.
 */
export const triggers: TraceExtractor.Group = {
  name: "triggers",
  accepts: (event) => !DurableOperations.isDurableEvent(event)
}

/**
 * The group of the trigger extractors that read `Records` batches (SNS, SQS and what it wraps, Kinesis), inside
 * {@link triggers}: their guards all need a first record that is an SQS message (`eventSource`), an SNS
 * notification (`Sns`) or a Kinesis record (`kinesis`), so a batch of another source (S3, DynamoDB) runs none.
 */
export const records: TraceExtractor.Group = {
  name: "records",
  parent: triggers,
  accepts: (event) => {
    const first = RecordBatch.firstRecord(event)
    return first !== undefined &&
      (first["eventSource"] === SqsMessage.EVENT_SOURCE || isRecord(first["Sns"]) || isRecord(first["kinesis"]))
  }
}

/**
 * A "none" whose last note is fixed: given the notes before it (an envelope's remarks, say), its result. With none
 * before it the result is one constant completed effect, which the chain records with the same attempt on every
 * invocation, allocating nothing.
 */
export const noneEndingWith = (
  note: string
): (notes: ReadonlyArray<string>) => Effect.Effect<TraceExtractor.Extracted> => {
  const constant = Exit.succeed(Object.freeze({ context: Option.none(), links: EMPTY, notes: Object.freeze([note]) }))
  return (notes) => notes.length === 0 ? constant : Exit.succeed(TraceExtractor.noneWith(...notes, note))
}

/**
 * Builds a built-in trigger extractor: its `textGuard` is {@link CarrierText.mayHoldContext} and its group
 * {@link triggers} unless `options` names a group inside it.
 */
export const makeTrigger = (options: Omit<TraceExtractor.Options, "textGuard">): TraceExtractor.TraceExtractor =>
  TraceExtractor.make({ ...options, textGuard: CarrierText.mayHoldContext, group: options.group ?? triggers })
