/**
 * SQS records as Lambda receives them: the `_datadog` message attribute (`String` JSON, or `Binary` base64 JSON
 * from SNS raw delivery), the Datadog-padded `AWSTraceHeader`, and the body. SNS→SQS, EventBridge→SQS and SQS read
 * the same records one after another, so a parsed body is kept per record (a `WeakMap`, reused only while
 * `record.body` is the same string) and a substring test runs before any parse.
 */
import * as Encoded from "../encoded.js"
import type { ExtractorName } from "../extractorName.js"
import { isRecord } from "../propagation/carrier.js"
import * as XRayHeader from "../propagation/xRayHeader.js"
import type { Decoders } from "./decoders.js"
import * as RecordBatch from "./recordBatch.js"

/** Bounds on SQS records. */
export const limits = {
  /** Longest body parsed (SQS messages are at most 1 MiB). */
  maxBodyLength: Encoded.limits.maxJsonLength,
  /** Longest `_datadog` attribute value decoded. */
  maxAttributeLength: Encoded.limits.maxJsonLength
} as const

/** The `eventSource` of SQS records. */
export const EVENT_SOURCE = "aws:sqs"

/** The cheap guard: `Records[0].eventSource` is `aws:sqs`. */
export const isSqsEvent = (event: unknown): boolean => RecordBatch.firstRecord(event)?.["eventSource"] === EVENT_SOURCE

/** The location of the SQS `_datadog` attribute, for notes. */
export const ATTRIBUTE_LOCATION = "messageAttributes._datadog"

/** The location of the `AWSTraceHeader` attribute, for notes. */
export const TRACE_HEADER_LOCATION = "attributes.AWSTraceHeader"

/** Decodes JSON text of a carrier object, taking its length from the budget. */
export const jsonCarrier = (
  text: string,
  location: RecordBatch.Location,
  budget: RecordBatch.Budget,
  what: string
): RecordBatch.Candidate => {
  if (text.length > limits.maxAttributeLength) {
    return RecordBatch.tooLarge(location, `${what} is longer than ${limits.maxAttributeLength}`)
  }
  if (!RecordBatch.spend(budget, text.length)) return RecordBatch.tooLarge(location, "decode budget spent")
  const carrier = Encoded.parseJsonObject(text, limits.maxAttributeLength)
  return carrier === undefined
    ? RecordBatch.malformed(location, `${what} is not JSON of an object`)
    : RecordBatch.carrier(location, carrier)
}

/** Decodes base64 (UTF-8) JSON text of a carrier object, taking its length from the budget. */
export const base64JsonCarrier = (
  text: string,
  location: RecordBatch.Location,
  budget: RecordBatch.Budget,
  what: string
): RecordBatch.Candidate => {
  const max = Encoded.limits.maxBase64Length
  if (text.length > max) return RecordBatch.tooLarge(location, `${what} is longer than ${max}`)
  if (!RecordBatch.spend(budget, text.length)) return RecordBatch.tooLarge(location, "decode budget spent")
  const carrier = Encoded.decodeBase64JsonObject(text, max)
  return carrier === undefined
    ? RecordBatch.malformed(location, `${what} is not base64 JSON of an object`)
    : RecordBatch.carrier(location, carrier)
}

/**
 * The `messageAttributes._datadog` candidate of an SQS record: `stringValue` JSON, else `binaryValue` base64 JSON
 * (raw SNS delivery). `undefined` when the record has no such attribute (or both values are empty).
 */
export const datadogAttribute = (
  record: unknown,
  budget: RecordBatch.Budget,
  decoders: Decoders
): RecordBatch.Candidate | undefined => {
  if (!isRecord(record)) return undefined
  const attributes = record["messageAttributes"]
  if (!isRecord(attributes)) return undefined
  const attribute = attributes["_datadog"]
  if (attribute === undefined || attribute === null) return undefined
  const decoded = decoders.sqsAttribute(attribute)
  if (decoded === undefined) {
    return RecordBatch.malformed(ATTRIBUTE_LOCATION, "not an object with string stringValue/binaryValue")
  }
  const { binaryValue, stringValue } = decoded
  if (typeof stringValue === "string" && stringValue !== "") {
    return jsonCarrier(stringValue, ATTRIBUTE_LOCATION, budget, "stringValue")
  }
  if (typeof binaryValue === "string" && binaryValue !== "") {
    return base64JsonCarrier(binaryValue, ATTRIBUTE_LOCATION, budget, "binaryValue")
  }
  return undefined
}

/**
 * The `attributes.AWSTraceHeader` candidate: a context only when the header carries a Datadog-padded trace id
 * (dd-trace-java's X-Ray propagation); any other header is X-Ray's own and yields `undefined`.
 */
export const awsTraceHeader = (record: unknown, source: ExtractorName): RecordBatch.Candidate | undefined => {
  if (!isRecord(record)) return undefined
  const attributes = record["attributes"]
  if (!isRecord(attributes)) return undefined
  const header = attributes["AWSTraceHeader"]
  if (typeof header !== "string") return undefined
  const context = XRayHeader.fromDatadogPadded(header, source)
  return context === undefined ? undefined : RecordBatch.context(TRACE_HEADER_LOCATION, context)
}

/** `true` when the record's `body` is a string that contains `needle`: the cheap test before parsing a body. */
export const bodyMentions = (record: unknown, needle: string): boolean => {
  if (!isRecord(record)) return false
  const body = record["body"]
  return typeof body === "string" && body.includes(needle)
}

/**
 * `true` when any of the first `maxRecords` records has a string `body` containing one of `needles`: the guard of
 * the extractors that read bodies (a substring search, no decoding).
 */
export const anyBodyMentions = (
  event: unknown,
  needles: ReadonlyArray<string>,
  maxRecords: number = RecordBatch.limits.maxRecords
): boolean => {
  const records = RecordBatch.records(event)
  if (records === undefined) return false
  const count = Math.min(records.length, maxRecords)
  for (let i = 0; i < count; i++) {
    for (const needle of needles) if (bodyMentions(records[i], needle)) return true
  }
  return false
}

interface ParsedBody {
  readonly text: string
  readonly value: Readonly<Record<string, unknown>> | undefined
}

const bodies = new WeakMap<object, ParsedBody>()

const OBJECT_START = /^\s*\{/

/**
 * The record's `body` parsed as a JSON object, or `undefined` (no string body, not a JSON object, over the bound,
 * or the budget is spent; the last two are noted on the budget). Parsed at most once per record object and body text (see the module notes); the body
 * length is taken from the budget on every call, so a scan's bound does not depend on what ran before it.
 */
export const parsedBody = (
  record: unknown,
  budget: RecordBatch.Budget
): Readonly<Record<string, unknown>> | undefined => {
  if (!isRecord(record)) return undefined
  const text = record["body"]
  if (typeof text !== "string" || !OBJECT_START.test(text)) return undefined
  if (text.length > limits.maxBodyLength) return RecordBatch.skipOversized(budget)
  if (!RecordBatch.spend(budget, text.length)) return undefined
  const cached = bodies.get(record)
  if (cached !== undefined && cached.text === text) return cached.value
  const value = Encoded.parseJsonObject(text, limits.maxBodyLength)
  bodies.set(record, { text, value })
  return value
}
