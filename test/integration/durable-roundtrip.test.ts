// The checkpoint round trip with the real SDK and the local test runner: invocation 1 writes `_datadog_0`, every
// later invocation extracts the same trace id and the same anchor (invocation 1's span), an unchanged context
// writes nothing, and a changed sampling priority writes `_datadog_1` with the same anchor. Spans go through
// @effect/opentelemetry to an in-memory exporter, so the ids checked are the exported ones.
//
// Time is real (`skipTime: false`, 1 s waits, 1.5 s left per invocation) so that every wait suspends the
// invocation: with `skipTime` the runner may finish waits inside the running invocation.
import type { DurableContext, DurableExecutionInvocationOutput } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { Context } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"
import * as Ids from "../../src/internal/ids.js"
import * as CurrentExtraction from "../../src/services/CurrentExtraction.js"
import * as DurableTracing from "../../src/wrappers/DurableTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { inMemoryTracing } from "../support/otel.js"
import { checkpointExtractorReady } from "./support/checkpointExtractor.js"

const { exporter, layer: TracingLive } = inMemoryTracing("durable-roundtrip")

interface Seen {
  readonly extraction: ExtractionResult
  readonly traceId: string
  readonly spanId: string
}

interface Input {
  readonly keepFrom?: number
}

const invocations: Array<{
  checkpoints: Array<{ readonly name: string; readonly headers: Record<string, string> }>
  seen?: Seen
  output?: DurableExecutionInvocationOutput
}> = []

const stage = (ctx: DurableContext, n: number) =>
  Effect.promise(() => ctx.step(`stage-${n}`, async () => n)).pipe(Effect.withSpan(`stage-${n}`))

// step → wait → step → wait → step → wait → step; from invocation `keepFrom` on, the invocation span asks to keep
// the trace (sampling.priority 2).
const workflow = (input: Input, ctx: DurableContext) =>
  Effect.gen(function*() {
    const span = yield* Effect.currentSpan
    const extraction = yield* Effect.flatMap(CurrentExtraction.get, Effect.orDie)
    invocations[invocations.length - 1].seen = { extraction, traceId: span.traceId, spanId: span.spanId }
    for (let n = 1; n <= 3; n++) {
      yield* stage(ctx, n)
      if (input.keepFrom !== undefined && n >= input.keepFrom) {
        yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
      }
      yield* Effect.promise(() => ctx.wait(`wait-${n}`, { seconds: 1 }))
    }
    return yield* stage(ctx, 4)
  })

const handler = DurableTracing.make({ handler: workflow, layer: TracingLive })

