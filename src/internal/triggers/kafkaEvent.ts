/**
 * Pure reading of Kafka events (Amazon MSK, `eventSource` `aws:kafka`, and self-managed Apache Kafka,
 * `SelfManagedKafka`). Lambda groups records by `topic-partition` under `records`; each record's `headers` is an
 * array of single-key objects whose value is the header's bytes as an array of numbers. Trace headers written by a
 * Datadog or OpenTelemetry producer (`x-datadog-*`, `traceparent`, `tracestate`, `b3`, `x-b3-*`, `baggage`,
 * `ot-baggage-*`) are decoded as UTF-8 into a carrier; other headers are never decoded.
 */
import { isRecord } from "../propagation/carrier.js"
import * as Carrier from "../propagation/carrier.js"
import * as RecordBatch from "./recordBatch.js"

/** Bounds on Kafka events. */
export const limits = {
  /** `topic-partition` groups visited. */
  maxPartitions: 10_000,
  /** Header names visited per record (producers write a handful, one per entry). */
  maxHeaders: 128,
  /** Longest header value decoded, in bytes (the carrier keeps values up to this length). */
  maxHeaderBytes: Carrier.limits.maxValueLength
} as const

/** The `eventSource` values of Kafka events. */
export const EVENT_SOURCES: ReadonlyArray<string> = ["aws:kafka", "SelfManagedKafka"]

/** The cheap guard: `eventSource` is `aws:kafka` or `SelfManagedKafka` and `records` is an object. */
export const isKafkaEvent = (event: unknown): boolean =>
  isRecord(event) && typeof event["eventSource"] === "string" && EVENT_SOURCES.includes(event["eventSource"]) &&
  isRecord(event["records"])

/**
 * The records of an event in delivery order (partition groups in key order, records in array order), at most
 * `maxRecords` of them, and the number of records in the visited groups.
 */
export const records = (
  event: unknown,
  maxRecords: number = RecordBatch.limits.maxRecords
): { readonly items: ReadonlyArray<unknown>; readonly total: number } => {
  const items: Array<unknown> = []
  let total = 0
  if (!isRecord(event) || !isRecord(event["records"])) return { items, total }
  const groups = event["records"]
  let visited = 0
  for (const key in groups) {
    if (++visited > limits.maxPartitions) break
    if (!Object.prototype.hasOwnProperty.call(groups, key)) continue
    const group = groups[key]
    if (!Array.isArray(group)) continue
    total += group.length
    for (let i = 0; i < group.length && items.length < maxRecords; i++) items.push(group[i])
  }
  return { items, total }
}

const PREFIXES = ["x-datadog-", "x-b3-", "ot-baggage-"]
const NAMES = new Set(["traceparent", "tracestate", "b3", "baggage"])

/** `true` for a header name (any case) that a propagator may read. */
export const isPropagationHeader = (name: string): boolean => {
  if (name.length > Carrier.limits.maxKeyLength) return false
  const lower = name.toLowerCase()
  return NAMES.has(lower) || PREFIXES.some((prefix) => lower.startsWith(prefix))
}

/**
 * Decodes a header value given as an array of bytes (integers 0–255) to UTF-8 text; `undefined` for anything
 * else or for more than {@link limits} bytes.
 */
export const decodeBytes = (value: unknown): string | undefined => {
  if (!Array.isArray(value) || value.length > limits.maxHeaderBytes) return undefined
  for (let i = 0; i < value.length; i++) {
    const byte: unknown = value[i]
    if (typeof byte !== "number" || !Number.isInteger(byte) || byte < 0 || byte > 255) return undefined
  }
  return Buffer.from(value as Array<number>).toString("utf8")
}

/** The location of the carrier, for notes. */
export const LOCATION = "headers"

/**
 * The candidate of a Kafka record: its propagation headers as a carrier (the first occurrence of a name wins, as
 * names are compared without case by the propagator). `undefined` when the record has none; malformed when no
 * propagation header it has is a byte array within the bound.
 */
export const candidate = (record: unknown, budget: RecordBatch.Budget): RecordBatch.Candidate | undefined => {
  if (!isRecord(record)) return undefined
  const headers = record["headers"]
  if (!Array.isArray(headers)) return undefined
  const carrier: Record<string, string> = {}
  let kept = 0
  let invalid = 0
  let visited = 0
  const count = Math.min(headers.length, limits.maxHeaders)
  for (let i = 0; i < count && visited < limits.maxHeaders; i++) {
    const entry: unknown = headers[i]
    if (!isRecord(entry)) continue
    for (const name in entry) {
      if (++visited > limits.maxHeaders) break
      if (!Object.prototype.hasOwnProperty.call(entry, name) || !isPropagationHeader(name)) continue
      const lower = name.toLowerCase()
      if (Object.prototype.hasOwnProperty.call(carrier, lower)) continue
      const raw = entry[name]
      if (Array.isArray(raw) && raw.length <= limits.maxHeaderBytes && !RecordBatch.spend(budget, raw.length)) {
        return kept > 0
          ? RecordBatch.carrier(LOCATION, carrier)
          : RecordBatch.tooLarge(LOCATION, "decode budget spent")
      }
      const text = decodeBytes(raw)
      if (text === undefined) {
        invalid++
        continue
      }
      carrier[lower] = text
      kept++
    }
  }
  if (kept > 0) return RecordBatch.carrier(LOCATION, carrier)
  return invalid > 0
    ? RecordBatch.malformed(LOCATION, `trace header values are not byte arrays of at most ${limits.maxHeaderBytes}`)
    : undefined
}
