// The Effect 4 line's DurableTracing: the behaviours of the package root's durable tests (test/integration/durable-*)
// with Effect 4's tracer recorded (support/recordingTracer.ts).
// - The round trip with the real SDK and the local test runner (real checkpoint server): invocation 1 writes
//   `_datadog_0` anchored on its own span, every later invocation continues the same trace from the newest
//   checkpoint, an unchanged context writes nothing, a changed sampling priority writes `_datadog_1`. Time is real
//   (`skipTime: false`, 1 s waits, 1.5 s left per invocation), so every wait suspends the invocation.
// - The configured transport (the path a real Lambda takes), over a recording fake: later pages, the latest token,
//   the SDK's own errors, an Effect handler's failure, the durable metadata on the invocation span, the writer turned
//   off, the serverless view's span name.
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { readFileSync } from "node:fs"
import { vi } from "vitest"
import {
  CheckpointWriter,
  CurrentExtraction,
  DurableTracing,
  type ExtractionResult,
  Tracing
} from "../../src/effect4/index.js"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"
import * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"
import * as Ids from "../../src/internal/ids.js"
import { orderArn, orderExecution, reservedStep } from "../integration/support/operations.js"
import { pagedTransport, type Pages, written } from "../integration/support/transport.js"
import { durableAttributes, parentId, recordingTracer } from "./support/recordingTracer.js"

type Result = ExtractionResult.ExtractionResult

const tracing = recordingTracer()

const invocationSpans = (name: string = DurableTracing.DEFAULT_SPAN_NAME) =>
  tracing.ended().filter((span) => span.name === name)

const decimal = (hex: string) => Ids.hexToDecimal(hex)

const checkpointAttempt = (result: Result) =>
  result.attempts.find((attempt) => attempt.extractor === "durable-checkpoint")

// The handler's CurrentExtraction (always provided by the wrapper).
const currentExtraction: Effect.Effect<Result> = Effect.flatMap(
  CurrentExtraction.get,
  Option.match({ onNone: () => Effect.die("no CurrentExtraction"), onSome: Effect.succeed })
)

beforeEach(() => tracing.reset())

// ---------------------------------------------------------------------------------------------------------------
// The local test runner (real SDK, real checkpoint server)
// ---------------------------------------------------------------------------------------------------------------

interface RunnerInvocation {
  /** The `_datadog_{N}` checkpoints in the envelope this invocation received. */
  readonly checkpoints: ReadonlyArray<{ readonly name: string; readonly headers: Record<string, string> }>
  seen?: { readonly extraction: Result; readonly traceId: string; readonly spanId: string }
  output?: { readonly Status?: unknown }
}

const checkpointsIn = (event: any) =>
  (event.InitialExecutionState.Operations as Array<any>)
    .filter((operation) => CheckpointName.parse(operation.Name) !== undefined)
    .map((operation) => ({ name: operation.Name as string, headers: JSON.parse(operation.StepDetails.Result) }))

