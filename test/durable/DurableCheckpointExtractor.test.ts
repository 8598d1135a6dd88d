import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as DurableCheckpointExtractor from "../../src/internal/extractors/durableCheckpoint.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as Propagator from "../../src/services/Propagator.js"
import {
  checkpoint,
  durableChain,
  envelope,
  execution,
  extract,
  headers,
  runNative,
  step
} from "../support/durable/events.js"

const attempt = (result: ExtractionResult, extractor: string) => result.attempts.find((a) => a.extractor === extractor)

const traceOf = (result: ExtractionResult) =>
  Option.match(result.context, { onNone: () => undefined, onSome: (c) => [c.source, c.traceId, c.parentId] })

const good = (traceId: string, parentId = "2") => headers(traceId, parentId, { "x-datadog-sampling-priority": "1" })

describe("DurableCheckpointExtractor", () => {
  it.effect("is not consulted for non-durable events (cheap guard)", () =>
    Effect.gen(function*() {
      for (const event of [{}, null, "x", { DurableExecutionArn: 1 }, { Records: [] }]) {
        const result = yield* runNative(event)
        assert.deepStrictEqual(attempt(result, "durable-checkpoint"), {
          extractor: "durable-checkpoint",
          outcome: "none"
        })
      }
    }))

  it.effect("E1: no checkpoint → none, and the chain moves on to the input payload", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([execution({ _datadog: good("77", "88") })]))
      assert.deepStrictEqual(attempt(result, "durable-checkpoint"), {
        extractor: "durable-checkpoint",
        outcome: "none",
        detail: "no _datadog_{N} checkpoint"
      })
      assert.deepStrictEqual(traceOf(result), ["durable-input", "77", "88"])
    }))

  it.effect("E2: the highest N wins, wherever it sits", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution(),
        checkpoint(1, good("123", "321")),
        step("work"),
        checkpoint(0, good("999", "888"))
      ]))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "123", "321"])
      assert.strictEqual(attempt(result, "durable-checkpoint")?.detail, "used _datadog_1")
    }))

  it.effect("E3: an unusable newest checkpoint falls back to the next lower usable one, and says why", () =>
    Effect.gen(function*() {
      const unusable: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [checkpoint(2, "{not json"), "malformed JSON"],
        [checkpoint(2, "[1,2]"), "payload is not a JSON object"],
        [checkpoint(2, "\"text\""), "payload is not a JSON object"],
        [{ Name: "_datadog_2", Type: "STEP", Status: "SUCCEEDED" }, "no payload"],
        [checkpoint(2, headers("5", "0")), "no complete Datadog context"],
        [checkpoint(2, { "x-datadog-trace-id": "999" }), "no complete Datadog context"],
        [checkpoint(2, good("5"), { Type: "WAIT" }), "a WAIT operation, not a STEP"],
        [checkpoint(2, good("5"), { Status: "FAILED" }), "status FAILED, not SUCCEEDED"],
        [
          checkpoint(2, good("5"), { StepDetails: "yesterday" }),
          "malformed operation (StepDetails: expected an object)"
        ],
        [{ ...checkpoint(2, good("5")), Payload: 42 }, "malformed operation (Payload: expected a string or an object)"],
        [checkpoint(2, "x".repeat(70_000)), "payload longer than 65536 characters"]
      ]
      for (const [newest, why] of unusable) {
        const result = yield* runNative(envelope([execution(), checkpoint(1, good("123", "321")), newest]))
        assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "123", "321"], why)
        assert.strictEqual(
          attempt(result, "durable-checkpoint")?.detail,
          `_datadog_2 unusable (${why}); used _datadog_1`
        )
      }
    }))

  it.effect("every checkpoint unusable → a typed failure in the attempts, and the chain goes on", () =>
    Effect.gen(function*() {
      const malformed = yield* runNative(envelope([
        execution({ headers: good("40", "41") }),
        checkpoint(1, "{"),
        checkpoint(0, "7")
      ]))
      assert.deepStrictEqual(attempt(malformed, "durable-checkpoint"), {
        extractor: "durable-checkpoint",
        outcome: "failed",
        reason: "ExtractionError.MalformedCarrier",
        detail:
          "no usable checkpoint: _datadog_1 unusable (malformed JSON); _datadog_0 unusable (payload is not a JSON object)"
      })
      assert.deepStrictEqual(traceOf(malformed), ["durable-input", "40", "41"])

      const incomplete = yield* runNative(envelope([execution(), checkpoint(0, { "x-datadog-trace-id": "1" })]))
      const failed = attempt(incomplete, "durable-checkpoint")
      assert.strictEqual(failed?.reason, "ExtractionError.IncompleteContext")
      assert.include(failed?.detail, "keep datadog in the extract styles")
    }))

  it.effect("a real dd-trace-js payload without a sampling priority is complete; 128-bit tid kept", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution(),
        checkpoint(0, {
          "x-datadog-trace-id": "5791109302893801913",
          "x-datadog-parent-id": "8490924558609087153",
          "x-datadog-tags": "_dd.p.tid=6b067c1000000000"
        })
      ]))
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.traceId, "5791109302893801913")
      assert.deepStrictEqual(context.traceIdHigh, Option.some("6b067c1000000000"))
      assert.isTrue(Option.isNone(context.samplingPriority))
    }))

  it.effect("decodes only the fields it uses: a checkpoint with an odd timestamp still counts", () =>
    Effect.gen(function*() {
      const op = checkpoint(0, good("61"), {
        StartTimestamp: "yesterday",
        StepDetails: { Attempt: "x", Result: JSON.stringify(good("61")) }
      })
      const result = yield* runNative(envelope([execution(), op]))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "61", "2"])
    }))

  it.effect("reads Payload before StepDetails.Result, as datadog-lambda-js does", () =>
    Effect.gen(function*() {
      const op = { ...checkpoint(0, good("1")), Payload: JSON.stringify(good("2")) }
      const result = yield* runNative(envelope([execution(), op]))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "2", "2"])
    }))

  it.effect("E4/E5/E6/E8: only canonical non-negative suffixes on string names count", () =>
    Effect.gen(function*() {
      const ignored = [
        "_datadog_abc",
        "_datadog_",
        "_datadog_1.5",
        "_datadog_0x1",
        "_datadog_+3",
        "_datadog_ 3",
        "_datadog_03",
        "_datadog_1_0",
        "_datadog_-1",
        "_datadog_-0",
        "_DATADOG_1",
        "datadog_5"
      ].map((name, i) => checkpoint(name, good(String(1000 + i))))
      const nameless = [{ ...checkpoint(9, good("3000")), Name: 9 }, {
        ...checkpoint(9, good("3001")),
        Name: undefined
      }]
      const result = yield* runNative(envelope([execution(), checkpoint(0, good("55")), ...ignored, ...nameless]))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "55", "2"])
    }))

  it.effect("E7: equal N → first in document order; if that one is unusable, the other one", () =>
    Effect.gen(function*() {
      const first = yield* runNative(envelope([execution(), checkpoint(5, good("1")), checkpoint(5, good("2"))]))
      assert.deepStrictEqual(traceOf(first), ["durable-checkpoint", "1", "2"])
      const second = yield* runNative(envelope([execution(), checkpoint(5, "{"), checkpoint(5, good("2"))]))
      assert.deepStrictEqual(traceOf(second), ["durable-checkpoint", "2", "2"])
    }))

  it.effect("E9/E11: the map form of datadog-lambda-python's test, with object results", () =>
    Effect.gen(function*() {
      const result = yield* runNative({
        DurableExecutionArn: "arn:aws:lambda:us-east-2:123456789012:function:demo:1/durable-execution/demo/abc",
        CheckpointToken: "token",
        InitialExecutionState: {
          Operations: {
            "0": { Type: "EXECUTION" },
            "1": {
              Name: "_datadog_0",
              StepDetails: {
                Result: {
                  "x-datadog-trace-id": "999",
                  "x-datadog-parent-id": "888",
                  "x-datadog-sampling-priority": "1"
                }
              }
            },
            "2": {
              Name: "_datadog_1",
              StepDetails: {
                Result: {
                  "x-datadog-trace-id": "123",
                  "x-datadog-parent-id": "321",
                  "x-datadog-sampling-priority": "1"
                }
              }
            }
          }
        }
      })
      const context = Option.getOrThrow(result.context)
      assert.deepStrictEqual([context.source, context.traceId, context.parentId], ["durable-checkpoint", "123", "321"])
      assert.deepStrictEqual(context.samplingPriority, Option.some(1))
    }))

  it.effect("E10: missing/empty Operations → none; null, strings and numbers → typed MalformedEvent", () =>
    Effect.gen(function*() {
      for (const operations of [undefined, [], {}]) {
        const result = yield* runNative(envelope(operations))
        assert.strictEqual(attempt(result, "durable-checkpoint")?.outcome, "none")
      }
      for (const [operations, detail] of [[null, "null"], ["[]", "a string"], [7, "a number"], [true, "a boolean"]]) {
        const result = yield* runNative(envelope(operations))
        assert.deepStrictEqual(attempt(result, "durable-checkpoint"), {
          extractor: "durable-checkpoint",
          outcome: "failed",
          reason: "ExtractionError.MalformedEvent",
          detail: `InitialExecutionState.Operations is ${detail}, expected a list or a map`
        })
      }
      const nonObject = yield* runNative(envelope([execution(), checkpoint(0, good("1")), 7]))
      assert.deepStrictEqual(attempt(nonObject, "durable-checkpoint")?.detail, "Operations[2] is not an object")
    }))

  it.effect("E12: numeric header values are read as strings", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution(),
        checkpoint(0, { "x-datadog-trace-id": 123, "x-datadog-parent-id": 456, "x-datadog-sampling-priority": 1 })
      ]))
      const context = Option.getOrThrow(result.context)
      assert.deepStrictEqual([context.traceId, context.parentId], ["123", "456"])
      assert.deepStrictEqual(context.samplingPriority, Option.some(1))
    }))

  it.effect("E13: a non-string DurableExecutionArn is not a durable event", () =>
    Effect.gen(function*() {
      for (const arn of [123, null]) {
        const result = yield* runNative(envelope([execution(), checkpoint(0, good("1"))], { arn }))
        assert.isTrue(Option.isNone(result.context))
        assert.isTrue(result.attempts.every((a) => a.outcome === "none"))
      }
    }))

  it.effect("E14: a null (or non-object) InitialExecutionState is a typed error; nothing throws", () =>
    Effect.gen(function*() {
      for (const [state, detail] of [[null, "null"], [[], "a list"], ["x", "a string"], [3, "a number"]] as const) {
        const result = yield* runNative({
          DurableExecutionArn: "a",
          CheckpointToken: "t",
          InitialExecutionState: state
        })
        for (const extractor of ["durable-checkpoint", "durable-input"]) {
          assert.deepStrictEqual(attempt(result, extractor), {
            extractor: extractor as never,
            outcome: "failed",
            reason: "ExtractionError.MalformedEvent",
            detail: `InitialExecutionState is ${detail}, expected an object`
          })
        }
      }
    }))

  it.effect("E16 without a DurableState service: the first page only, and the attempts say so", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([execution(), checkpoint(0, good("1"))], { NextMarker: "page-2" }))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "1", "2"])
      assert.strictEqual(
        attempt(result, "durable-checkpoint")?.detail,
        "NextMarker set: later pages not read (no DurableState service); used _datadog_0"
      )
    }))

  it.effect("E17: a user step named _datadog_9 does not hijack the context", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution(),
        checkpoint(0, good("100")),
        step("_datadog_9", JSON.stringify({ orderId: "o-1", total: 3 }))
      ]))
      assert.deepStrictEqual(traceOf(result), ["durable-checkpoint", "100", "2"])
      assert.strictEqual(
        attempt(result, "durable-checkpoint")?.detail,
        "_datadog_9 unusable (no complete Datadog context); used _datadog_0"
      )
    }))

  it.effect("the native propagator reads checkpoints whatever its styles; one without extractDatadog honours them", () =>
    Effect.gen(function*() {
      const event = envelope([execution(), checkpoint(0, good("1"))])
      const native = NativePropagator.make({ extractStyles: ["tracecontext"] })
      const read = yield* extract(event).pipe(Effect.provide(durableChain.pipe(Layer.provide(
        Layer.succeed(Propagator.Propagator, native)
      ))))
      assert.deepStrictEqual(traceOf(read), ["durable-checkpoint", "1", "2"])
      // As the dd-trace propagator does: only the app's configured styles.
      const { extractDatadog: _, ...stylesOnly } = native
      const result = yield* extract(event).pipe(Effect.provide(durableChain.pipe(Layer.provide(
        Layer.succeed(Propagator.Propagator, stylesOnly)
      ))))
      const failed = attempt(result, "durable-checkpoint")
      assert.strictEqual(failed?.reason, "ExtractionError.IncompleteContext")
      assert.include(failed?.detail, "_datadog_0 unusable (no complete Datadog context)")
      assert.include(failed?.detail, "keep datadog in the extract styles")
    }))

  it.effect("bounds the candidates tried", () =>
    Effect.gen(function*() {
      const broken = Array.from({ length: 40 }, (_, i) => checkpoint(i + 1, "{"))
      const result = yield* runNative(envelope([execution(), checkpoint(0, good("1")), ...broken]))
      const failed = attempt(result, "durable-checkpoint")
      assert.strictEqual(failed?.outcome, "failed")
      assert.include(
        failed?.detail,
        `gave up after ${DurableCheckpointExtractor.maxCandidatesTried} unusable checkpoints`
      )
    }))
})

describe("DurableCheckpointExtractor results", () => {
  it.effect("share no mutable list between invocations: a result without links holds the frozen empty list", () =>
    Effect.gen(function*() {
      const extractor = yield* DurableCheckpointExtractor.make.pipe(Effect.provide(NativePropagator.layer()))
      const event = envelope([execution(), checkpoint(0, good("123", "321"))])
      const first = yield* extractor.extract(event, {})
      assert.isTrue(Option.isSome(first.context))
      assert.lengthOf(first.links, 0)
      assert.isTrue(Object.isFrozen(first.links))
      const second = yield* extractor.extract(event, {})
      assert.notStrictEqual(second.notes, first.notes, "each invocation's notes are its own")
    }))
})
