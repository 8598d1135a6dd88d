/**
 * Kinesis Data Streams records: dd-trace's producer puts `_datadog` inside the JSON record data, which arrives
 * base64-encoded in `kinesis.data` (decoded as UTF-8). Records whose data does not mention `_datadog` are never
 * parsed. Every record of the batch is read: the first context is the parent, the others span links.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { KinesisExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as KinesisRecord from "../triggers/kinesisRecord.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/** The cheap guard: `Records[0].kinesis` is an object. */
export const accepts = (event: unknown): boolean => KinesisRecord.isKinesisEvent(event)

/** The candidates of one Kinesis record: `_datadog` in its data. */
export const candidatesOf: BatchExtraction.CandidatesOf = (record, _index, budget) =>
  RecordBatch.candidates(KinesisRecord.candidate(record, budget))

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "kinesis",
    extract: (event) => {
      const records = RecordBatch.records(event)
      return records === undefined
        ? Effect.succeed(TraceExtractor.none)
        : BatchExtraction.extract(propagator, "kinesis", records, candidatesOf)
    },
    accepts,
    group: Builtin.records
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<KinesisExtractor, never, Propagator> = Layer.effect(KinesisExtractor, make)
