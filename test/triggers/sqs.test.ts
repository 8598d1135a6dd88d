import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as SqsMessage from "../../src/internal/triggers/sqsMessage.js"
import { conformance, properties, reference, type Row, stepFunctionsCase, withoutTid } from "./batch-support.js"
import { fixture, type Ids, idsOf } from "./http-support.js"
import { caps, hexToDecimal, injected, overNative, parsing, recordOf, repeat, total, watchIndices } from "./support.js"

// Ids as written in the fixtures' carriers (dd-trace's own injections, and the reference's spec event).
const SPEC: Ids = { traceId: "4555236104497098341", parentId: "3369753143434738315", samplingPriority: 1 }
const DDTRACE_0 = injected("9146967482855508420", "6500954677284539114", 1)
const RAW_DELIVERY = injected("1063723200171180135", "519591001614277039", 1)
const BATCH_PARENT = injected("5215804282609844194", "651781675931141396", 2)
const BATCH_LINKS = [
  injected("1381596238078894087", "3652520960020757463", -1),
  injected("6220234531062426612", "5930528933764542361", 1)
]
// Root=1-674dad12-000000000ddc0ffeebadf00d;Parent=5e4f8a2b1c3d7e9f;Sampled=1
const PADDED: Ids = {
  traceId: hexToDecimal("0ddc0ffeebadf00d"),
  parentId: hexToDecimal("5e4f8a2b1c3d7e9f"),
  samplingPriority: 1
}

const rows: ReadonlyArray<Row> = [
  { file: "sqs.json", expected: SPEC, note: "from record 0: messageAttributes._datadog" },
  { file: "sqs-ddtrace.json", expected: DDTRACE_0 },
  { file: "sqs-sns-raw-delivery.json", expected: RAW_DELIVERY },
  { file: "sqs-aws-trace-header.json", expected: PADDED, note: "attributes.AWSTraceHeader" },
  {
    file: "sqs-batch-mixed.json",
    expected: BATCH_PARENT,
    links: BATCH_LINKS,
    note: "from record 3: messageAttributes._datadog"
  },
  { file: "sqs-no-trace.json", expected: null },
  { file: "sqs-malformed.json", expected: "MalformedCarrier" }
]

const makeNative = () => overNative(Driver.make(Definitions.sqs))

const sqsEvent = (...records: ReadonlyArray<unknown>) => ({ Records: records })
const record = (overrides: Record<string, unknown>) => ({
  ...recordOf("sqs-no-trace.json"),
  ...overrides
})
const stringAttribute = (value: string) => ({
  _datadog: { stringValue: value, stringListValues: [], binaryListValues: [], dataType: "String" }
})

