import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Encoded from "../../src/internal/encoded.js"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import {
  conformance,
  ddTraceIds,
  properties,
  reference,
  type Row,
  stepFunctionsCase,
  withoutTid
} from "./batch-support.js"
import { fixture, type Ids, idsOf } from "./http-support.js"
import { caps, injected, overNative, parsing, watchValues } from "./support.js"

// Ids as written in the fixtures' carriers.
const SPEC: Ids = { traceId: "5827606813695714842", parentId: "4726693487091824375", samplingPriority: 1 }
const JAVA = injected("9146967482855508420", "6500954677284539114", 1)
const LIFTED = injected("1063723200171180135", "519591001614277039", 1)

const rows: ReadonlyArray<Row> = [
  { file: "eventbridge.json", expected: SPEC, note: "from detail._datadog" },
  { file: "eventbridge-java.json", expected: JAVA },
  { file: "eventbridge-lifted.json", expected: LIFTED, note: "from _datadog (top level, input transformer)" },
  { file: "eventbridge-scheduled.json", expected: null }
]

const makeNative = () => overNative(Driver.make(Definitions.eventBridge))

describe("EventBridgeExtractor", () => {
  conformance("eventbridge", Driver.make(Definitions.eventBridge), rows)

  it("datadog-lambda-js agrees on detail._datadog, and misses the input-transformer shape", () => {
    assert.deepStrictEqual(reference("eventBridge", fixture("eventbridge.json")), SPEC)
    assert.deepStrictEqual(reference("eventBridge", fixture("eventbridge-java.json")), withoutTid(JAVA))
    assert.isNull(reference("eventBridge", fixture("eventbridge-lifted.json")))
    // dd-trace itself reads the lifted carrier as we do.
    const lifted = fixture("eventbridge-lifted.json") as { _datadog: Record<string, string> }
    assert.deepStrictEqual(ddTraceIds(lifted._datadog), LIFTED)
  })

  stepFunctionsCase(
    "Step Functions → EventBridge: a nested context object in detail._datadog",
    Driver.make(Definitions.eventBridge),
    "eventBridge",
    "eventbridge-step-functions.json"
  )

  it.effect("a top-level Step Functions context object is left to the Step Functions extractor", () =>
    Effect.gen(function*() {
      const sfn = fixture("step-functions-lambda-root.json")
      assert.isFalse(makeNative().accepts!(sfn, undefined))
      assert.isTrue(Definitions.stepFunctions.accepts!(sfn, undefined))
      // With detail-type present the detail carrier is read; the top-level context object is still not.
      const extracted = yield* makeNative().extract({ ...(sfn as object), "detail-type": "x", detail: {} }, {})
      assert.isTrue(Option.isNone(extracted.context))
    }))

  it.effect("detail._datadog as JSON text is accepted; other non-object values are malformed", () =>
    Effect.gen(function*() {
      const event = fixture("eventbridge.json") as { detail: Record<string, unknown> }
      const text = JSON.stringify(event.detail["_datadog"])
      const fromText = yield* makeNative().extract({ ...event, detail: { _datadog: text } }, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(fromText.context)), SPEC)
      for (const value of [1, true, ["x"], "not json"]) {
        const failure = yield* Effect.flip(makeNative().extract({ ...event, detail: { _datadog: value } }, {}))
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
        assert.include(failure.detail, "detail._datadog")
      }
    }))

  it.effect("detail._datadog wins over a lifted one; a lifted one is used when detail has none", () =>
    Effect.gen(function*() {
      const event = fixture("eventbridge.json") as Record<string, unknown>
      const lifted = (fixture("eventbridge-lifted.json") as { _datadog: unknown })._datadog
      const both = yield* makeNative().extract({ ...event, _datadog: lifted }, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(both.context)), SPEC)
      const onlyLifted = yield* makeNative().extract({ ...event, detail: {}, _datadog: lifted }, {})
      assert.deepStrictEqual(idsOf(Option.getOrThrow(onlyLifted.context)), LIFTED)
    }))

  it("the guard: detail-type (any value, as the reference), or a top-level _datadog header map", () => {
    const guard = (event: unknown) => makeNative().accepts!(event, undefined)
    for (const file of ["eventbridge.json", "eventbridge-lifted.json", "eventbridge-scheduled.json"]) {
      assert.isTrue(guard(fixture(file)), file)
    }
    for (
      const event of [null, [], {}, { detail: {} }, { _datadog: "x" }, fixture("sqs.json"), fixture("apigw-v1.json")]
    ) {
      assert.isFalse(guard(event))
    }
  })

  it.effect("bounds: of a 100,000-key carrier only the first 256 values are read; the rest of detail is not", () =>
    Effect.gen(function*() {
      const event = fixture("eventbridge.json") as { detail: Record<string, unknown> }
      const carrier = watchValues(100_000)
      Object.assign(carrier.object, event.detail["_datadog"])
      const detail = watchValues(1, { value: "x".repeat(5_000_000), prefix: "pad-" })
      detail.object["_datadog"] = carrier.object
      const extracted = yield* makeNative().extract({ ...event, detail: detail.object }, {})
      assert.isAtMost(carrier.stats.reads, caps.carrierKeys, "values past the key cap are not read")
      assert.strictEqual(detail.stats.reads, 0, "detail's other fields are not read")
      assert.isTrue(Option.isNone(extracted.context), "the ids sit after the carrier's first 256 keys")
      const [tooLong, parsed] = yield* parsing(() =>
        Effect.either(
          makeNative().extract({
            ...event,
            detail: { _datadog: JSON.stringify({ pad: "x".repeat(2_000_000) }) }
          }, {})
        )
      )
      assert.deepStrictEqual(parsed, [], "JSON text over the bound is not parsed")
      const failure = Option.getOrThrow(Either.getLeft(tooLong))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "LimitExceeded")
      assert.strictEqual(failure.detail, `detail._datadog: the string is longer than ${Encoded.limits.maxJsonLength}`)
    }))

  properties(Driver.make(Definitions.eventBridge), [...rows.map((row) => row.file), "eventbridge-step-functions.json"])
})
