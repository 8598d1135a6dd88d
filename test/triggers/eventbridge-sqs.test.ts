import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as EventBridgeSqsExtractor from "../../src/services/EventBridgeSqsExtractor.js"
import {
  conformance,
  ddTraceIds,
  fixture,
  type Ids,
  idsOf,
  propagators,
  properties,
  reference,
  repeat,
  type Row,
  run,
  timed,
  withoutTid
} from "./batch-support.js"

const TID = "6b06a01500000000"
// Ids as written in the fixtures' carriers; the spec vector's traceparent carries the same ids.
const SPEC: Ids = { traceId: "7379586022458917877", parentId: "2644033662113726488", samplingPriority: 1 }
const LIFTED: Ids = {
  traceId: "1381596238078894087",
  parentId: "3652520960020757463",
  samplingPriority: -1,
  traceIdHigh: TID
}
const BATCH_PARENT: Ids = {
  traceId: "4035494016503348209",
  parentId: "1580431170681278953",
  samplingPriority: 1,
  traceIdHigh: TID
}
const BATCH_LINK: Ids = {
  traceId: "6220234531062426612",
  parentId: "5930528933764542361",
  samplingPriority: 1,
  traceIdHigh: TID
}

const rows: ReadonlyArray<Row> = [
  { file: "eventbridge-sqs.json", expected: SPEC, note: "from record 0: body.detail._datadog" },
  { file: "eventbridge-sqs-lifted.json", expected: LIFTED, note: "body._datadog (top level, input transformer)" },
  { file: "eventbridge-sqs-batch.json", expected: BATCH_PARENT, links: [BATCH_LINK], note: "from record 1" }
]

const native = NativePropagator.layer()
const makeNative = () => Effect.runSync(EventBridgeSqsExtractor.make.pipe(Effect.provide(native)))

type SqsEvent = { Records: Array<Record<string, unknown>> }

describe("EventBridgeSqsExtractor", () => {
  conformance("eventbridge-sqs", EventBridgeSqsExtractor.make, rows)

  it("the spec vector: Datadog and W3C agree, and datadog-lambda-js finds the same ids", () => {
    const event = fixture("eventbridge-sqs.json") as SqsEvent
    const body = JSON.parse(event.Records[0]!["body"] as string) as { detail: { _datadog: Record<string, string> } }
    const { traceparent, ...datadogOnly } = body.detail._datadog
    assert.deepStrictEqual(ddTraceIds(datadogOnly), SPEC)
    assert.deepStrictEqual(ddTraceIds({ traceparent: traceparent! }), SPEC)
    assert.deepStrictEqual(reference("eventBridgeSqs", event), SPEC)
    assert.isNull(reference("eventBridgeSqs", fixture("eventbridge-sqs-batch.json")), "record 0 only")
    assert.isNull(reference("eventBridgeSqs", fixture("eventbridge-sqs-lifted.json")))
  })

  for (const [propagatorName, propagatorLayer] of propagators) {
    it.effect(`Step Functions → EventBridge → SQS: the context object in the body (${propagatorName})`, () =>
      Effect.gen(function*() {
        const event = fixture("eventbridge-sqs-step-functions.json")
        const { result } = yield* run(yield* EventBridgeSqsExtractor.make, event)
        const context = Option.getOrThrow(Either.getOrThrow(result).context)
        assert.deepStrictEqual(withoutTid(idsOf(context)), reference("eventBridgeSqs", event))
      }).pipe(Effect.provide(propagatorLayer)))
  }

  it.effect("bodies that are not EventBridge events: none, left to the SQS extractor", () =>
    Effect.gen(function*() {
      for (const file of ["sqs.json", "sqs-sns-raw-delivery.json", "sqs-batch-mixed.json"]) {
        const extracted = yield* makeNative().extract(fixture(file), {})
        assert.isTrue(Option.isNone(extracted.context), file)
        assert.match(extracted.notes[0]!, /^no EventBridge event body in \d+ records$/)
      }
      // An EventBridge event without a carrier is the shape with nothing in it.
      const record = (fixture("eventbridge-sqs.json") as SqsEvent).Records[0]!
      const body = JSON.parse(record["body"] as string) as Record<string, unknown>
      const bare = yield* makeNative().extract({
        Records: [{ ...record, body: JSON.stringify({ ...body, detail: { text: "hi" } }) }]
      }, {})
      assert.deepStrictEqual(bare.notes, ["no carrier in 1 records"])
    }))

  it.effect("bounds: 100,000 records and multi-megabyte bodies stay bounded", () =>
    Effect.gen(function*() {
      const record = (fixture("eventbridge-sqs-batch.json") as SqsEvent).Records[0]!
      const [result, elapsed] = yield* timed(makeNative().extract({ Records: repeat(record, 100_000) }, {}))
      assert.isBelow(elapsed, 2000)
      assert.include(result.notes, "scanned the first 10000 of 100000 records")
      const huge = { ...record, body: JSON.stringify({ "detail-type": "x", detail: { pad: "x".repeat(3_000_000) } }) }
      const [big, elapsedBig] = yield* timed(makeNative().extract({ Records: [huge] }, {}))
      assert.isBelow(elapsedBig, 200)
      assert.isTrue(Option.isNone(big.context))
    }))

  properties(EventBridgeSqsExtractor.make, [...rows.map((row) => row.file), "eventbridge-sqs-step-functions.json"])
})