describe("SqsExtractor", () => {
  conformance("sqs", Driver.make(Definitions.sqs), rows)

  it("datadog-lambda-js finds the same ids in the single-record fixtures", () => {
    for (const row of rows.slice(0, 4)) {
      assert.deepStrictEqual(reference("sqs", fixture(row.file)), withoutTid(row.expected as Ids), row.file)
    }
    assert.isNull(reference("sqs", fixture("sqs-no-trace.json")))
  })

  it("datadog-lambda-js reads record 0 only and misses the mixed batch (the reference bug fixed here)", () => {
    assert.isNull(reference("sqs", fixture("sqs-batch-mixed.json")))
  })

  stepFunctionsCase(
    "Step Functions → SQS: the context object in stringValue, as the reference",
    Driver.make(Definitions.sqs),
    "sqs",
    "sqs-step-functions.json",
    (context) => {
      assert.isTrue(Option.isSome(context.traceIdHigh), "the legacy kind has a hashed tid")
    }
  )

  it.effect("mixed-case carrier keys from a non-dd-trace producer are read (the reference misses them)", () =>
    Effect.gen(function*() {
      const event = sqsEvent(record({
        messageAttributes: stringAttribute(
          JSON.stringify({
            "X-Datadog-Trace-Id": "123",
            "X-Datadog-Parent-Id": "456",
            "X-Datadog-Sampling-Priority": "1"
          })
        )
      }))
      const extracted = yield* makeNative().extract(event, undefined)
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), {
        traceId: "123",
        parentId: "456",
        samplingPriority: 1
      })
      assert.isNull(reference("sqs", event))
    }))

  it.effect("stringValue wins over binaryValue; an empty stringValue falls back to binaryValue", () =>
    Effect.gen(function*() {
      const binary = Buffer.from(JSON.stringify({ "x-datadog-trace-id": "7", "x-datadog-parent-id": "8" })).toString(
        "base64"
      )
      const both = (stringValue: string) =>
        sqsEvent(record({
          messageAttributes: { _datadog: { stringValue, binaryValue: binary, dataType: "String" } }
        }))
      const first = yield* makeNative().extract(
        both("{\"x-datadog-trace-id\":\"1\",\"x-datadog-parent-id\":\"2\"}"),
        {}
      )
      assert.strictEqual(Option.getOrThrow(first.context).traceId, "1")
      const fallback = yield* makeNative().extract(both(""), {})
      assert.strictEqual(Option.getOrThrow(fallback.context).traceId, "7")
    }))

  it.effect("a carrier without ids falls back to the Datadog-padded AWSTraceHeader of the same record", () =>
    Effect.gen(function*() {
      const padded = (fixture("sqs-aws-trace-header.json") as { Records: Array<{ attributes: unknown }> }).Records[0]!
      const event = sqsEvent(record({
        attributes: padded.attributes,
        messageAttributes: stringAttribute("{\"unrelated\":\"value\"}")
      }))
      const extracted = yield* makeNative().extract(event, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), PADDED)
      assert.deepStrictEqual(reference("sqs", event), PADDED)
    }))

  it.effect("an ordinary X-Ray AWSTraceHeader is not a Datadog context", () =>
    Effect.gen(function*() {
      const extracted = yield* makeNative().extract(fixture("sqs-no-trace.json"), {})
      assert.isTrue(Option.isNone(extracted.context))
      assert.deepStrictEqual(extracted.notes, ["no carrier in 1 records"])
    }))

  it.effect("the spec's X-Ray vector as AWSTraceHeader is X-Ray's own header: not a Datadog context here", () =>
    Effect.gen(function*() {
      const event = sqsEvent(record({
        attributes: { AWSTraceHeader: "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1" }
      }))
      const extracted = yield* makeNative().extract(event, {})
      assert.isTrue(Option.isNone(extracted.context))
      assert.isNull(reference("sqs", event))
    }))

  it.effect("a malformed carrier is only a note when another record yields the context", () =>
    Effect.gen(function*() {
      const extracted = yield* makeNative().extract(fixture("sqs-batch-mixed.json"), {})
      assert.isTrue(Option.isSome(extracted.context))
      assert.isTrue(
        extracted.notes.some((note) =>
          note.startsWith("1 records with an unreadable carrier ignored (first: record 2: messageAttributes._datadog")
        ),
        extracted.notes.join("; ")
      )
      const failure = yield* Effect.flip(makeNative().extract(fixture("sqs-malformed.json"), {}))
      assert.strictEqual(failure._tag, "ExtractionError")
      assert.strictEqual(
        failure.detail,
        "record 0: messageAttributes._datadog: binaryValue is not base64 JSON of an object"
      )
    }))

  it.effect("a _datadog attribute of the wrong shape is malformed, never a throw", () =>
    Effect.gen(function*() {
      for (const attribute of ["x", 1, [], { stringValue: 1 }, { binaryValue: {} }]) {
        const failure = yield* Effect.flip(
          makeNative().extract(sqsEvent(record({ messageAttributes: { _datadog: attribute } })), {})
        )
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
      }
      for (const stringValue of ["[1,2]", "\"text\"", "null", "{\"a\":"]) {
        const failure = yield* Effect.flip(
          makeNative().extract(
            sqsEvent(record({
              messageAttributes: stringAttribute(stringValue)
            })),
            {}
          )
        )
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
      }
    }))

  it("the guard needs Records[0].eventSource aws:sqs", () => {
    const extractor = makeNative()
    const guard = (event: unknown) => extractor.accepts!(event, undefined)
    assert.isTrue(guard(fixture("sqs.json")))
    for (
      const event of [
        null,
        "x",
        {},
        { Records: [] },
        { Records: [null] },
        { Records: [{ eventSource: "aws:sns" }] },
        fixture("sns.json"),
        fixture("kinesis.json"),
        { Records: "aws:sqs" }
      ]
    ) assert.isFalse(guard(event))
  })

  it.effect("bounds: of 100,000 records only the first 10,000 are read, with a note", () =>
    Effect.gen(function*() {
      const extractor = makeNative()
      const plain = recordOf("sqs-no-trace.json")
      const traced = recordOf("sqs-ddtrace.json")
      const plainBatch = watchIndices(repeat(plain, 100_000))
      const nothing = yield* extractor.extract({ Records: plainBatch.items }, {})
      assert.strictEqual(plainBatch.stats.highest, caps.records - 1, "no record past the cap is read")
      assert.deepStrictEqual(nothing.notes, [
        "no carrier in 10000 records",
        "scanned the first 10000 of 100000 records"
      ])
      // The same context in every record: one parent, no links (de-duplicated), one carrier parsed per record read.
      const carrierText = (traced["messageAttributes"] as { _datadog: { stringValue: string } })._datadog.stringValue
      const tracedBatch = watchIndices(repeat(traced, 100_000))
      const [same, parsed] = yield* parsing(() => extractor.extract({ Records: tracedBatch.items }, {}))
      assert.strictEqual(tracedBatch.stats.highest, caps.records - 1)
      assert.strictEqual(parsed.filter((length) => length === carrierText.length).length, caps.records)
      assert.deepStrictEqual(idsOf(Option.getOrThrow(same.context)), DDTRACE_0)
      assert.strictEqual(same.links.length, 0)
      // A carrier past the 10,000th record is not read.
      const late = yield* extractor.extract(sqsEvent(...repeat(plain, 10_000), traced), {})
      assert.isTrue(Option.isNone(late.context))
    }))

  it.effect("bounds: a multi-megabyte carrier is refused without parsing (LimitExceeded)", () =>
    Effect.gen(function*() {
      const huge = JSON.stringify({ "x-datadog-trace-id": "1", "x-datadog-parent-id": "2", pad: "x".repeat(3_000_000) })
      const event = sqsEvent(record({ messageAttributes: stringAttribute(huge) }))
      const [result, parsed] = yield* parsing(() => Effect.either(makeNative().extract(event, {})))
      assert.deepStrictEqual(parsed, [], "nothing is parsed")
      const failure = Option.getOrThrow(Either.getLeft(result))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "LimitExceeded")
      assert.strictEqual(
        failure.detail,
        `record 0: messageAttributes._datadog: stringValue is longer than ${SqsMessage.limits.maxAttributeLength}`
      )
    }))

  it.effect("bounds: the decode budget caps the total carrier text one scan parses", () =>
    Effect.gen(function*() {
      // 20 records with a 900 KB carrier each (18 MB, over the 8 MiB budget): the first 9 are parsed, the rest are
      // skipped; a small carrier after them still fits in what is left.
      const bigText = JSON.stringify({ pad: "x".repeat(900_000) })
      const big = record({ messageAttributes: stringAttribute(bigText) })
      const small = recordOf("sqs-ddtrace.json")
      const [result, parsed] = yield* parsing(() =>
        Effect.either(makeNative().extract(sqsEvent(...repeat(big, 20)), {}))
      )
      assert.isAtMost(total(parsed), caps.decodedLength)
      assert.deepStrictEqual(parsed, new Array(9).fill(bigText.length), "9 carriers parsed, 11 skipped")
      const failure = Option.getOrThrow(Either.getLeft(result))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "LimitExceeded")
      assert.strictEqual(
        failure.detail,
        "record 9: messageAttributes._datadog: decode budget spent (decode budget spent: larger payloads were skipped)"
      )
      const found = yield* makeNative().extract(sqsEvent(...repeat(big, 20), small), {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(found.context)), DDTRACE_0)
      assert.include(found.notes, "decode budget spent: larger payloads were skipped")
    }))

  properties(Driver.make(Definitions.sqs), rows.map((row) => row.file).concat("sqs-step-functions.json"))
})
