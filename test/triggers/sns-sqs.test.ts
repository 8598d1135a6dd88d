import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import { conformance, properties, reference, type Row, stepFunctionsCase, withoutTid } from "./batch-support.js"
import { fixture, type Ids } from "./http-support.js"
import { caps, injected, overNative, parsing, recordOf, repeat, total, watchIndices } from "./support.js"

// Ids as written in the fixtures' carriers.
const SPEC: Ids = { traceId: "2776434475358637757", parentId: "4493917105238181843", samplingPriority: 1 }
const BINARY = injected("5953031553780290079", "7568917089071166375", -1)
const BATCH_PARENT = injected("2083359213027480927", "5752861370697410563", 1)
const BATCH_LINK = injected("2664425064959767975", "8753966208058802021", 1)

const rows: ReadonlyArray<Row> = [
  { file: "snssqs.json", expected: SPEC, note: "from record 0: body.MessageAttributes._datadog" },
  { file: "snssqs-binary.json", expected: BINARY },
  { file: "snssqs-batch.json", expected: BATCH_PARENT, links: [BATCH_LINK], note: "from record 1" }
]

const makeNative = () => overNative(Driver.make(Definitions.snsSqs))

const notificationRecord = () => recordOf("snssqs.json")
const bodyOf = (record: Record<string, unknown>) => JSON.parse(record["body"] as string) as Record<string, unknown>

describe("SnsSqsExtractor", () => {
  conformance("sns-sqs", Driver.make(Definitions.snsSqs), rows)

  it("datadog-lambda-js finds the same ids in single-record fixtures, and misses the batch's record 1", () => {
    assert.deepStrictEqual(reference("snsSqs", fixture("snssqs.json")), SPEC)
    assert.deepStrictEqual(reference("snsSqs", fixture("snssqs-binary.json")), withoutTid(BINARY))
    assert.isNull(reference("snsSqs", fixture("snssqs-batch.json")))
  })

  stepFunctionsCase(
    "Step Functions → SNS → SQS: a nested context object in the body, as the reference",
    Driver.make(Definitions.snsSqs),
    "snsSqs",
    "snssqs-step-functions.json"
  )

  it.effect("not a notification (plain body, raw delivery, no TopicArn): none, left to the SQS extractor", () =>
    Effect.gen(function*() {
      for (const file of ["sqs.json", "sqs-sns-raw-delivery.json", "eventbridge-sqs.json"]) {
        const extracted = yield* makeNative().extract(fixture(file), {})
        assert.deepStrictEqual(extracted.notes, ["no SNS notification body in 1 records"], file)
      }
      const record = notificationRecord()
      const body = bodyOf(record)
      for (const change of [{ TopicArn: "" }, { Type: "SubscriptionConfirmation" }, { TopicArn: 7 }]) {
        const extracted = yield* makeNative().extract({
          Records: [{ ...record, body: JSON.stringify({ ...body, ...change }) }]
        }, {})
        assert.isTrue(Option.isNone(extracted.context), JSON.stringify(change))
      }
    }))

  it.effect("fallbacks of a notification record: the SQS _datadog attribute, then a padded AWSTraceHeader", () =>
    Effect.gen(function*() {
      const record = notificationRecord()
      const { MessageAttributes: _, ...bare } = bodyOf(record)
      const sqsCarrier = recordOf("sqs-ddtrace.json")
      const withSqsAttribute = {
        Records: [{ ...record, body: JSON.stringify(bare), messageAttributes: sqsCarrier["messageAttributes"] }]
      }
      const fromSqs = yield* makeNative().extract(withSqsAttribute, {})
      assert.strictEqual(Option.getOrThrow(fromSqs.context).traceId, "9146967482855508420")
      assert.include(fromSqs.notes[0], "record 0: messageAttributes._datadog")
      const padded = recordOf("sqs-aws-trace-header.json")
      const withHeader = { Records: [{ ...record, body: JSON.stringify(bare), attributes: padded["attributes"] }] }
      const fromHeader = yield* makeNative().extract(withHeader, {})
      assert.strictEqual(Option.getOrThrow(fromHeader.context).parentId, BigInt("0x5e4f8a2b1c3d7e9f").toString())
      // The reference agrees on both fallbacks.
      assert.strictEqual(reference("snsSqs", withSqsAttribute)?.traceId, "9146967482855508420")
      assert.strictEqual(reference("snsSqs", withHeader)?.parentId, BigInt("0x5e4f8a2b1c3d7e9f").toString())
    }))

  it.effect("a malformed notification attribute falls back within the record, else fails", () =>
    Effect.gen(function*() {
      const record = notificationRecord()
      const body = bodyOf(record)
      const broken = JSON.stringify({ ...body, MessageAttributes: { _datadog: { Type: "Binary", Value: "!!" } } })
      const failure = yield* Effect.flip(makeNative().extract({ Records: [{ ...record, body: broken }] }, {}))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
      assert.strictEqual(
        failure.detail,
        "record 0: body.MessageAttributes._datadog: Value is not base64 JSON of an object"
      )
      const sqsCarrier = recordOf("sqs-ddtrace.json")
      const rescued = yield* makeNative().extract({
        Records: [{ ...record, body: broken, messageAttributes: sqsCarrier["messageAttributes"] }]
      }, {})
      assert.strictEqual(Option.getOrThrow(rescued.context).traceId, "9146967482855508420")
    }))

  it.effect("bounds: of 100,000 notification records the first 10,000 are read, within the decode budget", () =>
    Effect.gen(function*() {
      const batch = watchIndices(repeat(recordOf("snssqs-batch.json"), 100_000))
      const [result, parsed] = yield* parsing(() => makeNative().extract({ Records: batch.items }, {}))
      assert.strictEqual(batch.stats.highest, caps.records - 1, "no record past the cap is read")
      // 10,000 bodies of ~1.2 KB are more than the 8 MiB decode budget (a real event is at most 6 MB).
      assert.isAtMost(total(parsed), caps.decodedLength, "the bodies parsed fit in the budget")
      assert.isBelow(parsed.length, caps.records, "bodies past the budget are not parsed")
      assert.deepStrictEqual(result.notes, [
        "no carrier in 10000 records",
        "scanned the first 10000 of 100000 records",
        "decode budget spent: larger payloads were skipped"
      ])
      const body = bodyOf(notificationRecord())
      const huge = JSON.stringify({ ...body, Message: "x".repeat(3_000_000) })
      const bigEvent = { Records: [{ ...notificationRecord(), body: huge }] }
      const [big, parsedBig] = yield* parsing(() => makeNative().extract(bigEvent, {}))
      assert.deepStrictEqual(parsedBig, [], "the body over its bound is not parsed")
      assert.deepStrictEqual(big.notes, [
        "no SNS notification body in 1 records",
        "1 payloads over their size bound were not read"
      ])
    }))

  properties(Driver.make(Definitions.snsSqs), [...rows.map((row) => row.file), "snssqs-step-functions.json"])
})
