/**
 * Pure reading of EventBridge events, delivered directly or as SQS bodies. dd-trace writes the carrier into
 * `detail._datadog` (an object). An input transformer that forwards only `detail` (a common pattern, see
 * datadog-lambda-python issue #317) leaves `_datadog` at the top level instead; that is read too, unless it is a
 * Step Functions context object (the Step Functions extractor owns those).
 */
import * as Encoded from "../encoded.js"
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "./decoders.js"
import * as RecordBatch from "./recordBatch.js"
import * as SqsMessage from "./sqsMessage.js"
import * as StepFunctionsContext from "./stepFunctionsContext.js"

/**
 * `true` when `value` is an object with a `detail-type` key (as the reference tests: any value but
 * `undefined`). Legacy CloudWatch Events and scheduled events match too; they carry no `_datadog`.
 */
export const hasDetailType = (value: unknown): boolean => isRecord(value) && value["detail-type"] !== undefined

/**
 * `true` when `value` is an object whose top-level `_datadog` is an object; unless `withStepFunctions`, not a Step
 * Functions context object (on a direct event the Step Functions extractor owns those).
 */
export const hasLiftedCarrier = (value: unknown, withStepFunctions: boolean = false): boolean => {
  if (!isRecord(value)) return false
  const datadog = value["_datadog"]
  return isRecord(datadog) && (withStepFunctions || !StepFunctionsContext.isContextObject(datadog))
}

/** The cheap guard of the direct extractor: a `detail-type` key, or a lifted top-level `_datadog` header map. */
export const isEventBridgeShaped = (event: unknown): boolean => hasDetailType(event) || hasLiftedCarrier(event)

/** The location of dd-trace's carrier, for notes. */
export const DETAIL_LOCATION = "detail._datadog"

/** The location of a lifted carrier, for notes. */
export const LIFTED_LOCATION = "_datadog (top level, input transformer)"

const carrierValue = (
  value: unknown,
  location: RecordBatch.Location,
  budget: RecordBatch.Budget
): RecordBatch.Candidate | undefined => {
  if (value === undefined || value === null) return undefined
  if (isRecord(value)) return RecordBatch.carrier(location, value)
  // A producer that serialised the carrier: accept JSON text of an object.
  if (typeof value === "string") {
    return value.length > Encoded.limits.maxJsonLength
      ? RecordBatch.tooLarge(location, `the string is longer than ${Encoded.limits.maxJsonLength}`)
      : SqsMessage.jsonCarrier(value, location, budget, "the string")
  }
  return RecordBatch.malformed(location, "neither an object nor JSON text of one")
}

/**
 * The candidates of an EventBridge-shaped object (an event, or a parsed SQS body): `detail._datadog` when
 * `detail-type` is a string, then a lifted top-level `_datadog` (see {@link hasLiftedCarrier}). Empty when neither
 * is there.
 */
export const candidates = (
  value: unknown,
  budget: RecordBatch.Budget,
  decoders: Decoders,
  options: { readonly prefix?: string; readonly withStepFunctions?: boolean } = {}
): ReadonlyArray<RecordBatch.Candidate> => {
  const prefix = options.prefix ?? ""
  const out: Array<RecordBatch.Candidate> = []
  if (hasDetailType(value)) {
    const detail = decoders.eventBridgeEvent(value)?.detail
    if (isRecord(detail)) {
      const found = carrierValue(detail["_datadog"], prefix + DETAIL_LOCATION, budget)
      if (found !== undefined) out.push(found)
    }
  }
  if (hasLiftedCarrier(value, options.withStepFunctions)) {
    const lifted = (value as Readonly<Record<string, unknown>>)["_datadog"] as Readonly<Record<string, unknown>>
    out.push(RecordBatch.carrier(prefix + LIFTED_LOCATION, lifted))
  }
  return out
}

/**
 * The substrings an SQS body must contain to be parsed as an EventBridge event (`detail-type`) or a transformed
 * one (`_datadog`).
 */
export const BODY_MARKERS: ReadonlyArray<string> = ["\"detail-type\"", "\"_datadog\""]

/**
 * The cheap test before parsing an SQS body as an EventBridge event or a transformed one (see
 * {@link BODY_MARKERS}).
 */
export const bodyMayBeEvent = (record: unknown): boolean =>
  BODY_MARKERS.some((marker) => SqsMessage.bodyMentions(record, marker))
