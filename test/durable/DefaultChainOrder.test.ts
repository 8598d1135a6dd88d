// E15 and E18 of the reference: where the durable extractors sit in the default chain.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as CustomExtractor from "../../src/services/CustomExtractor.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { checkpoint, envelope, execution, headers } from "../support/durable/events.js"

const chain = (custom?: Parameters<typeof CustomExtractor.layerFunction>[0]) =>
  (custom === undefined
    ? DefaultChain.layer
    : DefaultChain.layer.pipe(Layer.provide(CustomExtractor.layerFunction(custom))))
    .pipe(Layer.provide(NativePropagator.layer()))

const sourceAndTrace = (event: unknown, custom?: Parameters<typeof CustomExtractor.layerFunction>[0]) =>
  ExtractorChain.extract(event, {}).pipe(
    Effect.map((result) => Option.map(result.context, (c) => [c.source, c.traceId] as const)),
    Effect.provide(chain(custom))
  )

const withCheckpoint = {
  ...envelope([execution({ headers: headers("20", "21") }), checkpoint(0, headers("10", "11"))]),
  headers: headers("30", "31")
}

describe("durable extractors in the default chain", () => {
  it.effect("E15: a checkpoint wins over top-level headers (durable runs before the triggers)", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* sourceAndTrace(withCheckpoint), Option.some(["durable-checkpoint", "10"] as const))
    }))

  it.effect("E15: without a checkpoint, the original event's headers win over top-level headers", () =>
    Effect.gen(function*() {
      const event = { ...envelope([execution({ headers: headers("20", "21") })]), headers: headers("30", "31") }
      assert.deepStrictEqual(yield* sourceAndTrace(event), Option.some(["durable-input", "20"] as const))
    }))

  it.effect("E18: a custom extractor that finds a context wins; durable is not consulted", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(
        yield* sourceAndTrace(withCheckpoint, () => ({ traceId: "40", parentId: "41" })),
        Option.some(["custom", "40"] as const)
      )
    }))

  it.effect("E18: a custom extractor that finds nothing lets the durable extractors run", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(
        yield* sourceAndTrace(withCheckpoint, () => null),
        Option.some(["durable-checkpoint", "10"] as const)
      )
    }))
})
