import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import { conformance, ddTraceIds, properties, reference, type Row, stepFunctionsCase } from "./batch-support.js"
import { fixture, type Ids } from "./http-support.js"
import { caps, injected, overNative, parsing, recordOf, repeat, watchIndices } from "./support.js"

// Ids as written in the fixtures' carriers; the spec vector's traceparent carries the same ids.
const SPEC: Ids = { traceId: "7379586022458917877", parentId: "2644033662113726488", samplingPriority: 1 }
const LIFTED = injected("1381596238078894087", "3652520960020757463", -1)
const BATCH_PARENT = injected("4035494016503348209", "1580431170681278953", 1)
const BATCH_LINK = injected("6220234531062426612", "5930528933764542361", 1)

const rows: ReadonlyArray<Row> = [
  { file: "eventbridge-sqs.json", expected: SPEC, note: "from record 0: body.detail._datadog" },
  { file: "eventbridge-sqs-lifted.json", expected: LIFTED, note: "body._datadog (top level, input transformer)" },
  { file: "eventbridge-sqs-batch.json", expected: BATCH_PARENT, links: [BATCH_LINK], note: "from record 1" }
]

const makeNative = () => overNative(Driver.make(Definitions.eventBridgeSqs))

type SqsEvent = { Records: Array<Record<string, unknown>> }

describe("EventBridgeSqsExtractor", () => {
  conformance("eventbridge-sqs", Driver.make(Definitions.eventBridgeSqs), rows)

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

  stepFunctionsCase(
    "Step Functions → EventBridge → SQS: the context object in the body",
    Driver.make(Definitions.eventBridgeSqs),
    "eventBridgeSqs",
    "eventbridge-sqs-step-functions.json"
  )

  it.effect("bodies that are not EventBridge events: none, left to the SQS extractor", () =>
    Effect.gen(function*() {
      for (const file of ["sqs.json", "sqs-sns-raw-delivery.json", "sqs-batch-mixed.json"]) {
        const extracted = yield* makeNative().extract(fixture(file), {})
        assert.isTrue(Option.isNone(extracted.context), file)
        assert.match(extracted.notes[0]!, /^no EventBridge event body in \d+ records$/)
      }
      // An EventBridge event without a carrier is the shape with nothing in it.
      const record = recordOf("eventbridge-sqs.json")
      const body = JSON.parse(record["body"] as string) as Record<string, unknown>
      const bare = yield* makeNative().extract({
        Records: [{ ...record, body: JSON.stringify({ ...body, detail: { text: "hi" } }) }]
      }, {})
      assert.deepStrictEqual(bare.notes, ["no carrier in 1 records"])
    }))

  it.effect("bounds: of 100,000 records only the first 10,000 are read; a multi-megabyte body is not parsed", () =>
    Effect.gen(function*() {
      const record = recordOf("eventbridge-sqs-batch.json")
      const batch = watchIndices(repeat(record, 100_000))
      const result = yield* makeNative().extract({ Records: batch.items }, {})
      assert.strictEqual(batch.stats.highest, caps.records - 1, "no record past the cap is read")
      assert.include(result.notes, "scanned the first 10000 of 100000 records")
      const huge = { ...record, body: JSON.stringify({ "detail-type": "x", detail: { pad: "x".repeat(3_000_000) } }) }
      const [big, parsed] = yield* parsing(() => makeNative().extract({ Records: [huge] }, {}))
      assert.deepStrictEqual(parsed, [], "the body over its bound is not parsed")
      assert.isTrue(Option.isNone(big.context))
      assert.include(big.notes, "1 payloads over their size bound were not read")
    }))

  properties(Driver.make(Definitions.eventBridgeSqs), [
    ...rows.map((row) => row.file),
    "eventbridge-sqs-step-functions.json"
  ])
})
