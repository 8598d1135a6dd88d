import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Layers from "../../src/internal/extractors/layers.js"
import * as XRay from "../../src/internal/extractors/xRay.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as HttpEvent from "../../src/internal/triggers/httpEvent.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"
import {
  fixture,
  type Ids,
  idsOf,
  nativeSupportsW3c,
  propagators,
  propertySuite,
  reference,
  run
} from "./http-support.js"
import { caps, decodingBase64, hexToDecimal, parsing, watchValues } from "./support.js"

interface Row {
  readonly file: string
  /** `null`: no context. */
  readonly expected: Ids | null
  readonly origin?: string
  /** The context is only in W3C headers. */
  readonly w3c?: true
  /** Where we deliberately differ from datadog-lambda-js (its result is asserted too). */
  readonly reference?: Ids | null | "not selected"
}

const rows: ReadonlyArray<Row> = [
  {
    file: "apigw-v1.json",
    expected: {
      traceId: "4110911582297405551",
      parentId: "797643193680388251",
      samplingPriority: 2,
      traceIdHigh: "66bcb5eb00000000"
    },
    origin: "rum"
  },
  { file: "apigw-v1-no-trace.json", expected: null },
  {
    // W3C only: ids from the fixture's traceparent 00-66bcb5eb00000000a3b1c2d3e4f50617-0f1e2d3c4b5a6978-01.
    file: "apigw-v2.json",
    w3c: true,
    expected: {
      traceId: hexToDecimal("a3b1c2d3e4f50617"),
      parentId: hexToDecimal("0f1e2d3c4b5a6978"),
      samplingPriority: 1,
      traceIdHigh: "66bcb5eb00000000"
    }
  },
  {
    file: "apigw-websocket-connect.json",
    expected: { traceId: "1581425472920513839", parentId: "2849307015462337741", samplingPriority: 1 }
  },
  {
    file: "alb.json",
    expected: { traceId: "7237291285474585472", parentId: "1162296484209398213", samplingPriority: -1 }
  },
  {
    // Datadog and W3C disagree: Datadog (first style) wins; "0987654321" has a leading zero; parent is the first
    // of two values.
    file: "alb-multivalue.json",
    expected: { traceId: "987654321", parentId: "1234567890", samplingPriority: 1, traceIdHigh: "68126c4300000000" }
  },
  {
    file: "function-url.json",
    expected: {
      traceId: "5827606813695714842",
      parentId: "4726693487091824375",
      samplingPriority: 1,
      traceIdHigh: "6734e7c300000000"
    }
  },
  // Spec §7.1: authorizer carrier used (integrationLatency 1419).
  {
    file: "authorizer-request-v1.json",
    expected: { traceId: "2095319761084710747", parentId: "2095319761084710747", samplingPriority: 1 }
  },
  // Spec §7.1: cached (latency 0, other request id) → headers, which carry nothing.
  { file: "authorizer-request-v1-cached.json", expected: null },
  {
    file: "authorizer-request-v1-cached-headers.json",
    expected: { traceId: "8448313233366213041", parentId: "3155693485224392413", samplingPriority: 1 }
  },
  // Spec §7.1: v2 authorizer under authorizer.lambda, request id matches.
  {
    file: "authorizer-request-v2.json",
    expected: { traceId: "372675515829592104", parentId: "372675515829592104", samplingPriority: 1 }
  },
  { file: "authorizer-request-v2-cached.json", expected: null },
  // Spec §7.1: WebSocket $connect, latency 1119.
  {
    file: "authorizer-websocket-connect.json",
    expected: { traceId: "6545406747453684600", parentId: "6545406747453684600", samplingPriority: 1 }
  },
  // MESSAGE: no headers; the $connect authorizer context is read but is stale for this request.
  { file: "authorizer-websocket-message.json", expected: null, reference: "not selected" },
  {
    file: "authorizer-token-v1.json",
    expected: {
      traceId: "6968284087649577200",
      parentId: "1932758281637254811",
      samplingPriority: 1,
      traceIdHigh: "6734e7c300000000"
    }
  },
  { file: "authorizer-token-v1-cached.json", expected: null },
  {
    // Fresh authorizer payload without ids: we still read the headers; datadog-lambda-js returns null.
    file: "authorizer-no-ids-headers.json",
    w3c: true,
    expected: {
      traceId: hexToDecimal("475f46c0c2b1e3d4"),
      parentId: hexToDecimal("5a4b3c2d1e0f9a8b"),
      samplingPriority: 1
    },
    reference: null
  },
  {
    file: "authorizer-malformed.json",
    expected: { traceId: "2727406421302125000", parentId: "6300442563183357401" }
  }
]

