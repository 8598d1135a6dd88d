import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Crypto from "node:crypto"
import * as CheckpointPayload from "../../src/internal/durable/checkpointPayload.js"
import * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"

const ARN = "arn:aws:lambda:us-east-2:123456789012:function:demo:1/durable-execution/demo/abc"

const step = (name: string, result: unknown) => ({
  Id: Crypto.randomUUID(),
  Type: "STEP",
  SubType: "STEP",
  Status: "SUCCEEDED",
  Name: name,
  StepDetails: { Attempt: 1, Result: typeof result === "string" ? result : JSON.stringify(result) }
})

const headers = (fields: Record<string, string>): CheckpointPayload.Headers => fields

const write = (plan: CheckpointPlan.Plan): CheckpointPlan.Write => {
  assert.strictEqual(plan._tag, "Write")
  return plan as CheckpointPlan.Write
}

describe("CheckpointPayload", () => {
  it("ignores only the parent id when comparing (dd-trace-py: diff ignores parent only)", () => {
    const base = { "x-datadog-trace-id": "1", "x-datadog-parent-id": "43690", "x-datadog-sampling-priority": "1" }
    const moved = { ...base, "x-datadog-parent-id": "48059" }
    const resampled = { ...base, "x-datadog-sampling-priority": "2" }
    assert.isTrue(CheckpointPayload.equalIgnoringParent(base, moved))
    assert.isFalse(CheckpointPayload.equalIgnoringParent(base, resampled))
  })

  it("counts added, removed and retyped keys as changes, in both directions", () => {
    const base = { "x-datadog-trace-id": "1", "x-datadog-parent-id": "2" }
    const withTags = { ...base, "x-datadog-tags": "_dd.p.dm=-0" }
    assert.isFalse(CheckpointPayload.equalIgnoringParent(base, withTags))
    assert.isFalse(CheckpointPayload.equalIgnoringParent(withTags, base))
    assert.isFalse(CheckpointPayload.equalIgnoringParent(base, { ...base, "x-datadog-trace-id": 1 }))
    assert.isTrue(CheckpointPayload.equalIgnoringParent({ "x-datadog-trace-id": "1" }, base))
  })

  it("matches the parent-id key case-insensitively", () => {
    const upper = { "x-datadog-trace-id": "1", "X-Datadog-Parent-Id": "7" }
    assert.strictEqual(CheckpointPayload.parentId(upper), "7")
    assert.isTrue(CheckpointPayload.equalIgnoringParent(upper, { "x-datadog-trace-id": "1" }))
  })

  it("keeps the parent id's position when replacing it", () => {
    const replaced = CheckpointPayload.withParentId(
      headers({ "x-datadog-trace-id": "1", "x-datadog-parent-id": "2", "x-datadog-sampling-priority": "1" }),
      "9"
    )
    assert.strictEqual(
      CheckpointPayload.encode(replaced),
      `{"x-datadog-trace-id":"1","x-datadog-parent-id":"9","x-datadog-sampling-priority":"1"}`
    )
  })

  it("decodes JSON-string and object payloads, and nothing else", () => {
    assert.deepStrictEqual(CheckpointPayload.decode(`{"a":"b"}`), { a: "b" })
    assert.deepStrictEqual(CheckpointPayload.decode({ a: "b" }), { a: "b" })
    for (
      const bad of [
        `[1]`,
        `"x"`,
        `1`,
        `not json`,
        "",
        null,
        1,
        ["a"],
        "x".repeat(CheckpointPayload.MAX_PAYLOAD_LENGTH + 1)
      ]
    ) {
      assert.isUndefined(CheckpointPayload.decode(bad))
    }
  })
})

