/**
 * Kinesis Data Streams records: dd-trace's producer puts `_datadog` inside the JSON record data, which arrives
 * base64-encoded in `kinesis.data` (decoded as UTF-8). Records whose data does not mention `_datadog` are never
 * parsed. Every record of the batch is read: the first context is the parent, the others span links.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as KinesisRecord from "../domain/KinesisRecord.js"
import * as RecordBatch from "../domain/RecordBatch.js"
import * as BatchExtraction from "./BatchExtraction.js"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class KinesisExtractor
  extends Context.Tag("effect-datadog-lambda/KinesisExtractor")<KinesisExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * The cheap guard: `Records[0].kinesis` is an object.
 *
 * @since 0.1.0
 * @category predicates
 */
export const accepts = (event: unknown): boolean => KinesisRecord.isKinesisEvent(event)

/**
 * The candidates of one Kinesis record: `_datadog` in its data.
 *
 * @since 0.1.0
 * @category parsing
 */
export const candidatesOf: BatchExtraction.CandidatesOf = (record, _index, budget) =>
  RecordBatch.candidates(KinesisRecord.candidate(record, budget))

/**
 * Builds the extractor over a propagator.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  TraceExtractor.makeTrigger({
    name: "kinesis",
    extract: (event) => {
      const records = RecordBatch.records(event)
      return records === undefined
        ? Effect.succeed(TraceExtractor.none)
        : BatchExtraction.extract(propagator, "kinesis", records, candidatesOf)
    },
    accepts,
    group: TraceExtractor.records
  })

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<KinesisExtractor, never, Propagator> = Layer.effect(KinesisExtractor, make)
