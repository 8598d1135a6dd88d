import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import * as ExtractionResult from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as CustomExtractor from "../../src/services/CustomExtractor.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"

const propagator = NativePropagator.layer()

const runCustom = (
  fn: Parameters<typeof CustomExtractor.fromFunction>[0],
  event: unknown = {}
) =>
  Effect.gen(function*() {
    const extractor = yield* CustomExtractor.fromFunction(fn)
    const fallback = TraceExtractor.make({
      name: "xray",
      extract: () =>
        Effect.succeed(TraceExtractor.found(TraceContext.make({ traceId: "1", parentId: "1", source: "xray" })))
    })
    return yield* ExtractorChain.make([extractor, fallback]).extract(event, { awsRequestId: "r" })
  }).pipe(Effect.provide(propagator))

describe("CustomExtractor", () => {
  it.effect("accepts a datadog-lambda-js style context with decimal ids and sampleMode", () =>
    Effect.gen(function*() {
      const result = yield* runCustom(() => ({ traceId: "8823401839", parentId: 77, sampleMode: 2 }))
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.source, "custom")
      assert.strictEqual(context.traceId, "8823401839")
      assert.strictEqual(context.parentId, "77")
      assert.deepStrictEqual(context.samplingPriority, Option.some(2))
    }))

  it.effect("accepts an async function returning a header map and runs it through the propagator", () =>
    Effect.gen(function*() {
      const result = yield* runCustom(async (event) => (event as { meta: Record<string, unknown> }).meta, {
        meta: {
          "X-Datadog-Trace-Id": "123",
          "x-datadog-parent-id": "456",
          "x-datadog-tags": "_dd.p.tid=00000000000000ab"
        }
      })
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.source, "custom")
      assert.deepStrictEqual([context.traceId, context.parentId], ["123", "456"])
      assert.deepStrictEqual(context.traceIdHigh, Option.some("00000000000000ab"))
    }))

  it.effect("an all-zero traceIdHigh is a 64-bit trace: no high half and no _dd.p.tid tag", () =>
    Effect.gen(function*() {
      const result = yield* runCustom(() => ({ traceId: "1", parentId: "2", traceIdHigh: "0000000000000000" }))
      const context = Option.getOrThrow(result.context)
      assert.isTrue(Option.isNone(context.traceIdHigh))
      assert.deepStrictEqual(context.tags, {})
      const high = yield* runCustom(() => ({ traceId: "1", parentId: "2", traceIdHigh: "00000000000000AB" }))
      assert.deepStrictEqual(Option.getOrThrow(high.context).tags, { "_dd.p.tid": "00000000000000ab" })
    }))

  it.effect("receives the event and the Lambda context", () =>
    Effect.gen(function*() {
      let seen: Array<unknown> = []
      yield* runCustom((event, lambdaContext) => {
        seen = [event, lambdaContext]
        return null
      }, { a: 1 })
      assert.deepStrictEqual(seen, [{ a: 1 }, { awsRequestId: "r" }])
    }))

  it("a sync function runs synchronously (Effect.runSync works, no async boundary)", () => {
    const result = Effect.runSync(runCustom(() => ({ traceId: "5", parentId: "6" })))
    assert.strictEqual(Option.getOrThrow(result.context).traceId, "5")
    const thrown = Effect.runSync(runCustom(() => {
      throw new Error("sync throw")
    }))
    assert.strictEqual(thrown.attempts[0]!.reason, "ExtractionError.CustomExtractorFailed")
  })

  it.effect("null means no context: the chain goes on", () =>
    Effect.gen(function*() {
      const result = yield* runCustom(() => null)
      assert.deepStrictEqual(result.attempts.map((a) => [a.extractor, a.outcome]), [["custom", "none"], [
        "xray",
        "found"
      ]])
    }))

  it.effect("a throw, a rejection or a bad context is a typed failure and the chain goes on", () =>
    Effect.gen(function*() {
      const throwing = yield* runCustom(() => {
        throw new Error("nope")
      })
      const rejecting = yield* runCustom(() => Promise.reject(new Error("nope")))
      const incomplete = yield* runCustom(() => ({ traceId: "0", parentId: "abc" }))
      const notAnObject = yield* runCustom(() => "headers" as never)
      assert.deepStrictEqual(
        [throwing, rejecting, incomplete, notAnObject].map((
          r
        ) => [r.attempts[0]!.reason, Option.getOrThrow(ExtractionResult.extractor(r))]),
        [
          ["ExtractionError.CustomExtractorFailed", "xray"],
          ["ExtractionError.CustomExtractorFailed", "xray"],
          ["ExtractionError.IncompleteContext", "xray"],
          ["ExtractionError.MalformedCarrier", "xray"]
        ]
      )
    }))

  it.effect("an Effect-based extractor can use services and its failures are typed", () =>
    Effect.gen(function*() {
      const failing = CustomExtractor.layer(() => Effect.fail("denied" as const))
      const chain = yield* ExtractorChain.extract({}, undefined).pipe(
        Effect.provide(
          ExtractorChain.layerFromServices([CustomExtractor.CustomExtractor]).pipe(
            Layer.provide(failing),
            Layer.provide(propagator)
          )
        )
      )
      assert.strictEqual(chain.attempts[0]!.reason, "ExtractionError.CustomExtractorFailed")
    }))

  it.effect("never lets any returned value escape as a throw or defect (property)", () =>
    Effect.gen(function*() {
      const values = fc.sample(fc.jsonValue(), 300)
      for (const value of values) {
        const result = yield* runCustom(() => value as never)
        assert.isTrue(result.attempts.every((a) => a.reason !== "Defect"))
      }
    }))
})
