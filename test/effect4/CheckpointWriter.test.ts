// The Effect 4 line's CheckpointWriter: the same behaviours as test/writer/CheckpointWriter.test.ts (failure
// injection; the happy path against the real checkpoint server is in DurableTracing.test.ts).
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/testing/TestClock"
import { CheckpointWriter, TraceContext } from "../../src/effect4/index.js"
import type * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"

const recording = () => {
  const calls: Array<{ readonly token: string; readonly updates: ReadonlyArray<CheckpointPlan.Update> }> = []
  const transport: CheckpointWriter.Transport = {
    checkpoint: async (params) => {
      calls.push({ token: params.CheckpointToken, updates: params.Updates })
      return { CheckpointToken: "next" }
    }
  }
  return { calls, transport }
}

const context = TraceContext.make({
  traceId: "1311693406324658740",
  traceIdHigh: "6a5f3e2100000000",
  parentId: "48059",
  samplingPriority: 1,
  tags: { "_dd.p.dm": "-0" },
  source: "custom"
})

const request = (
  transport: CheckpointWriter.Transport,
  fields: Partial<CheckpointWriter.SaveRequest> = {}
): CheckpointWriter.SaveRequest => ({
  executionArn: "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/run/1",
  checkpointToken: "token-7",
  operations: [],
  context,
  transport,
  ...fields
})

describe("CheckpointWriter (Effect 4)", () => {
  it.effect("writes _datadog_0 as START + SUCCEED with the latest token", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const outcome = yield* CheckpointWriter.make().save(request(transport))
      assert.deepStrictEqual(outcome, { _tag: "Written", name: "_datadog_0", number: 0, anchor: "current" })
      assert.lengthOf(calls, 1)
      assert.strictEqual(calls[0]!.token, "token-7")
      assert.deepStrictEqual(calls[0]!.updates.map((u) => [u.Action, u.Name]), [["START", "_datadog_0"], [
        "SUCCEED",
        "_datadog_0"
      ]])
      assert.strictEqual(
        calls[0]!.updates[1]!.Payload,
        `{"x-datadog-trace-id":"1311693406324658740","x-datadog-parent-id":"48059",` +
          `"x-datadog-sampling-priority":"1","x-datadog-tags":"_dd.p.dm=-0,_dd.p.tid=6a5f3e2100000000"}`
      )
    }))

  it.effect("anchors on the newest valid prior checkpoint and numbers above the highest", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const prior = (n: number, parent: string, priority: string) => ({
        Name: `_datadog_${n}`,
        StepDetails: {
          Result: `{"x-datadog-trace-id":"1311693406324658740","x-datadog-parent-id":"${parent}",` +
            `"x-datadog-sampling-priority":"${priority}"}`
        }
      })
      const outcome = yield* CheckpointWriter.make().save(
        request(transport, { operations: [prior(0, "7", "2"), prior(3, "9", "2")] })
      )
      assert.deepStrictEqual(outcome, { _tag: "Written", name: "_datadog_4", number: 4, anchor: "prior" })
      assert.include(calls[0]!.updates[1]!.Payload, `"x-datadog-parent-id":"9"`)
    }))

  it.effect("makes no call when nothing but the parent changed", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const prior = {
        Name: "_datadog_0",
        StepDetails: {
          Result: `{"x-datadog-trace-id":"1311693406324658740","x-datadog-parent-id":"1",` +
            `"x-datadog-sampling-priority":"1","x-datadog-tags":"_dd.p.dm=-0,_dd.p.tid=6a5f3e2100000000"}`
        }
      }
      const outcome = yield* CheckpointWriter.make().save(request(transport, { operations: [prior] }))
      assert.deepStrictEqual(outcome, { _tag: "Skipped", reason: "Unchanged" })
      assert.lengthOf(calls, 0)
    }))

  it.effect("does nothing when disabled", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const outcome = yield* CheckpointWriter.make({ enabled: false }).save(request(transport))
      assert.deepStrictEqual(outcome, { _tag: "Skipped", reason: "Disabled" })
      assert.lengthOf(calls, 0)
    }))

  it.effect("swallows a rejected or throwing checkpoint call", () =>
    Effect.gen(function*() {
      const writer = CheckpointWriter.make()
      const rejected = yield* writer.save(request({ checkpoint: () => Promise.reject(new Error("429")) }))
      const thrown = yield* writer.save(request({
        checkpoint: () => {
          throw new Error("sync")
        }
      }))
      assert.deepStrictEqual(rejected, { _tag: "Failed", reason: "CheckpointFailed" })
      assert.deepStrictEqual(thrown, { _tag: "Failed", reason: "CheckpointFailed" })
    }))

  it.effect("reports a defect of the request as a failed write", () =>
    Effect.gen(function*() {
      const operations: Iterable<unknown> = {
        [Symbol.iterator]: () => {
          throw new Error("hostile operations")
        }
      }
      const outcome = yield* CheckpointWriter.make().save(request(recording().transport, { operations }))
      assert.deepStrictEqual(outcome, { _tag: "Failed", reason: "CheckpointFailed" })
    }))

  it.effect("gives up after the timeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        CheckpointWriter.make({ timeout: "200 millis" }).save(request({ checkpoint: () => new Promise(() => {}) }))
      )
      yield* TestClock.adjust("199 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), { _tag: "Failed", reason: "Timeout" })
    }))

  it.effect("never runs past the invocation's deadline minus the margin", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const writer = CheckpointWriter.make({ deadlineMarginMillis: 500 })
      const late = yield* writer.save(request(transport, { remainingTimeMillis: 400 }))
      assert.deepStrictEqual(late, { _tag: "Skipped", reason: "NoTime" })
      assert.lengthOf(calls, 0)
      const fiber = yield* Effect.forkChild(writer.save(request({ checkpoint: () => new Promise(() => {}) }, {
        remainingTimeMillis: 600
      })))
      yield* TestClock.adjust("100 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), { _tag: "Failed", reason: "Timeout" })
    }))

  it.effect("reads DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED", () =>
    Effect.gen(function*() {
      const { calls, transport } = recording()
      const read = (values: Record<string, string>) =>
        Effect.service(CheckpointWriter.CheckpointWriter).pipe(
          Effect.provide(CheckpointWriter.layerConfig),
          Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown(values))
        )
      const off = yield* read({ DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED: "false" })
      const on = yield* read({})
      const unreadable = yield* read({ DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED: "maybe" })
      assert.deepStrictEqual(yield* off.save(request(transport)), { _tag: "Skipped", reason: "Disabled" })
      assert.strictEqual((yield* on.save(request(transport)))._tag, "Written")
      assert.strictEqual((yield* unreadable.save(request(transport)))._tag, "Written")
      assert.lengthOf(calls, 2)
      assert.deepStrictEqual(CheckpointWriter.defaults, { timeoutMillis: 1000, deadlineMarginMillis: 500 })
    }))
})
