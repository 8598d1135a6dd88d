/**
 * EventBridge events delivered to SQS: the SQS body is the event JSON and the carrier is its `detail._datadog`
 * (a Step Functions context object there is recognised too). A body that an input transformer reduced to `detail`
 * keeps `_datadog` at its top level; that is read as well (datadog-lambda-python issue #317).
 *
 * Only records whose body is such an object are read; when none is, the extractor returns `none` and the plain
 * SQS extractor takes the batch. Bodies are parsed at most once per invocation (see `SqsMessage.parsedBody`) and
 * only when they mention `"detail-type"` or `"_datadog"`.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { EventBridgeSqsExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import type * as TraceExtractor from "../../services/TraceExtractor.js"
import * as EventBridgeEvent from "../triggers/eventBridgeEvent.js"
import type * as RecordBatch from "../triggers/recordBatch.js"
import * as SqsMessage from "../triggers/sqsMessage.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/**
 * The cheap guard: an SQS batch (`Records[0].eventSource` is `aws:sqs`) with a body that mentions
 * `"detail-type"` or `"_datadog"` (a substring search over the bodies, no parsing), so plain SQS batches never run
 * this extractor.
 */
export const accepts = (event: unknown): boolean =>
  SqsMessage.isSqsEvent(event) && SqsMessage.anyBodyMentions(event, EventBridgeEvent.BODY_MARKERS)

/**
 * The candidates of one SQS record whose body is an EventBridge event or a transformed one (`undefined` when it is
 * neither).
 */
export const bodyCandidates = (
  record: unknown,
  budget: RecordBatch.Budget
): ReadonlyArray<RecordBatch.Candidate> | undefined => {
  if (!EventBridgeEvent.bodyMayBeEvent(record)) return undefined
  const body = SqsMessage.parsedBody(record, budget)
  if (
    body === undefined ||
    !(EventBridgeEvent.hasDetailType(body) || EventBridgeEvent.hasLiftedCarrier(body, true))
  ) return undefined
  return EventBridgeEvent.candidates(body, budget, { prefix: "body.", withStepFunctions: true })
}

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "eventbridge-sqs",
    extract: (event) =>
      BatchExtraction.extractFromBodies(propagator, "eventbridge-sqs", event, bodyCandidates, "EventBridge event body"),
    accepts,
    group: Builtin.records
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<EventBridgeSqsExtractor, never, Propagator> = Layer.effect(
  EventBridgeSqsExtractor,
  make
)
