import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as KinesisExtractor from "../../src/services/KinesisExtractor.js"
import { conformance, fixture, type Ids, properties, reference, repeat, type Row, timed } from "./batch-support.js"

const TID = "6b06a01500000000"
// Ids as written in the fixtures' record data.
const SPEC: Ids = { traceId: "667309514221035538", parentId: "1350735035497811828", samplingPriority: 1 }
const BATCH_PARENT: Ids = {
  traceId: "5700693456819986228",
  parentId: "3115683950739165064",
  samplingPriority: 2,
  traceIdHigh: TID
}
const BATCH_LINK: Ids = {
  traceId: "5953031553780290079",
  parentId: "7568917089071166375",
  samplingPriority: -1,
  traceIdHigh: TID
}

const rows: ReadonlyArray<Row> = [
  { file: "kinesis.json", expected: SPEC, note: "from record 0: kinesis.data._datadog" },
  { file: "kinesis-batch.json", expected: BATCH_PARENT, links: [BATCH_LINK], note: "from record 1" }
]

const native = NativePropagator.layer()
const makeNative = () => Effect.runSync(KinesisExtractor.make.pipe(Effect.provide(native)))

type KinesisEvent = { Records: Array<{ kinesis: { data: string } }> }
const withData = (data: string): KinesisEvent => {
  const event = fixture("kinesis.json") as KinesisEvent
  event.Records[0]!.kinesis.data = data
  return event
}
const encode = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64")

describe("KinesisExtractor", () => {
  conformance("kinesis", KinesisExtractor.make, rows)

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

  it.effect("bounds: 100,000 records, a 5 MB record and many 1 MB records stay bounded", () =>
    Effect.gen(function*() {
      const plain = (fixture("kinesis-batch.json") as KinesisEvent).Records[3]
      const [result, elapsed] = yield* timed(makeNative().extract({ Records: repeat(plain, 100_000) }, {}))
      assert.isBelow(elapsed, 2000)
      assert.include(result.notes, "scanned the first 10000 of 100000 records")
      const [huge, elapsedHuge] = yield* timed(
        makeNative().extract(withData(encode({ pad: "x".repeat(5_000_000), _datadog: {} })), {})
      )
      assert.isBelow(elapsedHuge, 200)
      assert.deepStrictEqual(huge.notes, ["no carrier in 1 records", "1 payloads over their size bound were not read"])
      const megabyte = (fixture("kinesis.json") as KinesisEvent).Records[0]!
      const big = { ...megabyte, kinesis: { ...megabyte.kinesis, data: encode({ pad: "x".repeat(700_000) }) } }
      const [many, elapsedMany] = yield* timed(makeNative().extract({ Records: repeat(big, 30) }, {}))
      assert.isBelow(elapsedMany, 1500)
      assert.deepStrictEqual(many.notes, [
        "no carrier in 30 records",
        "decode budget spent: larger payloads were skipped"
      ])
    }))

  properties(KinesisExtractor.make, rows.map((row) => row.file))
})
