import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Encoded from "../../src/internal/encoded.js"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import { runtimeContext } from "../support/lambdaContext.js"
import { conformance, properties, reference, type Row, stepFunctionsCase, withoutTid } from "./batch-support.js"
import { fixture, type Ids, idsOf } from "./http-support.js"
import {
  caps,
  decodingBase64,
  hexToDecimal,
  injected,
  native,
  overNative,
  parsing,
  recordOf,
  repeat,
  watchIndices
} from "./support.js"

// Ids as written in the fixtures' carriers.
const SPEC: Ids = { traceId: "6966585609680374559", parentId: "4297634551783724228", samplingPriority: 1 }
const BINARY = injected("5700693456819986228", "3115683950739165064", 2)

const rows: ReadonlyArray<Row> = [
  { file: "sns.json", expected: SPEC, note: "from record 0: Sns.MessageAttributes._datadog" },
  { file: "sns-binary.json", expected: BINARY },
  { file: "sns-no-trace.json", expected: null }
]

const makeNative = () => overNative(Driver.make(Definitions.sns))

type SnsEvent = { Records: Array<{ Sns: { MessageAttributes: Record<string, unknown> } }> }
const withAttribute = (attribute: unknown): SnsEvent => {
  const event = fixture("sns-no-trace.json") as SnsEvent
  event.Records[0]!.Sns.MessageAttributes["_datadog"] = attribute
  return event
}

/** The extractor built under a provider whose `_X_AMZN_TRACE_ID` is `header`, run on `event`. */
const extractWithEnv = (event: unknown, header: string, lambdaContext: unknown = {}) =>
  Driver.make(Definitions.sns).pipe(
    Effect.provide(native),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["_X_AMZN_TRACE_ID", header]]))),
    Effect.flatMap((extractor) => extractor.extract(event, lambdaContext))
  )

