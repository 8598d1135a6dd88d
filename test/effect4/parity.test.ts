// The Effect 4 line against the Effect 3 line, on the same corpus: every captured trigger event and example event,
// mutated copies of them, and arbitrary JSON. Both lines share the extraction logic; what each builds from it (the
// chain's result: context, links, attempts) must be the same data, whatever the input.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "fast-check"
import * as path from "node:path"
import * as V4 from "../../src/effect4/index.js"
import * as V3 from "../../src/index.js"
import * as Fixtures from "../support/fixtures.js"
import { mutationsOf } from "../support/mutations.js"
// The Effect 3 line runs on its own runtime: its effects are not Effect 4 values.
import * as Effect3 from "../support/effect3.js"

const v3Runtime = Effect3.ManagedRuntime.make(V3.DefaultChain.layerNative)

const lambdaContext = {
  awsRequestId: "req",
  functionName: "fn",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:1:function:fn"
}

const v3Result = (event: unknown) =>
  V3.ExtractionResult.encode(v3Runtime.runSync(V3.ExtractorChain.extract(event, lambdaContext)))

const v4Result = (event: unknown) =>
  Effect.map(
    Effect.provide(V4.ExtractorChain.extract(event, lambdaContext), V4.DefaultChain.layerNative),
    V4.ExtractionResult.encode
  )

const triggerEvents = Fixtures.jsonFiles(Fixtures.fixturesDir("triggers")).map((name) =>
  [name, Fixtures.readJson(path.join(Fixtures.fixturesDir("triggers"), name))] as const
)
const exampleEvents = Fixtures.jsonFiles(Fixtures.examplesDir).map((name) =>
  [name, Fixtures.readJson(path.join(Fixtures.examplesDir, name))] as const
)

describe("Effect 4 line: parity with the Effect 3 line", () => {
  it.effect.each([...triggerEvents, ...exampleEvents])("%s", ([, event]) =>
    Effect.gen(function*() {
      const expected = v3Result(event)
      const actual = yield* v4Result(event)
      assert.deepStrictEqual(actual, expected)
    }))

  it.effect("agrees on mutated real events", () =>
    Effect.sync(() =>
      fc.assert(
        fc.property(fc.constantFrom(...triggerEvents.map(([, event]) => event)).chain(mutationsOf), (event) => {
          assert.deepStrictEqual(Effect.runSync(v4Result(event)), v3Result(event))
        }),
        { numRuns: 300 }
      )
    ))

  it.effect("agrees on arbitrary JSON", () =>
    Effect.sync(() =>
      fc.assert(
        fc.property(fc.jsonValue(), (event) => {
          assert.deepStrictEqual(Effect.runSync(v4Result(event)), v3Result(event))
        }),
        { numRuns: 300 }
      )
    ))
})
