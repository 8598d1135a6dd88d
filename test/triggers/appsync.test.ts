import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { fixture, idsOf, propagators, propertySuite, reference, run } from "./http-support.js"
import { caps, overNative, watchValues } from "./support.js"

// The fixture's request.headers carry these Datadog headers.
const expected = {
  traceId: "2906431215632425476",
  parentId: "6411276470186138361",
  samplingPriority: 1,
  traceIdHigh: "6734e7c300000000"
}

describe("AppSyncExtractor", () => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    it.effect(`appsync.json over the ${propagatorName} propagator, without touching the event`, () =>
      Effect.gen(function*() {
        const extractor = yield* Driver.make(Definitions.appSync)
        const { accepted, result, unchanged } = yield* run(extractor, fixture("appsync.json"))
        assert.isTrue(accepted)
        assert.isTrue(unchanged)
        const context = Option.getOrThrow(Either.getOrThrow(result).context)
        assert.deepStrictEqual(idsOf(context), expected)
        assert.strictEqual(context.source, "appsync")
      }).pipe(Effect.provide(propagatorLayer)))
  }

  it("datadog-lambda-js finds the same ids, but mutates the event (copies request.headers to event.headers)", () => {
    const event = fixture("appsync.json") as Record<string, unknown>
    const ids = reference.appSync(event)
    assert.deepStrictEqual([ids?.traceId, ids?.parentId], [expected.traceId, expected.parentId])
    // The reference helper runs on a copy; show the mutation on another copy.
    const copy = structuredClone(event) as { headers?: unknown; request: { headers: unknown } }
    reference.appSyncMutating(copy)
    assert.strictEqual(copy.headers, copy.request.headers)
  })

  it.effect("no request.headers object: none, with a note", () =>
    Effect.gen(function*() {
      const extractor = yield* Driver.make(Definitions.appSync)
      const event = fixture("appsync.json") as { request: Record<string, unknown> }
      for (const headers of [undefined, null, "x", ["a"]]) {
        event.request["headers"] = headers
        const extracted = yield* extractor.extract(event, undefined)
        assert.isTrue(Option.isNone(extracted.context))
        assert.deepStrictEqual(extracted.notes, ["no request.headers object"])
      }
    }).pipe(Effect.provide(NativePropagator.layer())))

  it("the guard needs info.selectionSetGraphQL; the HTTP guard does not take AppSync events", () => {
    const extractor = overNative(Driver.make(Definitions.appSync))
    const guard = (event: unknown) => extractor.accepts!(event, undefined)
    assert.isTrue(guard(fixture("appsync.json")))
    for (const event of [null, {}, { info: {} }, { info: null }, { info: "x" }, { request: { headers: {} } }]) {
      assert.isFalse(guard(event))
    }
    assert.isFalse(Definitions.http().accepts!(fixture("appsync.json"), undefined))
  })

  it.effect("bounds the header walk on a huge request.headers: only the first 256 values are read", () =>
    Effect.gen(function*() {
      const extractor = yield* Driver.make(Definitions.appSync)
      const event = fixture("appsync.json") as { request: { headers: Record<string, unknown> } }
      const headers = watchValues(200_000)
      Object.assign(headers.object, event.request.headers)
      event.request.headers = headers.object
      const extracted = yield* extractor.extract(event, undefined)
      assert.isAtMost(headers.stats.reads, caps.carrierKeys, "values past the key cap are not read")
      assert.isTrue(Option.isNone(extracted.context), "the context sits after the first 256 keys")
    }).pipe(Effect.provide(NativePropagator.layer())))

  propertySuite(Driver.make(Definitions.appSync), ["appsync.json"], { numRuns: 200 })
})