const extractorWith = (options?: Definitions.HttpOptions) =>
  Effect.map(
    Propagator,
    (propagator) => Driver.extractor(Definitions.http(options), { propagator, readXRayHeader: XRay.envHeaderReader })
  )

describe("HttpExtractor conformance", () => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    describe(`over the ${propagatorName} propagator`, () => {
      for (const row of rows) {
        const skip = row.w3c === true && propagatorName === "native" && !nativeSupportsW3c
        ;(skip ? it.effect.skip : it.effect)(row.file, () =>
          Effect.gen(function*() {
            const event = fixture(row.file)
            const { accepted, result, unchanged } = yield* run(yield* extractorWith(), event)
            assert.isTrue(accepted, "the guard accepts the event")
            assert.isTrue(unchanged, "the event is not mutated")
            assert.isTrue(Either.isRight(result))
            const extracted = Option.getOrThrow(Option.getRight(result))
            const context = Option.getOrUndefined(extracted.context)
            if (row.expected === null) {
              assert.isUndefined(context)
              assert.isAbove(extracted.notes.length, 0, "a 'none' says why")
            } else {
              assert.isDefined(context)
              assert.deepStrictEqual(idsOf(context!), row.expected)
              assert.strictEqual(context!.source, "http")
              if (row.origin !== undefined) assert.deepStrictEqual(context!.origin, Option.some(row.origin))
            }
          }).pipe(Effect.provide(propagatorLayer)))
      }
    })
  }

  describe("agrees with datadog-lambda-js (over real dd-trace) except where documented", () => {
    for (const row of rows) {
      it(row.file, () => {
        const event = fixture(row.file)
        const expected = row.reference === undefined ? row.expected : row.reference
        if (expected === "not selected") {
          // datadog-lambda-js only selects the HTTP extractor when there is a headers object.
          const record = event as { headers?: unknown; multiValueHeaders?: unknown }
          assert.isUndefined(record.headers ?? record.multiValueHeaders)
          return
        }
        const actual = reference.http(event)
        if (expected === null) return assert.isNull(actual)
        assert.isNotNull(actual)
        assert.deepStrictEqual([actual!.traceId, actual!.parentId], [expected.traceId, expected.parentId])
        if (expected.traceIdHigh !== undefined) assert.strictEqual(actual!.traceIdHigh, expected.traceIdHigh)
      })
    }
  })
})

