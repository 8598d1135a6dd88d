import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import * as DurableEnvelope from "../../src/internal/durable/durableEnvelope.js"
import * as DurableOperations from "../../src/internal/durable/durableOperations.js"
import * as OperationFields from "../../src/internal/durable/operationFields.js"
import { readRuns, toWire } from "../support/durable/wire.js"

const decodeTimestamp = Schema.decodeUnknownEither(DurableEnvelope.Timestamp)
const ms = Date.UTC(2026, 0, 2, 12, 28, 54, 930)

describe("DurableEnvelope.Timestamp", () => {
  it("decodes epoch ms, ISO strings, the Python emulator's form and Dates to one Date", () => {
    for (
      const input of [ms, "2026-01-02T12:28:54.930Z", "2026-01-02 12:28:54.930000+00:00", new Date(ms)]
    ) {
      const decoded = decodeTimestamp(input)
      assert.isTrue(Either.isRight(decoded), String(input))
      assert.strictEqual(Either.getOrThrow(decoded).getTime(), ms)
    }
  })

  it("rejects numeric strings, invalid dates, non-finite numbers and other types", () => {
    for (
      const input of [
        "1767356934930",
        "5",
        "not a date",
        "2026-13-45T99:99:99Z",
        NaN,
        Infinity,
        9e15,
        new Date(NaN),
        null,
        true,
        {}
      ]
    ) {
      assert.isTrue(Either.isLeft(decodeTimestamp(input)), String(input))
    }
  })

  it("encodes to epoch ms (the service's wire form)", () => {
    assert.strictEqual(Schema.encodeSync(DurableEnvelope.Timestamp)(new Date(ms)), ms)
  })

  it("decodes any safe epoch-ms value and round-trips it", () =>
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (n) => {
      const date = Either.getOrThrow(decodeTimestamp(n))
      assert.strictEqual(Schema.encodeSync(DurableEnvelope.Timestamp)(date), n)
    })))
})

describe("DurableEnvelope.DurableOperation", () => {
  it("keeps the fields it knows, treats null as absent, keeps other details opaque", () => {
    const op = Either.getOrThrow(DurableEnvelope.decodeOperation({
      Id: "c4ca4238a0b92382",
      Name: "_datadog_0",
      Type: "STEP",
      SubType: "STEP",
      Status: "SUCCEEDED",
      ParentId: null,
      StartTimestamp: ms,
      EndTimestamp: "2026-01-02T12:28:54.930Z",
      StepDetails: { Attempt: 1, Result: "{\"a\":1}", NextAttemptTimestamp: new Date(ms) },
      CallbackDetails: { CallbackId: "x", anything: [1, 2] },
      Extra: "dropped"
    }))
    assert.strictEqual(op.Name, "_datadog_0")
    assert.isUndefined(op.ParentId)
    assert.strictEqual(op.StartTimestamp?.getTime(), ms)
    assert.strictEqual(op.EndTimestamp?.getTime(), ms)
    assert.strictEqual(op.StepDetails?.Result, "{\"a\":1}")
    assert.strictEqual(op.StepDetails?.NextAttemptTimestamp?.getTime(), ms)
    assert.deepStrictEqual(op.CallbackDetails, { CallbackId: "x", anything: [1, 2] })
    assert.isFalse("Extra" in op)
  })

  it("reports invalid fields by path, without their values", () => {
    const decoded = DurableEnvelope.decodeOperation({
      Name: 7,
      StartTimestamp: "secret-value-1234",
      StepDetails: { Result: 42 }
    })
    assert.isTrue(Either.isLeft(decoded))
    const text = OperationFields.invalidFields(Either.getLeft(decoded).pipe(Option.getOrThrow))
    assert.include(text, "Name")
    assert.notInclude(text, "secret-value")
    assert.notInclude(text, "42")
  })
})

