import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ExtractionResult from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as ExtractorName from "../../src/internal/extractorName.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { SqsExtractor } from "../../src/services/Extractors.js"
import * as Propagator from "../../src/services/Propagator.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import * as Fixtures from "../support/fixtures.js"

const fixture = (name: string): unknown => Fixtures.fixture("triggers", name)

const fake = TraceContext.make({ traceId: "1234", parentId: "5678", samplingPriority: 2, source: "custom" })

const withoutXRay = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const previous = process.env._X_AMZN_TRACE_ID
      delete process.env._X_AMZN_TRACE_ID
      return previous
    }),
    () => effect,
    (previous) => Effect.sync(() => previous === undefined ? undefined : void (process.env._X_AMZN_TRACE_ID = previous))
  )

describe("swapping parts of the default chain in tests", () => {
  it.effect("DefaultChain.layerWith puts a fake SQS extractor in the built-in's place", () =>
    Effect.gen(function*() {
      let seen: unknown
      const fakeSqs = Layer.succeed(
        SqsExtractor,
        TraceExtractor.make({
          name: "sqs",
          extract: (event) =>
            Effect.sync(() => {
              seen = event
              return TraceExtractor.found(fake)
            })
        })
      )
      const event = fixture("sqs-no-trace.json")
      const result = yield* ExtractorChain.extract(event).pipe(
        Effect.provide(DefaultChain.layerWith(fakeSqs).pipe(Layer.provide(NativePropagator.layer())))
      )
      assert.strictEqual(seen, event)
      assert.deepStrictEqual(Option.getOrThrow(ExtractionResult.extractor(result)), "sqs")
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "1234")
      const order = result.attempts.map((attempt) => attempt.extractor)
      assert.deepStrictEqual(order, ExtractorName.names.slice(1, ExtractorName.names.indexOf("sqs") + 1))
    }))

  it.effect("the real SQS extractor finds nothing in the same event", () =>
    withoutXRay(
      Effect.gen(function*() {
        const result = yield* ExtractorChain.extract(fixture("sqs-no-trace.json")).pipe(
          Effect.provide(DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer())))
        )
        assert.isTrue(Option.isNone(result.context))
      })
    ))

  it.effect("Propagator.layerTest stands in for the propagator, attributed to the extractor that called it", () =>
    Effect.gen(function*() {
      const result = yield* ExtractorChain.extract(fixture("apigw-v1-no-trace.json")).pipe(
        Effect.provide(DefaultChain.layer.pipe(Layer.provide(Propagator.layerTest(fake))))
      )
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.traceId, "1234")
      assert.strictEqual(context.source, "http")
    }))

  it.effect("Propagator.layerTest without a context finds nothing, and overrides replace a method", () =>
    withoutXRay(
      Effect.gen(function*() {
        const calls: Array<string> = []
        const counting = Propagator.layerTest(undefined, {
          extract: (_carrier, source) => Effect.sync(() => void calls.push(source)).pipe(Effect.as(Option.none()))
        })
        const result = yield* ExtractorChain.extract(fixture("apigw-v1-no-trace.json")).pipe(
          Effect.provide(DefaultChain.layer.pipe(Layer.provide(counting)))
        )
        assert.isTrue(Option.isNone(result.context))
        assert.include(calls, "http")
        const none = yield* ExtractorChain.extract(fixture("apigw-v1-no-trace.json")).pipe(
          Effect.provide(DefaultChain.layer.pipe(Layer.provide(Propagator.layerTest())))
        )
        assert.isTrue(Option.isNone(none.context))
      })
    ))
})
