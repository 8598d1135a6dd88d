// Live: re-runs the real durable SDK now (LocalDurableTestRunner in a subprocess, so its global fake timers never
// touch this process) and dd-trace's own durable integration as the checkpoint writer (a separate node process
// started with `--import dd-trace/initialize.mjs`), then checks extraction on every invocation they produced.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { check, expected, newestCheckpoint, traceOf } from "../support/durable/expectations.js"
import { runCaptureDriver, runDdTraceWriterDriver, toWire } from "../support/durable/wire.js"
import { triggerSection } from "../support/trigger-section.js"

const chain = DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer()))
const triggers = triggerSection(NativePropagator.layer())

describe("live durable runs", () => {
  it.effect("the real SDK's envelopes, every invocation, as they come and in wire form", () =>
    Effect.gen(function*() {
      // "checkpoints" waits in real time (about 3 s); the retry scenario (3 s more) is covered by the fixtures.
      const driver = yield* Effect.promise(() => runCaptureDriver(["step-wait-step", "checkpoints", "callback-fail"]))
      assert.strictEqual(driver.status, 0, driver.stderr)
      let invocations = 0
      for (const run of driver.runs) {
        const viaTriggers = yield* traceOf(run.input).pipe(Effect.provide(triggers))
        for (const [i, invocation] of run.invocations.entries()) {
          for (
            const event of [invocation.envelope, toWire(invocation.envelope, { functionName: "f", executionName: "e" })]
          ) {
            const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(chain))
            check(`${run.scenario} #${i + 1}`, result, expected(run, invocation), viaTriggers)
          }
          invocations++
        }
      }
      assert.strictEqual(invocations, 7)
    }))

  it.effect("dd-trace's durable integration writes _datadog_0; we continue the first invocation's trace", () =>
    Effect.gen(function*() {
      const driver = yield* Effect.promise(() => runDdTraceWriterDriver())
      assert.strictEqual(driver.status, 0, driver.stderr)
      const [run] = driver.runs
      assert.deepStrictEqual(run!.invocations.map((i) => i.output.Status), ["PENDING", "SUCCEEDED"])
      const [first, resumed] = run!.invocations
      const written = newestCheckpoint(resumed!)
      assert.isDefined(written, "dd-trace wrote a _datadog_{N} checkpoint")
      assert.strictEqual(written!["x-datadog-trace-id"], first!.rootSpan!.traceId)
      for (const event of [resumed!.envelope, toWire(resumed!.envelope, { functionName: "f", executionName: "e" })]) {
        const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(chain))
        const context = Option.getOrThrow(result.context)
        assert.strictEqual(context.source, "durable-checkpoint")
        assert.strictEqual(context.traceId, first!.rootSpan!.traceId)
        assert.strictEqual(context.w3cTraceId, first!.rootSpan!.traceId128)
        assert.strictEqual(context.parentId, written!["x-datadog-parent-id"])
      }
    }))
})