describe("SnsExtractor", () => {
  conformance("sns", Driver.make(Definitions.sns), rows)

  it("datadog-lambda-js finds the same ids (String and Binary attributes)", () => {
    assert.deepStrictEqual(reference("sns", fixture("sns.json")), SPEC)
    assert.deepStrictEqual(reference("sns", fixture("sns-binary.json")), withoutTid(BINARY))
    assert.isNull(reference("sns", fixture("sns-no-trace.json")))
  })

  stepFunctionsCase(
    "Step Functions → SNS: a v1 Lambda-root context object, tid carried unchanged",
    Driver.make(Definitions.sns),
    "sns",
    "sns-step-functions.json",
    (context) => {
      // The context object propagates this trace id and tid (x-datadog-trace-id / x-datadog-tags).
      assert.strictEqual(context.traceId, "4035494016503348209")
      assert.deepStrictEqual(Option.getOrThrow(context.traceIdHigh), "6b06a01500000000")
    }
  )

  it.effect("Type String is JSON; any other Type is base64 JSON, decoded as UTF-8", () =>
    Effect.gen(function*() {
      const carrier = JSON.stringify({ "x-datadog-trace-id": "11", "x-datadog-parent-id": "12", note: "crème brûlée" })
      const asString = yield* makeNative().extract(withAttribute({ Type: "String", Value: carrier }), {})
      assert.strictEqual(Option.getOrThrow(asString.context).traceId, "11")
      for (const Type of ["Binary", "Number", undefined]) {
        const encoded = Buffer.from(carrier, "utf8").toString("base64")
        const decoded = yield* makeNative().extract(withAttribute({ Type, Value: encoded }), {})
        assert.strictEqual(Option.getOrThrow(decoded.context).parentId, "12")
      }
      // Base64 given as Type String is not JSON: malformed.
      const wrong = yield* Effect.flip(
        makeNative().extract(withAttribute({ Type: "String", Value: Buffer.from(carrier).toString("base64") }), {})
      )
      assert.strictEqual(wrong._tag === "ExtractionError" && wrong.reason, "MalformedCarrier")
    }))

  it.effect("an empty Value or no _datadog is nothing; a Value that is not a string is malformed", () =>
    Effect.gen(function*() {
      const empty = yield* makeNative().extract(withAttribute({ Type: "String", Value: "" }), {})
      assert.isTrue(Option.isNone(empty.context))
      for (const attribute of [{ Type: "String", Value: 5 }, "x", [1], { Type: "Binary" }]) {
        const failure = yield* Effect.flip(makeNative().extract(withAttribute(attribute), {}))
        assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "MalformedCarrier")
      }
    }))

  it.effect("no carrier: a Datadog-padded _X_AMZN_TRACE_ID is used, an ordinary one is not", () =>
    Effect.gen(function*() {
      const header = "Root=1-674dad12-00000000075bcd15aa55aa55;Parent=00000000000003e8;Sampled=1"
      const padded = yield* extractWithEnv(fixture("sns-no-trace.json"), header)
      assert.deepStrictEqual(idsOf(Option.getOrThrow(padded.context)), {
        traceId: hexToDecimal("075bcd15aa55aa55"),
        parentId: hexToDecimal("00000000000003e8"),
        samplingPriority: 1
      })
      assert.strictEqual(padded.notes[0], "from the X-Ray header (Datadog-padded)")
      const plain = yield* extractWithEnv(
        fixture("sns-no-trace.json"),
        "Root=1-674dad12-3c5e1f0b8d2a4e6f7a9b0c1d;Parent=6d2f9a4e1b3c5d7e;Sampled=1"
      )
      assert.isTrue(Option.isNone(plain.context))
      // The runtime's context carries the invocation's header: it wins over the variable, and an unset field means
      // no header at all.
      const fromContext = yield* extractWithEnv(fixture("sns-no-trace.json"), "unused", runtimeContext(header))
      assert.deepStrictEqual(idsOf(Option.getOrThrow(fromContext.context)), idsOf(Option.getOrThrow(padded.context)))
      const unsetOnContext = yield* extractWithEnv(fixture("sns-no-trace.json"), header, runtimeContext(undefined))
      assert.isTrue(Option.isNone(unsetOnContext.context))
      // The record's carrier wins over the environment.
      const carried = yield* extractWithEnv(fixture("sns.json"), header)
      assert.deepStrictEqual(idsOf(Option.getOrThrow(carried.context)), SPEC)
      // A malformed carrier with a padded environment: found, the malformed carrier noted.
      const malformed = yield* extractWithEnv(withAttribute({ Type: "String", Value: "{" }), header)
      assert.isTrue(Option.isSome(malformed.context))
      assert.include(malformed.notes[1], "ignored: record 0: Sns.MessageAttributes._datadog")
    }))

  it("the guard needs Records[0].Sns to be an object", () => {
    const extractor = makeNative()
    const guard = (event: unknown) => extractor.accepts!(event, undefined)
    assert.isTrue(guard(fixture("sns.json")))
    for (const event of [null, {}, { Records: [{ Sns: "x" }] }, { Records: [] }, fixture("sqs.json")]) {
      assert.isFalse(guard(event))
    }
  })

  it.effect("bounds: of 100,000 records only the first 10,000 are read; a huge Value is refused undecoded", () =>
    Effect.gen(function*() {
      const batch = watchIndices(repeat(recordOf("sns-no-trace.json"), 100_000))
      const result = yield* makeNative().extract({ Records: batch.items }, {})
      assert.strictEqual(batch.stats.highest, caps.records - 1, "no record past the cap is read")
      assert.include(result.notes, "scanned the first 10000 of 100000 records")
      const huge = Buffer.from(JSON.stringify({ pad: "x".repeat(2_000_000) })).toString("base64")
      const event = withAttribute({ Type: "Binary", Value: huge })
      const [[refused, parsed], decoded] = yield* decodingBase64(() =>
        parsing(() => Effect.either(makeNative().extract(event, {})))
      )
      assert.deepStrictEqual(decoded, [], "nothing is base64-decoded")
      assert.deepStrictEqual(parsed, [], "nothing is parsed")
      const failure = Option.getOrThrow(Either.getLeft(refused))
      assert.strictEqual(failure._tag === "ExtractionError" && failure.reason, "LimitExceeded")
      assert.strictEqual(
        failure.detail,
        `record 0: Sns.MessageAttributes._datadog: Value is longer than ${Encoded.limits.maxBase64Length}`
      )
      // The limit is the base64 length of the longest JSON text parsed: a whole number of characters.
      assert.match(failure.detail, /longer than \d+$/)
      assert.strictEqual(
        Encoded.limits.maxBase64Length,
        Buffer.alloc(Encoded.limits.maxJsonLength).toString("base64").length
      )
    }))

  properties(Driver.make(Definitions.sns), [...rows.map((row) => row.file), "sns-step-functions.json"])
})
