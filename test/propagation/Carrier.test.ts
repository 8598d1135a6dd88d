import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Carrier from "../../src/internal/propagation/carrier.js"

describe("Carrier.normalize", () => {
  it("lower-cases keys, keeps the first spelling, takes the first value of arrays and stringifies numbers", () => {
    const input = {
      "X-Datadog-Trace-Id": "1",
      "x-datadog-trace-id": "2",
      "X-Datadog-Parent-Id": ["3", "4"],
      "x-datadog-sampling-priority": 1,
      "flag": true,
      "nested": { a: 1 }
    }
    const before = JSON.stringify(input)
    assert.deepStrictEqual(Carrier.normalize(input), {
      "x-datadog-trace-id": "1",
      "x-datadog-parent-id": "3",
      "x-datadog-sampling-priority": "1"
    })
    assert.strictEqual(JSON.stringify(input), before)
  })

  it("drops integers that JSON.parse could not hold exactly, rather than turning them into wrong ids", () => {
    const input = JSON.parse(`{"x-datadog-trace-id":12345678901234567890,"x-datadog-parent-id":9007199254740991}`)
    assert.deepStrictEqual(Carrier.normalize(input), { "x-datadog-parent-id": "9007199254740991" })
    assert.deepStrictEqual(Carrier.normalize({ "x-datadog-sampling-priority": 1.5, big: 2 ** 53 }), {
      "x-datadog-sampling-priority": "1.5"
    })
  })

  it("drops prototype-polluting keys", () => {
    const input = JSON.parse(`{"__proto__":{"polluted":"yes"},"Constructor":"x","traceparent":"t"}`)
    const out = Carrier.normalize(input)!
    assert.deepStrictEqual(Object.keys(out), ["traceparent"])
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined)
    assert.strictEqual(Object.getPrototypeOf(out), Object.prototype)
  })

  it("caps keys and value length", () => {
    const many: Record<string, string> = {}
    for (let i = 0; i < 10_000; i++) many[`k${i}`] = "v"
    assert.strictEqual(Object.keys(Carrier.normalize(many)!).length, Carrier.limits.maxKeys)
    assert.strictEqual(Carrier.normalize({ a: "x".repeat(Carrier.limits.maxValueLength + 1) }), undefined)
  })

  it("returns undefined for non-objects and empty carriers", () => {
    for (const input of [null, undefined, 1, "s", [], [{ a: "b" }], {}, { a: {} }]) {
      assert.strictEqual(Carrier.normalize(input), undefined)
    }
  })

  it("never throws and only yields string values (property)", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const out = Carrier.normalize(value)
      if (out === undefined) return true
      return Object.entries(out).every(([key, v]) => key === key.toLowerCase() && typeof v === "string")
    }))
  })
})
