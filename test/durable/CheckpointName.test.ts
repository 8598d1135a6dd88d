import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"

describe("CheckpointName", () => {
  it("parses canonical decimal suffixes", () => {
    assert.strictEqual(CheckpointName.parse("_datadog_0"), 0)
    assert.strictEqual(CheckpointName.parse("_datadog_7"), 7)
    assert.strictEqual(CheckpointName.parse("_datadog_12"), 12)
    assert.strictEqual(CheckpointName.parse("_datadog_9007199254740991"), Number.MAX_SAFE_INTEGER)
  })

  it("rejects the forms Python int() would accept (E5) and garbage (E4, E6, E8)", () => {
    for (
      const name of [
        "_datadog_",
        "_datadog_abc",
        "_datadog_1.5",
        "_datadog_0x1",
        "_datadog_+3",
        "_datadog_ 3",
        "_datadog_03",
        "_datadog_1_0",
        "_datadog_-1",
        "_datadog_-0",
        "_datadog_٣",
        "_datadog_５",
        "_datadog_3 ",
        "_DATADOG_1",
        "datadog_1",
        "_datadog_9007199254740992",
        "_datadog_99999999999999999999"
      ]
    ) {
      assert.isUndefined(CheckpointName.parse(name), name)
    }
    for (const name of [undefined, null, 1, {}, ["_datadog_1"]]) assert.isUndefined(CheckpointName.parse(name))
  })

  it("format and parse round-trip", () =>
    fc.assert(fc.property(fc.maxSafeNat(), (n) => {
      assert.strictEqual(CheckpointName.parse(CheckpointName.format(n)), n)
    })))

  it("format rejects negative and fractional numbers", () => {
    assert.throws(() => CheckpointName.format(-1))
    assert.throws(() => CheckpointName.format(1.5))
  })

  it("never throws on arbitrary input", () =>
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string().map((s) => "_datadog_" + s), fc.anything()), (x) => {
      const n = CheckpointName.parse(x)
      assert.isTrue(n === undefined || (Number.isSafeInteger(n) && CheckpointName.format(n) === x))
    })))
})
