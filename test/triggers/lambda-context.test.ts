import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { fixture, type Ids, idsOf, propagators, propertySuite, reference, run } from "./http-support.js"
import { caps, watchValues } from "./support.js"

// Ids from the fixtures' clientContext.custom headers (the traceparent in lambda-context.json is the same trace).
const rows: ReadonlyArray<{ readonly file: string; readonly expected: Ids }> = [
  {
    file: "lambda-context.json",
    expected: {
      traceId: "6047164253208516393",
      parentId: "4301467617546211346",
      samplingPriority: 1,
      traceIdHigh: "67a0e3b200000000"
    }
  },
  {
    file: "lambda-context-legacy.json",
    expected: { traceId: "3398407946620713449", parentId: "1720388219233405512", samplingPriority: 2 }
  }
]

describe("LambdaContextExtractor", () => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    for (const row of rows) {
      it.effect(`${row.file} over the ${propagatorName} propagator`, () =>
        Effect.gen(function*() {
          const extractor = yield* Driver.make(Definitions.lambdaContext)
          const { accepted, result, unchanged } = yield* run(extractor, {}, fixture(row.file))
          assert.isTrue(accepted)
          assert.isTrue(unchanged)
          const context = Option.getOrThrow(Either.getOrThrow(result).context)
          assert.deepStrictEqual(idsOf(context), row.expected)
          assert.strictEqual(context.source, "lambda-context")
        }).pipe(Effect.provide(propagatorLayer)))
    }
  }

  for (const row of rows) {
    it(`${row.file}: datadog-lambda-js finds the same ids`, () => {
      const ids = reference.lambdaContext(fixture(row.file))
      assert.deepStrictEqual([ids?.traceId, ids?.parentId], [row.expected.traceId, row.expected.parentId])
    })
  }

  it.effect("the legacy _datadog object wins over keys directly in custom", () =>
    Effect.gen(function*() {
      const extractor = yield* Driver.make(Definitions.lambdaContext)
      const context = fixture("lambda-context-legacy.json") as { clientContext: { custom: Record<string, unknown> } }
      context.clientContext.custom["x-datadog-trace-id"] = "1"
      context.clientContext.custom["x-datadog-parent-id"] = "2"
      const extracted = yield* extractor.extract({}, context)
      assert.strictEqual(Option.getOrThrow(extracted.context).traceId, "3398407946620713449")
    }).pipe(Effect.provide(NativePropagator.layer())))

  it.effect("no custom object, or no ids: none with a note; the guard needs a clientContext object", () =>
    Effect.gen(function*() {
      const extractor = yield* Driver.make(Definitions.lambdaContext)
      for (const custom of [undefined, null, "x", []]) {
        const extracted = yield* extractor.extract({}, { clientContext: { custom } })
        assert.deepStrictEqual(extracted.notes, ["no clientContext.custom object"])
      }
      const empty = yield* extractor.extract({}, { clientContext: { custom: { app: "x" } } })
      assert.deepStrictEqual(empty.notes, ["no trace context in clientContext.custom"])
      for (const context of [undefined, null, {}, { clientContext: null }, { clientContext: "x" }]) {
        assert.isFalse(extractor.accepts!({}, context))
      }
    }).pipe(Effect.provide(NativePropagator.layer())))

  it.effect("bounds the walk over a huge custom object: only the first 256 values are read", () =>
    Effect.gen(function*() {
      const extractor = yield* Driver.make(Definitions.lambdaContext)
      const custom = watchValues(200_000, { prefix: "k" })
      custom.object["x-datadog-trace-id"] = "1"
      custom.object["x-datadog-parent-id"] = "2"
      const extracted = yield* extractor.extract({}, { clientContext: { custom: custom.object } })
      assert.isAtMost(custom.stats.reads, caps.carrierKeys, "values past the key cap are not read")
      assert.isTrue(Option.isNone(extracted.context))
    }).pipe(Effect.provide(NativePropagator.layer())))

  propertySuite(Driver.make(Definitions.lambdaContext), rows.map((row) => row.file), {
    asLambdaContext: true,
    numRuns: 150
  })
})