describe("DurableEnvelope.DurableEnvelope", () => {
  it("decodes every captured envelope, in both the runner's ISO form and the wire form", () => {
    let checked = 0
    for (const file of ["local-runner.json", "ddtrace-writer.json"]) {
      for (const run of readRuns(file)) {
        for (const invocation of run.invocations) {
          const wire = toWire(invocation.envelope, { functionName: "f", executionName: "e" })
          for (const input of [invocation.envelope, wire]) {
            const envelope = Either.getOrThrow(DurableEnvelope.decodeEnvelope(input))
            assert.strictEqual(
              envelope.InitialExecutionState.Operations.length,
              invocation.envelope.InitialExecutionState.Operations.length
            )
            assert.isTrue(Option.isNone(envelope.nextMarker))
            for (const op of envelope.InitialExecutionState.Operations) {
              assert.instanceOf(op.StartTimestamp, Date)
            }
            checked++
          }
          const execution = Either.getOrThrow(DurableEnvelope.decodeEnvelope(wire)).InitialExecutionState.Operations[0]!
          assert.strictEqual(execution.Type, "EXECUTION")
          assert.strictEqual(
            Option.getOrThrow(Either.getOrThrow(DurableEnvelope.decodeEnvelope(wire)).arn).executionId,
            execution.Id
          )
        }
      }
    }
    assert.isAtLeast(checked, 20)
  })

  it("normalises the map form to a list and reads NextMarker", () => {
    const envelope = Either.getOrThrow(DurableEnvelope.decodeEnvelope({
      DurableExecutionArn: "arn:aws:lambda:us-east-2:123456789012:function:demo:1/durable-execution/demo/abc",
      CheckpointToken: "token",
      InitialExecutionState: {
        Operations: { "0": { Type: "EXECUTION" }, "1": { Name: "_datadog_0" }, "2": { Name: "_datadog_1" } },
        NextMarker: "page-2"
      }
    }))
    assert.deepStrictEqual(envelope.InitialExecutionState.Operations.map((op) => op.Name ?? op.Type), [
      "EXECUTION",
      "_datadog_0",
      "_datadog_1"
    ])
    assert.deepStrictEqual(envelope.nextMarker, Option.some("page-2"))
    assert.deepStrictEqual(Option.getOrThrow(envelope.arn), { executionName: "demo", executionId: "abc" })
  })

  it("rejects malformed envelopes with a typed error", () => {
    for (
      const input of [
        { DurableExecutionArn: "a", InitialExecutionState: null },
        { DurableExecutionArn: "a", InitialExecutionState: { Operations: 7 } },
        { DurableExecutionArn: "a", InitialExecutionState: { Operations: [7] } },
        { DurableExecutionArn: 1, InitialExecutionState: {} }
      ]
    ) assert.isTrue(Either.isLeft(DurableEnvelope.decodeEnvelope(input)))
  })
})

describe("OperationFields: the extractors' view of an operation", () => {
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.string(),
    fc.constant("STEP"),
    fc.integer(),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    fc.array(fc.string(), { maxLength: 2 })
  )
  const operation = fc.record({
    Name: value,
    Id: value,
    Type: value,
    Status: value,
    Payload: value,
    StepDetails: fc.oneof(value, fc.record({ Result: value }, { requiredKeys: [] })),
    ExecutionDetails: fc.oneof(value, fc.record({ InputPayload: value }, { requiredKeys: [] }))
  }, { requiredKeys: [] })

  it("readOperation accepts, rejects and reads what the Schema view does", () => {
    fc.assert(
      fc.property(fc.oneof(operation, value), (input) => {
        const decoded = OperationFields.decodeView(input)
        const read = OperationFields.readOperation(input)
        assert.strictEqual(Either.isLeft(read), Either.isLeft(decoded))
        if (Either.isLeft(decoded) && Either.isLeft(read)) {
          assert.strictEqual(OperationFields.invalidFields(read.left), OperationFields.invalidFields(decoded.left))
        }
        if (Either.isRight(decoded) && Either.isRight(read)) {
          assert.strictEqual(read.right.Type, decoded.right.Type)
          assert.strictEqual(read.right.Status, decoded.right.Status)
          assert.deepStrictEqual(read.right.payload, decoded.right.Payload ?? decoded.right.StepDetails?.Result)
          assert.strictEqual(read.right.inputPayload, decoded.right.ExecutionDetails?.InputPayload)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it("the Effect-free decodeFields (the Effect 4 line's) accepts, rejects and words what the Schema view does", () => {
    fc.assert(
      fc.property(fc.oneof(operation, value, fc.jsonValue()), (input) => {
        assert.deepStrictEqual(DurableOperations.decodeFields(input), OperationFields.decodeFields(input))
      }),
      { numRuns: 2000 }
    )
  })

  it("reads every operation the full model decodes, with the model's values", () => {
    fc.assert(
      fc.property(fc.oneof(operation, value), (input) => {
        const full = DurableEnvelope.decodeOperation(input)
        if (Either.isLeft(full)) return
        const read = OperationFields.readOperation(input)
        assert.isTrue(Either.isRight(read))
        if (Either.isRight(read)) {
          assert.strictEqual(read.right.Type, full.right.Type)
          assert.strictEqual(read.right.Status, full.right.Status)
          assert.deepStrictEqual(read.right.payload, full.right.Payload ?? full.right.StepDetails?.Result)
          assert.strictEqual(read.right.inputPayload, full.right.ExecutionDetails?.InputPayload)
        }
      }),
      { numRuns: 2000 }
    )
  })
})
