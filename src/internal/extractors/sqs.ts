/**
 * SQS records: the `_datadog` message attribute (`stringValue` JSON written by dd-trace, or `binaryValue` base64
 * JSON when SNS raw message delivery copied a `Binary` attribute), a Step Functions context object in it, then
 * the `AWSTraceHeader` system attribute when it carries a Datadog-padded trace id (dd-trace-java).
 *
 * Every record of the batch is read, not only the first: the parent is the first record that yields a context and
 * the other records' contexts become span links (see `BatchExtraction`).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { SqsExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as SqsMessage from "../triggers/sqsMessage.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/** The cheap guard: `Records[0].eventSource` is `aws:sqs`. */
export const accepts = (event: unknown): boolean => SqsMessage.isSqsEvent(event)

/**
 * The candidates of one SQS record, in order: `messageAttributes._datadog`, then a Datadog-padded
 * `attributes.AWSTraceHeader`.
 */
export const candidatesOf: BatchExtraction.CandidatesOf = (record, _index, budget) =>
  RecordBatch.candidates(SqsMessage.datadogAttribute(record, budget), SqsMessage.awsTraceHeader(record, "sqs"))

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "sqs",
    extract: (event) => {
      const records = RecordBatch.records(event)
      return records === undefined
        ? Effect.succeed(TraceExtractor.none)
        : BatchExtraction.extract(propagator, "sqs", records, candidatesOf)
    },
    accepts,
    group: Builtin.records
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<SqsExtractor, never, Propagator> = Layer.effect(SqsExtractor, make)
