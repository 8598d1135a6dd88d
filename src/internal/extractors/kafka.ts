/**
 * Kafka records from Amazon MSK (`aws:kafka`) and self-managed clusters (`SelfManagedKafka`): the trace headers
 * of each record (`x-datadog-*`, `traceparent`/`tracestate`, B3, baggage; byte arrays decoded as UTF-8) form the
 * carrier. Records are read across partitions in delivery order: the first context is the parent, the others span
 * links. datadog-lambda-js has no Kafka extractor (issue #829).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { KafkaExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as KafkaEvent from "../triggers/kafkaEvent.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/** The cheap guard: `eventSource` is `aws:kafka` or `SelfManagedKafka`, with a `records` object. */
export const accepts = (event: unknown): boolean => KafkaEvent.isKafkaEvent(event)

/** The candidates of one Kafka record: its trace headers. */
export const candidatesOf: BatchExtraction.CandidatesOf = (record, _index, budget) =>
  RecordBatch.candidates(KafkaEvent.candidate(record, budget))

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "kafka",
    extract: (event) => {
      const { items, total } = KafkaEvent.records(event)
      return items.length === 0
        ? Effect.succeed(TraceExtractor.noneWith("no records"))
        : BatchExtraction.extract(propagator, "kafka", items, candidatesOf, { total })
    },
    accepts
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<KafkaExtractor, never, Propagator> = Layer.effect(KafkaExtractor, make)
