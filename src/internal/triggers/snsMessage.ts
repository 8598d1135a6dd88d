/**
 * Pure reading of SNS messages: records of an SNS-triggered Lambda (`Records[i].Sns`) and SNS notifications
 * delivered as SQS bodies (SNS→SQS without raw delivery). The carrier is the `_datadog` message attribute:
 * `Type` `String` holds JSON; any other type (dd-trace writes `Binary`) holds base64 JSON.
 */
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "./decoders.js"
import * as RecordBatch from "./recordBatch.js"
import * as SqsMessage from "./sqsMessage.js"

/** The cheap guard: `Records[0].Sns` is an object. */
export const isSnsEvent = (event: unknown): boolean => isRecord(RecordBatch.firstRecord(event)?.["Sns"])

/** The cheap test before parsing an SQS body as a notification. */
export const NOTIFICATION_MARKER = "\"TopicArn\""

/**
 * The `MessageAttributes` of an SQS body that is an SNS notification, or `undefined` when the body is not one.
 * `null` stands for a notification without attributes.
 */
export const notificationAttributes = (
  record: unknown,
  budget: RecordBatch.Budget,
  decoders: Decoders
): unknown => {
  if (!SqsMessage.bodyMentions(record, NOTIFICATION_MARKER)) return undefined
  const body = SqsMessage.parsedBody(record, budget)
  if (body === undefined) return undefined
  const notification = decoders.snsNotification(body)
  return notification === undefined ? undefined : notification.MessageAttributes ?? null
}

/**
 * The `_datadog` candidate of SNS `MessageAttributes` (`Type` `String` → JSON, else base64 JSON). `undefined`
 * when there is no `_datadog` attribute or its value is empty.
 */
export const datadogAttribute = (
  messageAttributes: unknown,
  location: RecordBatch.Location,
  budget: RecordBatch.Budget,
  decoders: Decoders
): RecordBatch.Candidate | undefined => {
  if (!isRecord(messageAttributes)) return undefined
  const attribute = messageAttributes["_datadog"]
  if (attribute === undefined || attribute === null) return undefined
  const decoded = decoders.snsAttribute(attribute)
  if (decoded === undefined) return RecordBatch.malformed(location, "not an object with a string Value")
  const { Type, Value } = decoded
  if (Value === "") return undefined
  return Type === "String"
    ? SqsMessage.jsonCarrier(Value, location, budget, "Value")
    : SqsMessage.base64JsonCarrier(Value, location, budget, "Value")
}

/** The location of the carrier in an SNS record, for notes. */
export const RECORD_LOCATION = "Sns.MessageAttributes._datadog"

/** The `Sns.MessageAttributes._datadog` candidate of an SNS record. */
export const recordCarrier = (
  record: unknown,
  budget: RecordBatch.Budget,
  decoders: Decoders
): RecordBatch.Candidate | undefined => {
  if (!isRecord(record)) return undefined
  const sns = record["Sns"]
  return isRecord(sns) ? datadogAttribute(sns["MessageAttributes"], RECORD_LOCATION, budget, decoders) : undefined
}
