import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as KinesisRecord from "../../src/internal/triggers/kinesisRecord.js"
import { conformance, properties, reference, type Row } from "./batch-support.js"
import { fixture, type Ids } from "./http-support.js"
import { caps, decodingBase64, injected, overNative, recordOf, repeat, total, watchIndices } from "./support.js"

// Ids as written in the fixtures' record data.
const SPEC: Ids = { traceId: "667309514221035538", parentId: "1350735035497811828", samplingPriority: 1 }
const BATCH_PARENT = injected("5700693456819986228", "3115683950739165064", 2)
const BATCH_LINK = injected("5953031553780290079", "7568917089071166375", -1)

const rows: ReadonlyArray<Row> = [
  { file: "kinesis.json", expected: SPEC, note: "from record 0: kinesis.data._datadog" },
  { file: "kinesis-batch.json", expected: BATCH_PARENT, links: [BATCH_LINK], note: "from record 1" }
]

const makeNative = () => overNative(Driver.make(Definitions.kinesis))

type KinesisEvent = { Records: Array<{ kinesis: { data: string } }> }
const withData = (data: string): KinesisEvent => {
  const event = fixture("kinesis.json") as KinesisEvent
  event.Records[0]!.kinesis.data = data
  return event
}
const encode = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64")

describe("KinesisExtractor", () => {
  conformance("kinesis", Driver.make(Definitions.kinesis), rows)

  it("the spec vector decodes to the documented payload, and datadog-lambda-js finds the same ids", () => {
    const data = (fixture("kinesis.json") as KinesisEvent).Records[0]!.kinesis.data
    assert.strictEqual(
      Buffer.from(data, "base64").toString("utf8"),
      "{\"I'm made of wax, Larry\":\"What are you made of?\",\"_datadog\":{\"x-datadog-trace-id\":\"667309514221035538\"," +
        "\"x-datadog-parent-id\":\"1350735035497811828\",\"x-datadog-sampled\":\"1\",\"x-datadog-sampling-priority\":\"1\"}}"
    )
    assert.deepStrictEqual(reference("kinesis", fixture("kinesis.json")), SPEC)
  })

  it("datadog-lambda-js reads record 0 only, and its ASCII decoding breaks non-ASCII JSON (both fixed here)", () => {
    const batch = fixture("kinesis-batch.json") as KinesisEvent
    assert.isNull(reference("kinesis", batch), "record 0 is binary")
    // Record 1 alone ("pâté": the 0xA2 byte of "â" becomes a quote in ASCII, which breaks the JSON).
    assert.isNull(reference("kinesis", { Records: [batch.Records[1]] }))
  })

  it.effect("UTF-8 payloads, and records that do not mention _datadog are skipped", () =>
    Effect.gen(function*() {
      const carrier = { "x-datadog-trace-id": "21", "x-datadog-parent-id": "22" }
      const unicode = yield* makeNative().extract(withData(encode({ city: "Zürich ✓", _datadog: carrier })), {})
      assert.strictEqual(Option.getOrThrow(unicode.context).traceId, "21")
      for (const data of [encode("plain text"), encode({ a: 1 }), encode([1, 2]), "%%%", ""]) {
        const nothing = yield* makeNative().extract(withData(data), {})
        assert.deepStrictEqual(nothing.notes, ["no carrier in 1 records"], data)
      }
      // Nested _datadog is not the carrier.
      const nested = yield* makeNative().extract(withData(encode({ inner: { _datadog: carrier } })), {})
      assert.isTrue(Option.isNone(nested.context))
    }))

  it.effect("malformed: data that mentions _datadog but is not a JSON object with a _datadog object", () =>
    Effect.gen(function*() {
      for (const text of ["{\"_datadog\": {", JSON.stringify({ _datadog: "x" }), JSON.stringify(["_datadog"])]) {
        const failure = yield* Effect.flip(makeNative().extract(withData(encode(text)), {}))
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier", text)
        assert.include(failure.detail, "record 0: kinesis.data._datadog")
      }
    }))

  it("the guard needs Records[0].kinesis to be an object", () => {
    const guard = (event: unknown) => makeNative().accepts!(event, undefined)
    assert.isTrue(guard(fixture("kinesis.json")))
    for (const event of [null, {}, { Records: [{ kinesis: "x" }] }, fixture("sqs.json"), fixture("sns.json")]) {
      assert.isFalse(guard(event))
    }
  })

  it.effect("bounds: the first 10,000 of 100,000 records are read; a 5 MB record and data past the budget are not decoded", () =>
    Effect.gen(function*() {
      const batch = watchIndices(repeat(recordOf("kinesis-batch.json", 3), 100_000))
      const result = yield* makeNative().extract({ Records: batch.items }, {})
      assert.strictEqual(batch.stats.highest, caps.records - 1, "no record past the cap is read")
      assert.include(result.notes, "scanned the first 10000 of 100000 records")
      const [huge, decodedHuge] = yield* decodingBase64(() =>
        makeNative().extract(withData(encode({ pad: "x".repeat(5_000_000), _datadog: {} })), {})
      )
      assert.deepStrictEqual(decodedHuge, [], "data over its bound is not decoded")
      assert.deepStrictEqual(huge.notes, ["no carrier in 1 records", "1 payloads over their size bound were not read"])
      // 30 records of ~0.9 MB of base64 (27 MB, over the 8 MiB budget): the first 8 are decoded, the rest skipped.
      const megabyte = recordOf("kinesis.json") as KinesisEvent["Records"][number]
      const data = encode({ pad: "x".repeat(700_000) })
      const big = { ...megabyte, kinesis: { ...megabyte.kinesis, data } }
      const [many, decoded] = yield* decodingBase64(() => makeNative().extract({ Records: repeat(big, 30) }, {}))
      assert.isAtMost(total(decoded), caps.decodedLength)
      assert.deepStrictEqual(decoded, new Array(8).fill(data.length), "8 payloads decoded, 22 skipped")
      assert.isBelow(data.length, KinesisRecord.limits.maxDataLength, "each payload is within its own bound")
      assert.deepStrictEqual(many.notes, [
        "no carrier in 30 records",
        "decode budget spent: larger payloads were skipped"
      ])
    }))

  properties(Driver.make(Definitions.kinesis), rows.map((row) => row.file))
})
