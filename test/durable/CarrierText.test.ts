import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as CarrierText from "../../src/internal/propagation/carrierText.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as Propagator from "../../src/services/Propagator.js"
import * as Fixtures from "../support/fixtures.js"
import { triggerSection } from "../support/trigger-section.js"

const texts = Fixtures.jsonFiles(Fixtures.fixturesDir("triggers")).map((name) => ({
  name,
  text: JSON.stringify(Fixtures.fixture("triggers", name))
}))

/** A propagator that finds a context in any carrier: the screen must hold whatever the propagator reads. */
const permissive = Propagator.layerTest(TraceContext.make({ traceId: "1", parentId: "2", source: "custom" }))

/** The built-in trigger extractors as one chain, over a propagator. */
const triggerChain = (propagator: Layer.Layer<Propagator.Propagator>) =>
  Effect.runSync(
    ExtractorChain.ExtractorChain.pipe(Effect.provide(triggerSection(propagator)))
  )

const chains = [triggerChain(NativePropagator.layer()), triggerChain(permissive)]

/** What any built-in trigger extractor finds in `event`, over either propagator. */
const findsContext = (event: unknown): boolean =>
  chains.some((chain) => Option.isSome(Effect.runSync(chain.extract(event, {})).context))

/** The text guard of every built-in trigger. */
const screened = (text: string): boolean => !CarrierText.mayHoldContext(text)

/** `text` with every marker the screen looks for replaced by letters of the same length. */
const withoutMarkers = (text: string): string =>
  text.replace(
    /datadog|traceparent|b3|headers|awstraceheader|enteredtime|\\u/gi,
    (found) => "q".repeat(found.length)
  )

describe("CarrierText", () => {
  it("passes every captured trigger event in which an extractor finds a context", () => {
    for (const { name, text } of texts) {
      if (findsContext(JSON.parse(text))) assert.isFalse(screened(text), name)
    }
  })

  it("the captured events with their carrier names removed: screened out, and no extractor finds a context", () => {
    let checked = 0
    for (const { name, text } of texts) {
      if (/kinesis/i.test(text)) continue // Kinesis data is base64: any Kinesis text passes the screen.
      const renamed = withoutMarkers(text)
      assert.isTrue(screened(renamed), name)
      assert.isFalse(findsContext(JSON.parse(renamed)), name)
      checked++
    }
    assert.isAbove(checked, 40)
  })

  it("property: a screened-out JSON value gives no extractor a context", () => {
    const fixtureValue = fc.constantFrom(...texts.map(({ text }) => JSON.parse(withoutMarkers(text)) as unknown))
    const event = fc.oneof(
      fc.jsonValue(),
      fixtureValue,
      fc.tuple(fixtureValue, fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 })).map(([value, extra]) =>
        typeof value === "object" && value !== null ? { ...extra, ...value } : value
      )
    )
    fc.assert(
      fc.property(event, (value) => {
        if (screened(JSON.stringify(value))) assert.isFalse(findsContext(value))
      }),
      { numRuns: 500 }
    )
  })

  it("names written with escapes, any case and Kinesis records pass", () => {
    assert.isTrue(CarrierText.mayHoldContext(JSON.stringify({ "X-DATADOG-TRACE-ID": "1" })))
    assert.isTrue(CarrierText.mayHoldContext(String.raw`{"\u005fdatadog":{}}`))
    assert.isTrue(CarrierText.mayHoldContext(JSON.stringify({ Records: [{ kinesis: { data: "e30=" } }] })))
    assert.isFalse(CarrierText.mayHoldContext(JSON.stringify({ orderId: "order-4711", items: 3 })))
  })
})