const run = async (input: Input) => {
  invocations.length = 0
  exporter.reset()
  const runner = new LocalDurableTestRunner({
    handlerFunction: async (event: any, context: Context) => {
      invocations.push({
        checkpoints: (event.InitialExecutionState.Operations as Array<any>)
          .filter((operation) => CheckpointName.parse(operation.Name) !== undefined)
          .map((operation) => ({ name: operation.Name, headers: JSON.parse(operation.StepDetails.Result) }))
      })
      const output = await handler(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      invocations[invocations.length - 1].output = output
      return output
    }
  })
  const result = await runner.run({ payload: input })
  assert.strictEqual(result.getStatus(), "SUCCEEDED")
  return [...invocations]
}

const decimal = (hex: string) => Ids.hexToDecimal(hex)
const invocationSpans = () =>
  exporter.getFinishedSpans().filter((span) => span.name === DurableTracing.DEFAULT_SPAN_NAME)

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

describe("durable checkpoint writer (real SDK, local runner)", () => {
  it("saves invocation 1's exported span as _datadog_0 (the anchor) when it suspends", async () => {
    const seen = await run({})
    const first = seen[0].seen!
    const [root] = invocationSpans()
    assert.strictEqual(root.spanContext().traceId, first.traceId)
    assert.strictEqual(root.spanContext().spanId, first.spanId)
    assert.strictEqual(root.attributes["aws.durable.trace_checkpoint"], "_datadog_0")
    assert.strictEqual(root.attributes["aws.durable.invocation_status"], "pending")
    assert.deepStrictEqual(seen[1].checkpoints, [{
      name: "_datadog_0",
      headers: {
        "x-datadog-trace-id": decimal(first.traceId.slice(16)),
        "x-datadog-parent-id": decimal(first.spanId),
        "x-datadog-sampling-priority": "1",
        "x-datadog-tags": `_dd.p.tid=${first.traceId.slice(0, 16)}`
      }
    }])
  })
})

describe.skipIf(!checkpointExtractorReady)("durable checkpoint round trip (real SDK, local runner)", () => {
  it("continues one trace under invocation 1's span, writing only when the context changes", async () => {
    const seen = await run({ keepFrom: 3 })
    assert.deepStrictEqual(seen.map((invocation) => String(invocation.output?.Status)), [
      "PENDING",
      "PENDING",
      "PENDING",
      "SUCCEEDED"
    ])
    const first = seen[0].seen!
    const traceLow = decimal(first.traceId.slice(16))
    const anchor = decimal(first.spanId)

    // Invocation 1 writes _datadog_0 anchored to its own span; invocation 2 (unchanged) writes nothing;
    // invocation 3 keeps the trace and writes _datadog_1 with the same anchor.
    assert.deepStrictEqual(seen[1].checkpoints.map((c) => c.name), ["_datadog_0"])
    assert.deepStrictEqual(seen[2].checkpoints.map((c) => c.name), ["_datadog_0"])
    assert.deepStrictEqual(seen[3].checkpoints.map((c) => c.name), ["_datadog_0", "_datadog_1"])
    const [zero, one] = seen[3].checkpoints.map((c) => c.headers)
    assert.deepStrictEqual(zero, {
      "x-datadog-trace-id": traceLow,
      "x-datadog-parent-id": anchor,
      "x-datadog-sampling-priority": "1",
      "x-datadog-tags": `_dd.p.tid=${first.traceId.slice(0, 16)}`
    })
    assert.deepStrictEqual(one, { ...zero, "x-datadog-sampling-priority": "2" })

    // Invocations 2..4 extract the same trace and anchor from the newest checkpoint.
    for (const [index, invocation] of seen.entries()) {
      if (index === 0) continue
      const context = Option.getOrThrow(invocation.seen!.extraction.context)
      assert.strictEqual(context.source, "durable-checkpoint", `invocation ${index + 1}`)
      assert.strictEqual(context.traceId, traceLow)
      assert.strictEqual(context.parentId, anchor)
      assert.strictEqual(invocation.seen!.traceId, first.traceId)
    }
    assert.deepStrictEqual(Option.getOrThrow(seen[3].seen!.extraction.context).samplingPriority, Option.some(2))

    // The exported invocation spans: one trace; invocations 2..4 are children of invocation 1's span.
    const spans = invocationSpans()
    assert.lengthOf(spans, 4)
    assert.isTrue(spans.every((span) => span.spanContext().traceId === first.traceId))
    const [root, ...resumed] = spans
    assert.strictEqual(root.spanContext().spanId, first.spanId)
    assert.isUndefined(root.parentSpanContext)
    for (const span of resumed) assert.strictEqual(span.parentSpanContext?.spanId, first.spanId)
    assert.deepStrictEqual(spans.map((span) => span.attributes["aws.durable.trace_checkpoint"]), [
      "_datadog_0",
      "Unchanged",
      "_datadog_1",
      undefined
    ])
    // The handler's own spans are in the same trace, under their invocation span.
    const stages = exporter.getFinishedSpans().filter((span) => span.name.startsWith("stage-"))
    assert.isTrue(stages.length >= 4)
    assert.isTrue(stages.every((span) => span.spanContext().traceId === first.traceId))
  })

  it("writes one checkpoint for a workflow whose context never changes", async () => {
    const seen = await run({})
    assert.deepStrictEqual(seen[3].checkpoints.map((c) => c.name), ["_datadog_0"])
    assert.deepStrictEqual(invocationSpans().map((span) => span.attributes["aws.durable.trace_checkpoint"]), [
      "_datadog_0",
      "Unchanged",
      "Unchanged",
      undefined
    ])
  })
})
