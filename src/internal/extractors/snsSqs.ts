/**
 * SNS notifications delivered to SQS (raw message delivery off): the SQS body is the notification JSON, whose
 * `MessageAttributes._datadog` follows the SNS rules (`String` JSON, else base64 JSON). For such a record the SQS
 * `messageAttributes._datadog` and a Datadog-padded `AWSTraceHeader` are the fallbacks.
 *
 * Only records whose body is a notification (`Type` `Notification` with a `TopicArn`) are read; when no record is
 * one, the extractor returns `none` and the plain SQS extractor takes the batch. Bodies are parsed at most once per
 * invocation (see `SqsMessage.parsedBody`) and only when they mention `"TopicArn"`.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { SnsSqsExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import type * as TraceExtractor from "../../services/TraceExtractor.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as SnsMessage from "../triggers/snsMessage.js"
import * as SqsMessage from "../triggers/sqsMessage.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/**
 * The cheap guard: an SQS batch (`Records[0].eventSource` is `aws:sqs`) with a body that mentions `"TopicArn"`
 * (a substring search over the bodies, no parsing), so plain SQS batches never run this extractor.
 */
export const accepts = (event: unknown): boolean =>
  SqsMessage.isSqsEvent(event) && SqsMessage.anyBodyMentions(event, MARKERS)

const MARKERS = [SnsMessage.NOTIFICATION_MARKER]

/** The location of the carrier inside the body, for notes. */
export const BODY_LOCATION = "body.MessageAttributes._datadog"

/**
 * The candidates of one SQS record whose body is an SNS notification (`undefined` when it is not one): the
 * notification's `_datadog`, the SQS `_datadog` attribute, a Datadog-padded `AWSTraceHeader`.
 */
export const notificationCandidates = (
  record: unknown,
  budget: RecordBatch.Budget
): ReadonlyArray<RecordBatch.Candidate> | undefined => {
  const attributes = SnsMessage.notificationAttributes(record, budget)
  if (attributes === undefined) return undefined
  return RecordBatch.candidates(
    SnsMessage.datadogAttribute(attributes, BODY_LOCATION, budget),
    SqsMessage.datadogAttribute(record, budget),
    SqsMessage.awsTraceHeader(record, "sns-sqs")
  )
}

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "sns-sqs",
    extract: (event) =>
      BatchExtraction.extractFromBodies(propagator, "sns-sqs", event, notificationCandidates, "SNS notification body"),
    accepts,
    group: Builtin.records
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<SnsSqsExtractor, never, Propagator> = Layer.effect(SnsSqsExtractor, make)
