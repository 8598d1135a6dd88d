import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as KafkaEvent from "../../src/internal/triggers/kafkaEvent.js"
import { conformance, ddTraceIds, properties, type Row } from "./batch-support.js"
import { fixture, type Ids, idsOf } from "./http-support.js"
import { caps, hexToDecimal, injected, overNative, watchIndices, watchValues } from "./support.js"

// Ids as written in the fixtures' header bytes (dd-trace's own injections; an OpenTelemetry traceparent).
const MSK_PARENT = injected("2083359213027480927", "5752861370697410563", 1)
const MSK_LINK = injected("2664425064959767975", "8753966208058802021", 1)
// traceparent 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
const OTEL: Ids = {
  traceId: hexToDecimal("a3ce929d0e0e4736"),
  parentId: hexToDecimal("00f067aa0ba902b7"),
  samplingPriority: 1,
  traceIdHigh: "4bf92f3577b34da6"
}

const rows: ReadonlyArray<Row> = [
  { file: "kafka-msk.json", expected: MSK_PARENT, links: [MSK_LINK], note: "from record 1: headers" },
  { file: "kafka-self-managed.json", expected: OTEL, w3c: true },
  { file: "kafka-no-trace.json", expected: null }
]

const makeNative = () => overNative(Driver.make(Definitions.kafka))

type Header = Record<string, unknown>
type KafkaRecord = { headers: Array<Header> } & Record<string, unknown>
type Event = { eventSource: string; records: Record<string, Array<KafkaRecord>> }

/** A record's headers decoded independently of the code under test (every header, last occurrence wins). */
const decodedHeaders = (record: KafkaRecord): Record<string, string> =>
  Object.fromEntries(
    record.headers.flatMap((header) =>
      Object.entries(header).map(([name, bytes]) => [name, Buffer.from(bytes as Array<number>).toString("utf8")])
    )
  )

const bytes = (text: string) => [...Buffer.from(text, "utf8")]
const oneRecord = (headers: Array<Header>): Event => {
  const event = fixture("kafka-no-trace.json") as Event
  event.records["orders-0"]![0]!.headers = headers
  return event
}

