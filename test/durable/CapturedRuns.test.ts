// Extraction on every invocation captured from real durable runs (LocalDurableTestRunner + the real SDK, and the
// run where dd-trace's own durable integration wrote the checkpoint), in the runner's form (ISO timestamps, bare
// UUID ARN) and in the service's wire form, through the native and the dd-trace propagators.
import { assert, describe, it } from "@effect/vitest"
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import type { Propagator } from "../../src/services/Propagator.js"
import { check, expected, traceOf } from "../support/durable/expectations.js"
import { readRuns, type Run, toWire } from "../support/durable/wire.js"
import * as Fixtures from "../support/fixtures.js"
import { triggerSection } from "../support/trigger-section.js"

tracer.init({ plugins: false })

const local = readRuns("local-runner.json")
const writer = readRuns("ddtrace-writer.json")

const propagators: ReadonlyArray<readonly [string, Layer.Layer<Propagator>]> = [
  ["native", NativePropagator.layer()],
  ["dd-trace", DdTracePropagator.layer(tracer)]
]

const checkRuns = (runs: ReadonlyArray<Run>, propagator: Layer.Layer<Propagator>) =>
  Effect.gen(function*() {
    let checked = 0
    for (const run of runs) {
      const viaTriggers = yield* traceOf(run.input).pipe(Effect.provide(triggerSection(propagator)))
      for (const [i, invocation] of run.invocations.entries()) {
        const forms = [
          ["runner form", invocation.envelope],
          ["wire form", toWire(invocation.envelope, { functionName: "f", executionName: `${run.scenario}-${i}` })]
        ] as const
        for (const [form, event] of forms) {
          const before = JSON.stringify(event)
          const result = yield* ExtractorChain.extract(event, {}).pipe(
            Effect.provide(DefaultChain.layer.pipe(Layer.provide(propagator)))
          )
          check(`${run.scenario} #${i + 1} (${form})`, result, expected(run, invocation), viaTriggers)
          assert.strictEqual(JSON.stringify(event), before, "the event is not mutated")
          checked++
        }
      }
    }
    return checked
  })

describe("captured durable runs", () => {
  it("hold what the scenarios promise: 10 local-runner invocations, a real dd-trace checkpoint", () => {
    assert.deepStrictEqual(local.map((run) => [run.scenario, run.status, run.invocations.length]), [
      ["step-wait-step", "SUCCEEDED", 2],
      ["checkpoints", "SUCCEEDED", 3],
      ["retry-child-parallel", "SUCCEEDED", 3],
      ["callback-fail", "FAILED", 2]
    ])
    const [run] = writer
    assert.strictEqual(run!.invocations.length, 2)
    const ops = run!.invocations[1]!.envelope.InitialExecutionState.Operations as Array<Record<string, any>>
    const written = ops.find((op) => op.Name === "_datadog_0")!
    assert.deepStrictEqual([written.Type, written.SubType, written.Status], ["STEP", "STEP", "SUCCEEDED"])
  })

  for (const [name, propagator] of propagators) {
    it.effect(`every resume and first invocation extracts as expected (${name} propagator)`, () =>
      Effect.gen(function*() {
        const checked = yield* checkRuns([...local, ...writer], propagator)
        assert.strictEqual(checked, 24)
      }))
  }

  it.effect("the checkpoint dd-trace wrote continues the first invocation's trace (128-bit)", () =>
    Effect.gen(function*() {
      const [run] = writer
      const root = run!.invocations[0]!.rootSpan!
      const resumed = toWire(run!.invocations[1]!.envelope, { functionName: "f", executionName: "e" })
      for (const [, propagator] of propagators) {
        const result = yield* ExtractorChain.extract(resumed, {}).pipe(
          Effect.provide(DefaultChain.layer.pipe(Layer.provide(propagator)))
        )
        const context = Option.getOrThrow(result.context)
        assert.strictEqual(context.source, "durable-checkpoint")
        assert.strictEqual(context.traceId, root.traceId)
        assert.strictEqual(context.w3cTraceId, root.traceId128)
      }
    }))

  it.effect("the example events under examples/events are the wire form of captured invocations", () =>
    Effect.gen(function*() {
      const examples = Fixtures.jsonFiles(Fixtures.examplesDir).filter((f) => f.startsWith("durable-"))
      assert.isAtLeast(examples.length, 4)
      for (const file of examples) {
        const event = Fixtures.example(file)
        assert.match(
          event.DurableExecutionArn,
          /^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+:[^/]+\/durable-execution\/[^/]+\/[^/]+$/
        )
        for (const op of event.InitialExecutionState.Operations) assert.isNumber(op.StartTimestamp, file)
        const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(DefaultChain.layerNative))
        assert.isTrue(result.attempts.some((a) => a.extractor.startsWith("durable-")), file)
      }
    }))
})
