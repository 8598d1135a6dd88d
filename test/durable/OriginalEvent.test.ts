// The durable input payload, parsed once per invocation for the input extractor and the serverless view.
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as OriginalEvent from "../../src/internal/durable/originalEvent.js"
import { ReleasableInvocation } from "../../src/internal/invocation.js"
import { Invocation } from "../../src/services/TraceExtractor.js"

describe("OriginalEvent.parse", () => {
  it("gives the same parse to every read of the same payload in one invocation, a fresh one in another", () => {
    const payload = JSON.stringify({ headers: { "x-datadog-trace-id": "1" } })
    const invocation = new Invocation()
    const first = OriginalEvent.parse(payload, invocation)
    assert.strictEqual(first._tag, "Event")
    assert.strictEqual(OriginalEvent.parse(payload, invocation), first)
    // The same text in another string (as read from another copy of the event).
    assert.strictEqual(OriginalEvent.parse([...payload].join(""), invocation), first)
    assert.notStrictEqual(OriginalEvent.parse(payload, new Invocation()), first)
    assert.notStrictEqual(OriginalEvent.parse(payload, undefined), first)
  })

  it("parses again once a releasable invocation let its work go", () => {
    const payload = "{\"a\":1}"
    const invocation = new ReleasableInvocation()
    const first = OriginalEvent.parse(payload, invocation)
    assert.strictEqual(OriginalEvent.parse(payload, invocation), first)
    invocation.release()
    const again = OriginalEvent.parse(payload, invocation)
    assert.notStrictEqual(again, first)
    assert.deepStrictEqual(again, first)
  })

  it("parses another payload in the same invocation on its own", () => {
    const invocation = new Invocation()
    OriginalEvent.parse("{\"a\":1}", invocation)
    const other = OriginalEvent.parse("{\"b\":2}", invocation)
    assert.deepStrictEqual(other, { _tag: "Event", event: { b: 2 } })
  })

  it("tells text that is not JSON from JSON that is not an object", () => {
    assert.strictEqual(OriginalEvent.parse("{", undefined)._tag, "NotJson")
    assert.strictEqual(OriginalEvent.parse("", undefined)._tag, "NotJson")
    for (const payload of ["[1]", "\"text\"", "42", "null", "true"]) {
      assert.strictEqual(OriginalEvent.parse(payload, new Invocation())._tag, "NotObject", payload)
    }
  })

  it("gives an event exactly for the text of a JSON object, whatever the value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, shared) => {
        const text = JSON.stringify(value)
        const parsed = OriginalEvent.parse(text, shared ? new Invocation() : undefined)
        const isObject = typeof value === "object" && value !== null && !Array.isArray(value)
        assert.strictEqual(parsed._tag, isObject ? "Event" : "NotObject")
        if (parsed._tag === "Event") assert.deepStrictEqual(parsed.event, JSON.parse(text))
      })
    )
  })
})
