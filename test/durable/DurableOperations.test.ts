import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as DurableOperations from "../../src/internal/durable/durableOperations.js"
import type { Result } from "../../src/internal/result.js"

const getOrThrow = <A, E>(result: Result<A, E>): A => {
  if (result._tag === "Err") throw new Error(`expected Ok, got Err: ${JSON.stringify(result.error)}`)
  return result.value
}

const ARN = "arn:aws:lambda:us-east-2:123456789012:function:demo:1/durable-execution/demo/exec-id"

describe("DurableOperations", () => {
  it("detects durable events by a string DurableExecutionArn only", () => {
    assert.isTrue(DurableOperations.isDurableEvent({ DurableExecutionArn: "x" }))
    for (const event of [null, undefined, "x", [], {}, { DurableExecutionArn: 123 }, { DurableExecutionArn: null }]) {
      assert.isFalse(DurableOperations.isDurableEvent(event))
    }
  })

  it("reads the outer shape; list form is not copied", () => {
    const operations = [{ Type: "EXECUTION" }]
    const envelope = getOrThrow(DurableOperations.readEnvelope({
      DurableExecutionArn: ARN,
      CheckpointToken: "t",
      InitialExecutionState: { Operations: operations, NextMarker: "m" }
    }))
    assert.strictEqual(envelope.operations, operations)
    assert.strictEqual(envelope.nextMarker, "m")
    assert.strictEqual(envelope.checkpointToken, "t")
  })

  it("treats absent Operations as none and empty/absent/null NextMarker as the last page", () => {
    for (const NextMarker of [undefined, null, ""]) {
      const envelope = getOrThrow(
        DurableOperations.readEnvelope({ DurableExecutionArn: ARN, InitialExecutionState: { NextMarker } })
      )
      assert.deepStrictEqual(envelope.operations, [])
      assert.isUndefined(envelope.nextMarker)
      assert.deepStrictEqual(envelope.notes, [])
    }
  })

  it("ignores a non-string NextMarker with a note", () => {
    const envelope = getOrThrow(
      DurableOperations.readEnvelope({ DurableExecutionArn: ARN, InitialExecutionState: { NextMarker: 7 } })
    )
    assert.isUndefined(envelope.nextMarker)
    assert.deepStrictEqual(envelope.notes, ["NextMarker ignored: it is a number"])
  })

  it("fails on a missing or non-object InitialExecutionState and non-collection Operations", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [undefined, "InitialExecutionState is missing"],
      [null, "InitialExecutionState is null, expected an object"],
      [[], "InitialExecutionState is a list, expected an object"],
      ["s", "InitialExecutionState is a string, expected an object"],
      [{ Operations: 7 }, "InitialExecutionState.Operations is a number, expected a list or a map"],
      [{ Operations: null }, "InitialExecutionState.Operations is null, expected a list or a map"],
      [{ Operations: "[]" }, "InitialExecutionState.Operations is a string, expected a list or a map"]
    ]
    for (const [state, detail] of cases) {
      const read = DurableOperations.readEnvelope({ DurableExecutionArn: ARN, InitialExecutionState: state })
      assert.deepStrictEqual(read._tag === "Err" ? read.error : undefined, { reason: "MalformedEvent", detail })
    }
  })

  it("bounds the number of operations", () => {
    const huge = { length: DurableOperations.limits.maxOperations + 1 }
    const read = DurableOperations.operationList(Object.assign(Array.from(huge), {}))
    assert.strictEqual(read._tag === "Err" && read.error.reason, "LimitExceeded")
  })

  it("scans once: EXECUTION by Type (not position), candidates, malformed entries, replay", () => {
    const ops: ReadonlyArray<unknown> = [
      { Name: "_datadog_1", Type: "STEP" },
      { Type: "EXECUTION", Id: "e" },
      { Name: "_datadog_03", Type: "STEP" },
      7,
      { Name: "_datadog_2" },
      { Name: "_datadog_2", Id: "second" }
    ]
    const scan = DurableOperations.scan(ops)
    assert.strictEqual(scan.execution, ops[1])
    assert.strictEqual(scan.malformedIndex, 3)
    assert.isTrue(scan.hasNonExecution)
    assert.deepStrictEqual(DurableOperations.byNewest(scan.candidates).map((c) => [c.n, c.index]), [[2, 4], [2, 5], [
      1,
      0
    ]])
  })

  it("newest is the first of byNewest, in one pass (property)", () => {
    const candidates = fc.uniqueArray(fc.nat({ max: 50 }), { maxLength: 12 }).chain((indices) =>
      fc.tuple(...indices.map((index) => fc.record({ n: fc.nat({ max: 4 }), index: fc.constant(index) })))
    )
    fc.assert(fc.property(candidates, (picked) => {
      const list = picked.map((candidate) => ({ ...candidate, operation: {} }))
      assert.strictEqual(DurableOperations.newest(list), DurableOperations.byNewest(list)[0])
    }))
  })

  it("falls back to the operation whose Id is the ARN's execution id", () => {
    const ops: ReadonlyArray<unknown> = [{ Name: "x", Type: "STEP", Id: "a" }, { Id: "exec-id" }]
    assert.strictEqual(DurableOperations.scan(ops, { executionId: "exec-id" }).execution, ops[1])
    assert.strictEqual(DurableOperations.findExecution(ops, "exec-id"), ops[1])
    assert.isUndefined(DurableOperations.findExecution(ops))
  })
  it("the names-only scan and the malformed check agree with the full scan", () => {
    const name = fc.oneof(fc.constant("_datadog_1"), fc.constant("_datadog_12"), fc.constant("_datadog_x"), fc.string())
    const operation = fc.oneof(
      fc.record({ Name: fc.oneof(name, fc.integer(), fc.constant(null)), Type: fc.string() }, { requiredKeys: [] }),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.integer(),
      fc.string()
    )
    fc.assert(fc.property(fc.array(operation, { maxLength: 30 }), fc.nat(100), (ops, offset) => {
      const full = DurableOperations.scan(ops, { offset })
      const names = DurableOperations.scanCheckpoints(ops, offset)
      assert.strictEqual(names.count, full.count)
      assert.strictEqual(names.malformedIndex, full.malformedIndex)
      assert.deepStrictEqual(names.candidates, full.candidates)
      assert.strictEqual(DurableOperations.firstMalformed(ops), DurableOperations.scan(ops).malformedIndex)
    }))
  })
})