const runWithRunner = async (
  handler: (event: any, context: any) => Promise<any>,
  invocations: Array<RunnerInvocation>,
  payload: unknown
) => {
  invocations.length = 0
  const runner = new LocalDurableTestRunner({
    handlerFunction: async (event: any, context: any) => {
      const invocation: RunnerInvocation = { checkpoints: checkpointsIn(event) }
      invocations.push(invocation)
      const output = await handler(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      invocation.output = output
      return output
    }
  })
  const result = await runner.run({ payload })
  return { status: result.getStatus(), invocations: [...invocations] }
}

describe("DurableTracing (Effect 4) through the local runner (real SDK, checkpoint server)", () => {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

  const invocations: Array<RunnerInvocation> = []

  // step → wait → step → wait → step → wait → step; from stage 3 on, the invocation span asks to keep the trace.
  const handler = DurableTracing.make({
    handler: (_input: unknown, ctx: DurableContext) =>
      Effect.gen(function*() {
        const span = yield* Effect.currentSpan
        const extraction = yield* currentExtraction
        invocations[invocations.length - 1]!.seen = { extraction, traceId: span.traceId, spanId: span.spanId }
        for (let n = 1; n <= 3; n++) {
          yield* Effect.promise(() => ctx.step(`stage-${n}`, async () => n)).pipe(Effect.withSpan(`stage-${n}`))
          if (n >= 3) yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
          yield* Effect.promise(() => ctx.wait(`wait-${n}`, { seconds: 1 }))
        }
        return "done"
      }),
    layer: tracing.layer
  })

  it.live("saves invocation 1's span as _datadog_0 and continues its trace, writing only when the context changes", () =>
    Effect.gen(function*() {
      const { invocations: seen, status } = yield* Effect.promise(() => runWithRunner(handler, invocations, {}))
      assert.strictEqual(status, "SUCCEEDED")
      assert.deepStrictEqual(seen.map((invocation) => String(invocation.output?.Status)), [
        "PENDING",
        "PENDING",
        "PENDING",
        "SUCCEEDED"
      ])
      const first = seen[0]!.seen!
      const traceLow = decimal(first.traceId.slice(16))
      const anchor = decimal(first.spanId)

      // Invocation 1 writes _datadog_0 anchored to its own span (dd-trace's payload, key order included);
      // invocation 2 (unchanged) writes nothing; invocation 3 keeps the trace and writes _datadog_1, same anchor.
      assert.deepStrictEqual(seen.map((invocation) => invocation.checkpoints.map((c) => c.name)), [
        [],
        ["_datadog_0"],
        ["_datadog_0"],
        ["_datadog_0", "_datadog_1"]
      ])
      const [zero, one] = seen[3]!.checkpoints.map((c) => c.headers)
      assert.deepStrictEqual(Object.entries(zero!), [
        ["x-datadog-trace-id", traceLow],
        ["x-datadog-parent-id", anchor],
        ["x-datadog-sampling-priority", "1"],
        ["x-datadog-tags", `_dd.p.tid=${first.traceId.slice(0, 16)}`]
      ])
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
      assert.deepStrictEqual(Option.getOrThrow(seen[3]!.seen!.extraction.context).samplingPriority, Option.some(2))

      // The invocation spans: one trace; invocations 2..4 are children of invocation 1's span.
      const spans = invocationSpans()
      assert.lengthOf(spans, 4)
      assert.isTrue(spans.every((span) => span.traceId === first.traceId))
      const [root, ...resumed] = spans
      assert.strictEqual(root!.spanId, first.spanId)
      assert.isUndefined(parentId(root!))
      for (const span of resumed) assert.strictEqual(parentId(span), first.spanId)
      assert.deepStrictEqual(spans.map((span) => span.attributes.get("aws.durable.trace_checkpoint")), [
        "_datadog_0",
        "Unchanged",
        "_datadog_1",
        undefined
      ])
      assert.deepStrictEqual(
        spans.map((span) => [
          span.attributes.get("aws.durable.first_invocation"),
          span.attributes.get("aws.durable.invocation_status")
        ]),
        [["true", "pending"], ["false", "pending"], ["false", "pending"], ["false", "succeeded"]]
      )
      // The runner's ARN is a bare UUID: no execution name or id to report.
      assert.isTrue(spans.every((span) => !span.attributes.has("aws.durable.execution_name")))
      // The handler's own spans are in the same trace, under their invocation span; the suspended ones ended.
      const stages = tracing.ended().filter((span) => span.name.startsWith("stage-"))
      assert.isTrue(stages.length >= 4)
      assert.isTrue(stages.every((span) => span.traceId === first.traceId))
      assert.isTrue(stages.every((span) => spans.some((invocation) => invocation.spanId === parentId(span))))
    }))

  it.live("the promise wrapper: suspends, saves _datadog_0, and the resumed invocation continues it", () =>
    Effect.gen(function*() {
      const seen: Array<ReadonlyArray<string>> = []
      const promiseHandler = DurableTracing.withDurableExecution(
        async (_input: unknown, ctx: DurableContext) => {
          const invocation = DurableTracing.currentInvocation()!
          seen.push([invocation.span.traceId, invocation.span.spanId, invocation.extraction.attempts[0]!.extractor])
          await ctx.step("reserve", async () => "reserved")
          await ctx.wait("pause", { seconds: 1 })
          return ctx.step("ship", async () => "shipped")
        },
        undefined,
        { layer: tracing.layer }
      )
      const { invocations: runs, status } = yield* Effect.promise(() => runWithRunner(promiseHandler, [], {}))
      assert.strictEqual(status, "SUCCEEDED")
      assert.lengthOf(runs, 2)
      const [[traceId, spanId], [resumedTraceId]] = seen as [[string, string], [string]]
      assert.strictEqual(resumedTraceId, traceId)
      assert.deepStrictEqual(runs[1]!.checkpoints, [{
        name: "_datadog_0",
        headers: {
          "x-datadog-trace-id": decimal(traceId.slice(16)),
          "x-datadog-parent-id": decimal(spanId),
          "x-datadog-sampling-priority": "1",
          "x-datadog-tags": `_dd.p.tid=${traceId.slice(0, 16)}`
        }
      }])
      const spans = invocationSpans()
      assert.deepStrictEqual(spans.map((span) => parentId(span)), [undefined, spanId])
      assert.isUndefined(DurableTracing.currentInvocation())
    }))
})

// ---------------------------------------------------------------------------------------------------------------
// The configured transport, over a recording fake
// ---------------------------------------------------------------------------------------------------------------

const ARN = orderArn

const execution = orderExecution

// The workflow's first step (positional id "1" → md5 prefix c4ca4238a0b92382), replayed without running.
const reserved = reservedStep

const checkpoint = (n: number, priority: string) => {
  const name = CheckpointName.format(n)
  return {
    Id: CheckpointPlan.operationId(name, ARN),
    Name: name,
    Type: "STEP",
    SubType: "STEP",
    Status: "SUCCEEDED",
    StartTimestamp: 1795584939200 + n,
    StepDetails: {
      Result: `{"x-datadog-trace-id":"111","x-datadog-parent-id":"48059","x-datadog-sampling-priority":"${priority}"}`
    }
  }
}

const envelope = (operations: ReadonlyArray<unknown>, nextMarker?: string) => ({
  DurableExecutionArn: ARN,
  CheckpointToken: "token-0",
  InitialExecutionState: {
    Operations: [...operations],
    ...(nextMarker === undefined ? {} : { NextMarker: nextMarker })
  }
})

const lambdaContext = { awsRequestId: "req-1", getRemainingTimeInMillis: () => 1_500 }

class OutOfStock extends Data.TaggedError("OutOfStock")<{ readonly message: string }> {}

type Outcome = "complete" | "suspend" | "fail"

// reserve → optionally keep the trace → then complete, wait (suspends) or fail.
const workflow = (outcome: Outcome, seen: Array<Result> = [], keep = false) => (_order: unknown, ctx: DurableContext) =>
  Effect.gen(function*() {
    seen.push(yield* currentExtraction)
    const reservation = yield* Effect.promise(() => ctx.step("reserve", async () => "reserved"))
    if (keep) yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
    if (outcome === "suspend") yield* Effect.promise(() => ctx.wait("pause", { seconds: 60 }))
    if (outcome === "fail") return yield* new OutOfStock({ message: "sku-1 is out of stock" })
    return reservation
  })

const runOnce = async (
  outcome: Outcome,
  event: unknown,
  options: Partial<DurableTracing.Options> & {
    readonly pages?: Pages
    readonly keep?: boolean
    readonly layer?: Layer.Layer<never>
  } = {}
) => {
  const transport = pagedTransport(options.pages)
  const seen: Array<Result> = []
  const { keep, layer, pages: _pages, ...rest } = options
  const handler = DurableTracing.make({
    ...rest,
    handler: workflow(outcome, seen, keep),
    layer: layer === undefined ? tracing.layer : Layer.merge(tracing.layer, layer),
    config: { durableExecutionClient: transport.client }
  })
  const output = await handler(structuredClone(event) as never, lambdaContext)
  return { output, seen, ...transport, markers: transport.requests.map((request) => request.Marker) }
}

describe("DurableTracing (Effect 4) over the configured transport", () => {
  it.live("sees checkpoints on later pages, fetches each page once, and writes the next one with the latest token", () =>
    Effect.gen(function*() {
      const pages: Pages = {
        "page-2": { Operations: [reserved], NextMarker: "page-3" },
        "page-3": { Operations: [checkpoint(3, "1")], NextMarker: "" }
      }
      const { checkpoints, markers, output, seen } = yield* Effect.promise(() =>
        runOnce("suspend", envelope([execution], "page-2"), { pages, keep: true })
      )
      assert.strictEqual(output.Status, "PENDING")
      const context = Option.getOrThrow(seen[0]!.context)
      assert.deepStrictEqual([context.source, context.traceId, context.parentId], [
        "durable-checkpoint",
        "111",
        "48059"
      ])
      assert.strictEqual(checkpointAttempt(seen[0]!)?.detail, "read 2 later page(s); used _datadog_3")
      // The extraction fetched pages 2 and 3; the SDK replayed from them without asking again.
      assert.deepStrictEqual(markers, ["page-2", "page-3"])
      // The SDK's own batch (the wait), then the writer's START + SUCCEED with the token the SDK's call returned.
      const write = checkpoints.at(-1)!
      assert.deepStrictEqual(write.Updates!.map((update) => [update.Action, update.Name]), [
        ["START", "_datadog_4"],
        ["SUCCEED", "_datadog_4"]
      ])
      assert.strictEqual(write.CheckpointToken, `token-${checkpoints.length - 1}`)
      assert.notStrictEqual(write.CheckpointToken, "token-0")
      assert.strictEqual(write.Updates![0]!.Id, CheckpointPlan.operationId("_datadog_4", ARN))
      assert.deepStrictEqual(written(checkpoints), [{
        name: "_datadog_4",
        headers: { "x-datadog-trace-id": "111", "x-datadog-parent-id": "48059", "x-datadog-sampling-priority": "2" }
      }])
    }))

  it.live("without paging: the attempts say the later pages were not read; the writer still numbers from them", () =>
    Effect.gen(function*() {
      const pages: Pages = {
        "page-2": { Operations: [reserved], NextMarker: "page-3" },
        "page-3": { Operations: [checkpoint(3, "1")], NextMarker: "" }
      }
      const { checkpoints, markers, seen } = yield* Effect.promise(() =>
        runOnce("suspend", envelope([execution], "page-2"), { pages, keep: true, readLaterPages: false })
      )
      assert.isFalse(Option.exists(seen[0]!.context, (context) => context.source === "durable-checkpoint"))
      assert.include(checkpointAttempt(seen[0]!)?.detail, "NextMarker set: later pages not read")
      assert.deepStrictEqual(markers, ["page-2", "page-3"])
      assert.deepStrictEqual(written(checkpoints).map((c) => c.name), ["_datadog_4"])
    }))

  it.live("tags the durable metadata and the outcome of each invocation on its span", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Outcome, ReadonlyArray<unknown>, string, Record<string, string>]> = [
        ["complete", [execution], "SUCCEEDED", { first: "true", status: "succeeded" }],
        ["suspend", [execution], "PENDING", { first: "true", status: "pending", checkpoint: "_datadog_0" }],
        ["fail", [execution, reserved], "FAILED", { first: "false", status: "failed" }],
        ["suspend", [execution, reserved], "PENDING", { first: "false", status: "pending", checkpoint: "_datadog_0" }]
      ]
      for (const [outcome, operations, status, expected] of cases) {
        tracing.reset()
        const { output } = yield* Effect.promise(() => runOnce(outcome, envelope(operations)))
        assert.strictEqual(output.Status, status)
        const [span] = invocationSpans()
        assert.deepStrictEqual(durableAttributes(span!), {
          "aws.durable.execution_arn": ARN,
          "aws.durable.execution_name": "order-42",
          "aws.durable.execution_id": "0e230abf",
          "aws.durable.first_invocation": expected.first,
          "aws.durable.invocation_status": expected.status,
          ...(expected.checkpoint === undefined ? {} : { "aws.durable.trace_checkpoint": expected.checkpoint })
        }, `${outcome} ${status}`)
      }
    }))

  it.live("fails the execution with an Effect handler's own failure", () =>
    Effect.gen(function*() {
      const { output } = yield* Effect.promise(() => runOnce("fail", envelope([execution, reserved])))
      assert.strictEqual(output.Status, "FAILED")
      assert.strictEqual(output.Error.ErrorMessage, "sku-1 is out of stock")
      assert.isUndefined(DurableTracing.currentInvocation())
    }))

  it.live("does not write when the invocation completes", () =>
    Effect.gen(function*() {
      const { checkpoints, client } = pagedTransport()
      const handler = DurableTracing.withDurableExecution(
        async (_event: unknown, ctx: DurableContext) => ctx.step("reserve", async () => "never re-run"),
        { durableExecutionClient: client },
        { layer: tracing.layer }
      )
      const output = yield* Effect.promise(() => handler(envelope([execution, reserved]) as never, lambdaContext))
      assert.deepStrictEqual(output, { Status: "SUCCEEDED", Result: "\"reserved\"" })
      assert.deepStrictEqual(written(checkpoints), [])
    }))

  it.live("rethrows the SDK's own error for an event that is not a durable envelope", () =>
    Effect.gen(function*() {
      const { client } = pagedTransport()
      const handler = DurableTracing.withDurableExecution(async () => "unused", { durableExecutionClient: client })
      const error = yield* Effect.promise(() =>
        handler({ hello: "world" }, lambdaContext).then(() => undefined, (e: unknown) => e)
      )
      assert.instanceOf(error, Error)
      assert.match((error as Error).message, /Unexpected payload provided to start the durable execution/)
    }))

  it.live("writes nothing with the writer turned off in the layer", () =>
    Effect.gen(function*() {
      const { checkpoints } = yield* Effect.promise(() =>
        runOnce("suspend", envelope([execution]), { layer: CheckpointWriter.layer({ enabled: false }) })
      )
      assert.deepStrictEqual(written(checkpoints), [])
      assert.strictEqual(invocationSpans()[0]!.attributes.get("aws.durable.trace_checkpoint"), "Disabled")
    }))

  it.live("with a span name, writes the invocation as the serverless view reads it", () =>
    Effect.gen(function*() {
      const { checkpoints } = yield* Effect.promise(() =>
        runOnce("suspend", envelope([execution]), { spanName: "aws.lambda", ddTraceVersion: "5.0.0" })
      )
      const [span] = invocationSpans("aws.lambda")
      assert.isDefined(span)
      assert.lengthOf(invocationSpans(), 0)
      assert.strictEqual(span!.attributes.get("aws.durable.execution_arn"), ARN)
      assert.strictEqual(span!.attributes.get("aws.durable.execution_name"), "order-42")
      assert.strictEqual(span!.attributes.get("aws.durable.first_invocation"), "true")
      assert.strictEqual(span!.attributes.get("aws.durable.trace_checkpoint"), "_datadog_0")
      assert.strictEqual(span!.attributes.get("request_id"), "req-1")
      assert.deepStrictEqual(written(checkpoints).map((c) => c.headers["x-datadog-parent-id"]), [
        decimal(span!.spanId)
      ])
    }))

  it.live("parses a first invocation's original event once for the input extractor and the serverless view", () =>
    Effect.gen(function*() {
      const original = JSON.parse(readFileSync(new URL("../../examples/events/apigw-v1.json", import.meta.url), "utf8"))
      const payload = JSON.stringify(original)
      const first = envelope([{ ...execution, ExecutionDetails: { InputPayload: payload } }])
      // The SDK parses the payload too (the handler's event): the view must add no parse to the extractor's.
      const parsesOfPayload = (spanName: string | undefined) =>
        Effect.promise(async () => {
          const parse = vi.spyOn(JSON, "parse")
          try {
            const { seen } = await runOnce("complete", first, spanName === undefined ? {} : { spanName })
            assert.strictEqual(Option.getOrThrow(seen[0]!.context).source, "durable-input")
            return parse.mock.calls.filter(([text]) => text === payload).length
          } finally {
            parse.mockRestore()
          }
        })
      const withoutView = yield* parsesOfPayload(undefined)
      assert.isAtLeast(withoutView, 1)
      assert.strictEqual(yield* parsesOfPayload("aws.lambda"), withoutView)
    }))
})
