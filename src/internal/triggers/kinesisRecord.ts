/**
 * Pure reading of Kinesis Data Streams records: dd-trace's producer writes the carrier as `_datadog` inside the
 * JSON record data, which Lambda delivers base64-encoded in `kinesis.data`. Decoded as UTF-8 (the reference uses
 * ASCII, which garbles any non-ASCII character in the rest of the payload and can break its JSON).
 */
import * as Encoded from "../encoded.js"
import { isRecord } from "../propagation/carrier.js"
import * as RecordBatch from "./recordBatch.js"

/** Bounds on Kinesis records. */
export const limits = {
  /** Longest `kinesis.data` decoded (records are at most 1 MiB before base64). */
  maxDataLength: Encoded.limits.maxBase64Length
} as const

/** The cheap guard: `Records[0].kinesis` is an object. */
export const isKinesisEvent = (event: unknown): boolean => isRecord(RecordBatch.firstRecord(event)?.["kinesis"])

/** The location of the carrier, for notes. */
export const LOCATION = "kinesis.data._datadog"

const MARKER = "\"_datadog\""

/**
 * The candidate of a Kinesis record. `undefined` when there is no `kinesis.data` string, its decoded text does not
 * mention `_datadog` (binary or JSON payloads without a carrier are never parsed), or it is over its bound or the
 * scan's budget (noted on the budget); malformed when the text mentions it but is not a JSON object with a
 * `_datadog` object.
 */
export const candidate = (record: unknown, budget: RecordBatch.Budget): RecordBatch.Candidate | undefined => {
  if (!isRecord(record)) return undefined
  const kinesis = record["kinesis"]
  if (!isRecord(kinesis)) return undefined
  const data = kinesis["data"]
  if (typeof data !== "string" || data === "") return undefined
  // The data may or may not hold a carrier: skipping it is noted on the scan, not reported as a broken carrier.
  if (data.length > limits.maxDataLength) return RecordBatch.skipOversized(budget)
  if (!RecordBatch.spend(budget, data.length)) return undefined
  const text = Encoded.decodeBase64(data, limits.maxDataLength)
  if (text === undefined || !text.includes(MARKER)) return undefined
  const payload = Encoded.parseJsonObject(text, Infinity)
  if (payload === undefined) return RecordBatch.malformed(LOCATION, "kinesis.data is not base64 JSON of an object")
  const datadog = payload["_datadog"]
  if (datadog === undefined) return undefined
  return isRecord(datadog)
    ? RecordBatch.carrier(LOCATION, datadog)
    : RecordBatch.malformed(LOCATION, "_datadog is not an object")
}