describe("HttpExtractor authorizer rules", () => {
  const native = NativePropagator.layer()

  it.effect("DD_DECODE_AUTHORIZER_CONTEXT=false ignores the authorizer, like the reference with decoding off", () =>
    Effect.gen(function*() {
      const extractor = yield* Layers.http.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DD_DECODE_AUTHORIZER_CONTEXT", "false"]])))
      )
      const fresh = yield* extractor.extract(fixture("authorizer-request-v1.json"), undefined)
      assert.isTrue(Option.isNone(fresh.context))
      assert.isNull(reference.http(fixture("authorizer-request-v1.json"), false))
      const cachedWithHeaders = yield* extractor.extract(
        fixture("authorizer-request-v1-cached-headers.json"),
        undefined
      )
      assert.strictEqual(Option.getOrThrow(cachedWithHeaders.context).traceId, "8448313233366213041")
    }).pipe(Effect.provide(native)))

  it.effect("the setting is read once, when the extractor is built", () =>
    Effect.gen(function*() {
      const extractor = yield* Layers.http.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DD_DECODE_AUTHORIZER_CONTEXT", "false"]])))
      )
      const result = yield* extractor.extract(fixture("authorizer-request-v1.json"), undefined).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DD_DECODE_AUTHORIZER_CONTEXT", "true"]])))
      )
      assert.isTrue(Option.isNone(result.context))
    }).pipe(Effect.provide(native)))

  it.effect("defaults to true when unset or unreadable", () =>
    Effect.gen(function*() {
      for (const map of [new Map<string, string>(), new Map([["DD_DECODE_AUTHORIZER_CONTEXT", "maybe"]])]) {
        const extractor = yield* Layers.http.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(map)))
        const result = yield* extractor.extract(fixture("authorizer-request-v1.json"), undefined)
        assert.strictEqual(Option.getOrThrow(result.context).traceId, "2095319761084710747")
      }
    }).pipe(Effect.provide(native)))

  it.effect("fresh by request id alone (no integrationLatency), stale when both differ", () =>
    Effect.gen(function*() {
      const extractor = yield* extractorWith()
      const v1 = fixture("authorizer-request-v1.json") as {
        requestContext: { authorizer: Record<string, unknown>; requestId: string }
      }
      delete v1.requestContext.authorizer["integrationLatency"]
      const byRequestId = yield* extractor.extract(v1, undefined)
      assert.strictEqual(Option.getOrThrow(byRequestId.context).traceId, "2095319761084710747")
      v1.requestContext.requestId = "another-request"
      const stale = yield* extractor.extract(v1, undefined)
      assert.isTrue(Option.isNone(stale.context))
      assert.isTrue(stale.notes.some((note) => note.includes("cached")))
    }).pipe(Effect.provide(native)))

  it.effect("a v2 event reads authorizer.lambda._datadog only; v1 reads authorizer._datadog only", () =>
    Effect.gen(function*() {
      const extractor = yield* extractorWith()
      const v2 = fixture("authorizer-request-v2.json") as {
        requestContext: { authorizer: Record<string, unknown> }
      }
      v2.requestContext.authorizer = {
        _datadog: (v2.requestContext.authorizer["lambda"] as { _datadog: string })._datadog
      }
      assert.isTrue(Option.isNone((yield* extractor.extract(v2, undefined)).context))
    }).pipe(Effect.provide(native)))

  it.effect("malformed and oversized authorizer values fall back to the headers with a note", () =>
    Effect.gen(function*() {
      const extractor = yield* extractorWith()
      const malformed = yield* extractor.extract(fixture("authorizer-malformed.json"), undefined)
      assert.isTrue(malformed.notes.some((note) => note.includes("not base64 JSON")))
      const huge = fixture("authorizer-malformed.json") as { requestContext: { authorizer: Record<string, unknown> } }
      huge.requestContext.authorizer["_datadog"] = "A".repeat(5_000_000)
      const [[result, parsed], decoded] = yield* decodingBase64(() => parsing(() => extractor.extract(huge, undefined)))
      assert.deepStrictEqual(decoded, [], "a 5 MB authorizer value is rejected without decoding")
      assert.deepStrictEqual(parsed, [])
      assert.include(
        result.notes,
        `authorizer context ignored: the authorizer _datadog value is longer than ${HttpEvent.limits.maxAuthorizerLength}`
      )
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "2727406421302125000")
    }).pipe(Effect.provide(native)))
})

describe("HttpExtractor guard and shapes", () => {
  const native = NativePropagator.layer()

  it("accepts headers or multiValueHeaders objects and WebSocket events with an authorizer, nothing else", () => {
    assert.isTrue(Definitions.http().accepts!({ headers: {} }, undefined))
    assert.isTrue(Definitions.http().accepts!({ headers: null, multiValueHeaders: { a: ["b"] } }, undefined))
    assert.isTrue(Definitions.http().accepts!(fixture("authorizer-websocket-message.json"), undefined))
    for (const event of [null, 1, "x", [], {}, { headers: "x" }, { headers: [] }, { requestContext: {} }]) {
      assert.isFalse(Definitions.http().accepts!(event, undefined))
    }
    assert.isFalse(Definitions.http().accepts!(fixture("appsync.json"), undefined))
    assert.isFalse(Definitions.http().accepts!(fixture("states.json"), undefined))
  })

  it.effect("keys are matched without case and multi-value headers use their first value", () =>
    Effect.gen(function*() {
      const extractor = yield* extractorWith()
      const result = yield* extractor.extract({
        multiValueHeaders: {
          "X-DATADOG-TRACE-ID": ["11", "22"],
          "X-Datadog-Parent-Id": ["33", "44"],
          "x-datadog-sampling-priority": ["0"]
        }
      }, undefined)
      assert.deepStrictEqual(idsOf(Option.getOrThrow(result.context)), {
        traceId: "11",
        parentId: "33",
        samplingPriority: 0
      })
    }).pipe(Effect.provide(native)))

  it.effect("bounds the header walk: only the first 256 values are read, so a context after them is not", () =>
    Effect.gen(function*() {
      const extractor = yield* extractorWith()
      const headers = watchValues(200_000)
      headers.object["x-datadog-trace-id"] = "1"
      headers.object["x-datadog-parent-id"] = "2"
      const result = yield* extractor.extract({ headers: headers.object }, undefined)
      assert.isAtMost(headers.stats.reads, caps.carrierKeys, "values past the key cap are not read")
      assert.isTrue(Option.isNone(result.context))
    }).pipe(Effect.provide(native)))
})

describe("HttpExtractor properties", () => {
  propertySuite(extractorWith(), rows.map((row) => row.file), { numRuns: 40 })
})