describe("CheckpointPlan", () => {
  it("anchors the first checkpoint to the current span and numbers it 0", () => {
    const plan = write(CheckpointPlan.plan([{ Type: "EXECUTION" }], {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "1311693406324658740",
      "x-datadog-sampling-priority": "1"
    }))
    assert.strictEqual(plan.name, "_datadog_0")
    assert.strictEqual(plan.anchor, "current")
    assert.strictEqual(
      plan.payload,
      `{"x-datadog-trace-id":"111","x-datadog-parent-id":"1311693406324658740","x-datadog-sampling-priority":"1"}`
    )
  })

  it("reuses the prior checkpoint's parent id when the context changed (replay reuses prior parent)", () => {
    const prior = step("_datadog_0", {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "5555555555555555",
      "x-datadog-sampling-priority": "1"
    })
    const plan = write(CheckpointPlan.plan([prior], {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "777",
      "x-datadog-sampling-priority": "2"
    }))
    assert.strictEqual(plan.name, "_datadog_1")
    assert.strictEqual(plan.anchor, "prior")
    assert.strictEqual(plan.headers["x-datadog-parent-id"], "5555555555555555")
  })

  it("skips when only the parent id changed", () => {
    const prior = step("_datadog_0", {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "1",
      "x-datadog-sampling-priority": "1"
    })
    const plan = CheckpointPlan.plan([prior], {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "2",
      "x-datadog-sampling-priority": "1"
    })
    assert.deepStrictEqual(plan, { _tag: "Skip", reason: "Unchanged" })
  })

  it("resumes numbering past the highest existing checkpoint", () => {
    const current = { "x-datadog-trace-id": "9", "x-datadog-parent-id": "9" }
    const ops = [
      step("_datadog_3", { "x-datadog-trace-id": "1", "x-datadog-parent-id": "3" }),
      step("_datadog_1", { "x-datadog-trace-id": "1", "x-datadog-parent-id": "1" }),
      step("my_step", "42")
    ]
    const plan = write(CheckpointPlan.plan(ops, current))
    assert.strictEqual(plan.name, "_datadog_4")
    assert.strictEqual(plan.headers["x-datadog-parent-id"], "3")
  })

  it("reads the first of equally numbered checkpoints, like the readers", () => {
    const ops = [
      step("_datadog_5", { "x-datadog-trace-id": "1", "x-datadog-parent-id": "11" }),
      step("_datadog_5", { "x-datadog-trace-id": "2", "x-datadog-parent-id": "22" })
    ]
    const scan = CheckpointPlan.scan(ops)
    assert.strictEqual(scan.latest?.number, 5)
    assert.strictEqual(scan.anchor, "11")
    assert.deepStrictEqual(CheckpointPlan.plan(ops, { "x-datadog-trace-id": "1", "x-datadog-parent-id": "3" }), {
      _tag: "Skip",
      reason: "Unchanged"
    })
  })

  it("reads the payload from Payload first, then StepDetails.Result", () => {
    const op = {
      Name: "_datadog_0",
      Payload: `{"x-datadog-trace-id":"1","x-datadog-parent-id":"5"}`,
      StepDetails: { Result: `{"x-datadog-trace-id":"1","x-datadog-parent-id":"6"}` }
    }
    assert.strictEqual(CheckpointPlan.scan([op]).anchor, "5")
  })

  describe("a malformed prior parent id anchors to the current span", () => {
    const malformed: ReadonlyArray<[string, unknown]> = [
      ["missing", undefined],
      ["an object", { nested: "1" }],
      ["a list", ["1"]],
      ["a number", 123],
      ["empty", ""],
      ["not decimal", "abc"],
      ["zero", "0"]
    ]
    for (const [label, parent] of malformed) {
      it(label, () => {
        const payload: Record<string, unknown> = { "x-datadog-trace-id": "1", "x-datadog-sampling-priority": "1" }
        if (parent !== undefined) payload["x-datadog-parent-id"] = parent
        const plan = write(CheckpointPlan.plan([step("_datadog_0", payload)], {
          "x-datadog-trace-id": "1",
          "x-datadog-parent-id": "48879",
          "x-datadog-sampling-priority": "2"
        }))
        assert.strictEqual(plan.name, "_datadog_1")
        assert.strictEqual(plan.anchor, "current")
        assert.strictEqual(plan.headers["x-datadog-parent-id"], "48879")
      })
    }
  })

  it("writes above a malformed newest checkpoint, anchoring to the newest valid one", () => {
    const ops = [
      step("_datadog_0", { "x-datadog-trace-id": "1", "x-datadog-parent-id": "48059" }),
      step("_datadog_1", "{not json")
    ]
    const plan = write(CheckpointPlan.plan(ops, { "x-datadog-trace-id": "1", "x-datadog-parent-id": "3" }))
    assert.strictEqual(plan.name, "_datadog_2")
    assert.strictEqual(plan.headers["x-datadog-parent-id"], "48059")
  })

  it("shares one anchor across invocations (end to end: inv1 writes, inv2 changes the priority)", () => {
    const first = write(CheckpointPlan.plan([], {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "48059",
      "x-datadog-sampling-priority": "1"
    }))
    const stored = { Name: first.name, StepDetails: { Result: first.payload } }
    const second = write(CheckpointPlan.plan([stored], {
      "x-datadog-trace-id": "111",
      "x-datadog-parent-id": "99999",
      "x-datadog-sampling-priority": "2"
    }))
    assert.strictEqual(second.name, "_datadog_1")
    assert.strictEqual(first.headers["x-datadog-parent-id"], "48059")
    assert.strictEqual(second.headers["x-datadog-parent-id"], "48059")
  })

  it("skips headers without a trace id or parent id", () => {
    assert.deepStrictEqual(CheckpointPlan.plan([], { "x-datadog-trace-id": "1" }), {
      _tag: "Skip",
      reason: "NoContext"
    })
    assert.deepStrictEqual(CheckpointPlan.plan([], {}), { _tag: "Skip", reason: "NoContext" })
  })

  it("ignores non-canonical checkpoint names", () => {
    const ops = ["_datadog_01", "_datadog_+1", "_datadog_", "_DATADOG_1", "_datadog_1.0"].map((name) =>
      step(name, { "x-datadog-trace-id": "1", "x-datadog-parent-id": "2" })
    )
    assert.strictEqual(
      write(CheckpointPlan.plan(ops, { "x-datadog-trace-id": "1", "x-datadog-parent-id": "3" })).name,
      "_datadog_0"
    )
  })

  it("derives the wire id from dd-trace-js's BLAKE2b step id (spec vector)", () => {
    // dd-trace-js's step id for `_datadog_0` on this ARN (spec: aws-durable-events / durable-python-reference §7.8);
    // the SDK's checkpoint manager sends md5(stepId)[:16].
    const stepId = "b87624607030576656a000ada7838ce130ba224d74eea936b2749882af854b85"
    const expected = Crypto.createHash("md5").update(stepId).digest("hex").slice(0, 16)
    assert.strictEqual(CheckpointPlan.operationId("_datadog_0", ARN), expected)
    assert.notStrictEqual(CheckpointPlan.operationId("_datadog_1", ARN), expected)
    assert.notStrictEqual(CheckpointPlan.operationId("_datadog_0", ARN + "x"), expected)
  })

  it("builds a START + SUCCEED pair for one operation", () => {
    const plan = write(CheckpointPlan.plan([], { "x-datadog-trace-id": "1", "x-datadog-parent-id": "2" }))
    const [start, succeed] = CheckpointPlan.updates(plan, ARN)
    assert.deepStrictEqual(start, {
      Id: CheckpointPlan.operationId("_datadog_0", ARN),
      Type: "STEP",
      SubType: "STEP",
      Action: "START",
      Name: "_datadog_0"
    })
    assert.deepStrictEqual(succeed, { ...start, Action: "SUCCEED", Payload: plan.payload })
  })

  it("never throws and never mutates, on any operations (property)", () => {
    const operation = fc.oneof(
      fc.anything(),
      fc.record({
        Name: fc.oneof(fc.constantFrom("_datadog_0", "_datadog_1", "_datadog_7"), fc.string()),
        Payload: fc.oneof(fc.anything(), fc.json()),
        StepDetails: fc.oneof(fc.anything(), fc.record({ Result: fc.oneof(fc.json(), fc.anything()) }))
      }, { requiredKeys: [] })
    )
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 20 }), fc.dictionary(fc.string(), fc.string()), (ops, current) => {
        const before = JSON.stringify(ops)
        const plan = CheckpointPlan.plan(ops, current)
        assert.strictEqual(JSON.stringify(ops), before)
        if (plan._tag === "Write") {
          assert.deepStrictEqual(JSON.parse(plan.payload), plan.headers)
          assert.match(plan.name, /^_datadog_(0|[1-9][0-9]*)$/)
        }
      })
    )
  })
})