describe("KafkaExtractor", () => {
  conformance("kafka", Driver.make(Definitions.kafka), rows)

  it("real dd-trace, given each record's decoded headers, finds the same ids (oracle)", () => {
    const msk = fixture("kafka-msk.json") as Event
    const [first, second] = msk.records["orders-0"]!
    const [third] = msk.records["orders-1"]!
    assert.isNull(ddTraceIds(decodedHeaders(first!)), "record 0 has no headers")
    assert.deepStrictEqual(ddTraceIds(decodedHeaders(second!)), MSK_PARENT)
    assert.deepStrictEqual(ddTraceIds(decodedHeaders(third!)), MSK_LINK)
    const otel = fixture("kafka-self-managed.json") as Event
    assert.deepStrictEqual(ddTraceIds(decodedHeaders(otel.records["payments-3"]![0]!)), OTEL)
  })

  it.effect("records are read across partitions in delivery order; links are de-duplicated", () =>
    Effect.gen(function*() {
      const msk = fixture("kafka-msk.json") as Event
      const traced = msk.records["orders-0"]![1]!
      const other = msk.records["orders-1"]![0]!
      const event = {
        ...msk,
        records: { "orders-2": [msk.records["orders-0"]![0]!], "orders-0": [other, traced], "orders-1": [other] }
      }
      const extracted = yield* makeNative().extract(event, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), MSK_LINK)
      assert.deepStrictEqual(extracted.links.map(idsOf), [MSK_PARENT])
      assert.strictEqual(extracted.notes[0], "from record 1: headers")
    }))

  it.effect("header names in any case; the first occurrence wins; other headers are never decoded", () =>
    Effect.gen(function*() {
      const extracted = yield* makeNative().extract(
        oneRecord([
          { "content-type": "not bytes at all" },
          { "X-Datadog-Trace-Id": bytes("31") },
          { "x-datadog-trace-id": bytes("99") },
          { "X-DATADOG-PARENT-ID": bytes("32") },
          { "x-datadog-sampling-priority": bytes("2") }
        ]),
        {}
      )
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), {
        traceId: "31",
        parentId: "32",
        samplingPriority: 2
      })
    }))

  it.effect("trace headers that are not byte arrays: malformed, unless another record has a context", () =>
    Effect.gen(function*() {
      for (const value of ["31", [300], [-1], [1.5], ["a"], null, { 0: 51 }]) {
        const failure = yield* Effect.flip(makeNative().extract(oneRecord([{ "x-datadog-trace-id": value }]), {}))
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
        assert.strictEqual(failure.detail, "record 0: headers: trace header values are not byte arrays of at most 8192")
      }
      const msk = fixture("kafka-msk.json") as Event
      msk.records["orders-0"]![0]!.headers = [{ traceparent: "00-not-bytes" }]
      const extracted = yield* makeNative().extract(msk, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), MSK_PARENT)
      assert.include(extracted.notes.join("; "), "1 records with an unreadable carrier ignored (first: record 0")
    }))

  it("decodeBytes: UTF-8 of byte arrays only, bounded", () => {
    assert.strictEqual(KafkaEvent.decodeBytes(bytes("dd=s:1;t.dm:-0")), "dd=s:1;t.dm:-0")
    assert.strictEqual(KafkaEvent.decodeBytes(bytes("café")), "café")
    assert.strictEqual(KafkaEvent.decodeBytes([]), "")
    for (const value of ["x", [256], [NaN], [1, "2"], new Array(KafkaEvent.limits.maxHeaderBytes + 1).fill(49)]) {
      assert.isUndefined(KafkaEvent.decodeBytes(value))
    }
  })

  it("the guard: eventSource aws:kafka or SelfManagedKafka with a records object", () => {
    const guard = (event: unknown) => makeNative().accepts!(event, undefined)
    assert.isTrue(guard(fixture("kafka-msk.json")))
    assert.isTrue(guard(fixture("kafka-self-managed.json")))
    for (
      const event of [
        null,
        {},
        { eventSource: "aws:kafka" },
        { eventSource: "aws:kafka", records: [] },
        { eventSource: "aws:kinesis", records: {} },
        fixture("sqs.json")
      ]
    ) assert.isFalse(guard(event))
  })

  it.effect("bounds: 100,000 records over 1,000 partitions, a 100,000-partition map, huge headers", () =>
    Effect.gen(function*() {
      const msk = fixture("kafka-msk.json") as Event
      const plain = msk.records["orders-0"]![0]!
      // 1,000 partitions of 100 records: 10,000 records are read, in delivery order.
      const groups = Array.from(
        { length: 1000 },
        () => watchIndices(Array.from({ length: 100 }, () => structuredClone(plain)))
      )
      const records = Object.fromEntries(groups.map((group, p) => [`orders-${p}`, group.items]))
      const many = yield* makeNative().extract({ ...msk, records }, {})
      const read = groups.map((group) => group.stats.reads)
      assert.strictEqual(read.reduce((sum, reads) => sum + reads, 0), caps.records, "records read")
      assert.deepStrictEqual(read.slice(100), new Array(900).fill(0), "partitions past the 100th are not read")
      assert.deepStrictEqual(many.notes, ["no carrier in 10000 records", "scanned the first 10000 of 100000 records"])
      // 100,000 empty partitions: the first 10,000 are visited.
      const partitions = watchValues(100_000, { value: [], prefix: "t-" })
      const empty = yield* makeNative().extract({ ...msk, records: partitions.object }, {})
      assert.strictEqual(partitions.stats.reads, caps.kafkaPartitions, "partitions visited")
      assert.deepStrictEqual(empty.notes, ["no records"])
      // 50,000 junk headers before the trace headers: the first 128 are visited.
      const headers = watchIndices<Header>(Array.from({ length: 50_000 }, (_, i) => ({ [`x-junk-${i}`]: bytes("v") })))
      headers.items.push({ "x-datadog-trace-id": bytes("1") }, { "x-datadog-parent-id": bytes("2") })
      const junk = yield* makeNative().extract(oneRecord(headers.items), {})
      assert.strictEqual(headers.stats.highest, caps.kafkaHeaders - 1, "headers past the cap are not read")
      assert.isTrue(Option.isNone(junk.context), "headers after the first 128 are not read")
      // A 5,000,000-byte header value: not one byte is read.
      const value = watchIndices(new Array(5_000_000).fill(49))
      const huge = yield* Effect.either(makeNative().extract(oneRecord([{ "x-datadog-trace-id": value.items }]), {}))
      assert.strictEqual(value.stats.reads, 0, "the oversized value is not decoded")
      const failure = Option.getOrThrow(Either.getLeft(huge))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
      assert.strictEqual(
        failure.detail,
        `record 0: headers: trace header values are not byte arrays of at most ${KafkaEvent.limits.maxHeaderBytes}`
      )
    }))

  properties(Driver.make(Definitions.kafka), rows.map((row) => row.file))
})
