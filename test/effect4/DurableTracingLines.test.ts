// DurableTracing of the Effect 4 line against the package root's (Effect 3), in one process: the same promise workflow
// wrapped by each line's `withDurableExecution` runs the same durable scenarios, and both lines must write the same
// checkpoints, extract the same results and tag their invocation spans alike.
// - A real durable execution (the SDK's local test runner and checkpoint server, real 1 s waits): three invocations,
//   the second keeping the trace, so `_datadog_0` then `_datadog_1`. Ids are each line's own (its invocation spans'),
//   and the runner's ARN is each run's: they are replaced by names before comparing.
// - Wire-shaped envelopes over a recording transport: dd-trace's own capture (a first invocation whose input carries
//   an upstream, the resume from dd-trace's `_datadog_0`), later pages holding the newest checkpoint, the serverless
//   view's span name. These are deterministic but for the ids of the span a first invocation anchors on.
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as V4 from "../../src/effect4/index.js"
import * as V3 from "../../src/index.js"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"
import * as Ids from "../../src/internal/ids.js"
import { checkpoint, envelope, execution, headers, step } from "../support/durable/events.js"
import { fakeTransport, type Page } from "../support/durable/pages.js"
import { readRuns, toWire } from "../support/durable/wire.js"

/** What a test reads of an invocation span, on either line. */
interface SpanLike {
  readonly traceId: string
  readonly spanId: string
  readonly attributes: ReadonlyMap<string, unknown>
  readonly attribute: (key: string, value: unknown) => void
}

/** One line's durable wrapper, as the tests drive it. */
interface Line {
  readonly withDurableExecution: (
    handler: (event: any, context: DurableContext) => Promise<unknown>,
    config: { readonly durableExecutionClient?: any } | undefined,
    options: { readonly spanName?: string; readonly ddTraceVersion?: string }
  ) => (event: any, context: any) => Promise<any>
  readonly current: () => { readonly extraction: unknown; readonly span: SpanLike } | undefined
}

const lines: Record<"3" | "4", Line> = {
  "3": {
    withDurableExecution: (handler, config, options) =>
      V3.DurableTracing.withDurableExecution(handler, config, options),
    current: () => {
      const invocation = V3.DurableTracing.currentInvocation()
      return invocation && { extraction: V3.ExtractionResult.encode(invocation.extraction), span: invocation.span }
    }
  },
  "4": {
    withDurableExecution: (handler, config, options) =>
      V4.DurableTracing.withDurableExecution(handler, config, options),
    current: () => {
      const invocation = V4.DurableTracing.currentInvocation()
      return invocation && { extraction: V4.ExtractionResult.encode(invocation.extraction), span: invocation.span }
    }
  }
}

/** What one invocation saw and did, on one line. */
interface Seen {
  readonly extraction: unknown
  readonly span: SpanLike
}

// The span attributes both lines write, minus the process's cold start and proactive initialization: both are
// process-wide (the first invocation of the process has them, whichever line runs it).
const spanAttributes = (span: SpanLike): Record<string, unknown> =>
  Object.fromEntries(
    [...span.attributes].filter(([key]) => key !== "cold_start" && key !== "proactive_initialization").sort((
      [a],
      [b]
    ) => a.localeCompare(b))
  )

/**
 * `value` as JSON with a line's own ids named: each invocation span's id (hex and decimal) as `span{i}`, the trace's
 * id (whole, halves, low half in decimal) as `trace*`, and `names` (ARNs ...) by their keys.
 */
const named = (value: unknown, spans: ReadonlyArray<SpanLike>, names: Record<string, string> = {}): unknown => {
  let text = JSON.stringify(value)
  // Whole ids only: not inside a longer run of digits or hex.
  const replace = (token: string, name: string) => {
    if (token.length === 0) return
    const escaped = token.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
    text = text.replace(new RegExp(`(?<![0-9a-f])${escaped}(?![0-9a-f])`, "g"), name)
  }
  for (const [name, token] of Object.entries(names)) replace(token, name)
  for (const [index, span] of spans.entries()) {
    replace(span.spanId, `span${index}`)
    replace(Ids.hexToDecimal(span.spanId), `span${index}`)
  }
  const traceId = spans[0]?.traceId ?? ""
  replace(traceId, "trace")
  if (traceId.length === 32) {
    replace(traceId.slice(0, 16), "traceHigh")
    replace(Ids.hexToDecimal(traceId.slice(16)), "traceLow")
  }
  return JSON.parse(text)
}

const checkpointsIn = (operations: ReadonlyArray<any>) =>
  operations.flatMap((operation) =>
    CheckpointName.parse(operation.Name) === undefined
      ? []
      : [{ name: operation.Name, payload: operation.StepDetails?.Result }]
  )

/** The `_datadog_{N}` updates a transport received. */
const writtenIn = (requests: ReadonlyArray<any>) =>
  requests.flatMap((request) =>
    (request.Updates as Array<any>).filter((update) => CheckpointName.parse(update.Name) !== undefined)
  )

// ---------------------------------------------------------------------------------------------------------------
// A real durable execution through the local runner
// ---------------------------------------------------------------------------------------------------------------

// reserve → wait → (from invocation 2: keep the trace) charge → wait → ship.
const runnerWorkflow = (line: Line, seen: Array<Seen>) => async (_input: unknown, ctx: DurableContext) => {
  const invocation = line.current()!
  seen.push(invocation)
  await ctx.step("reserve", async () => "reserved")
  await ctx.wait("pause-1", { seconds: 1 })
  // Reached by the invocations that resume after the first wait: they keep the trace.
  invocation.span.attribute("sampling.priority", 2)
  await ctx.step("charge", async () => "charged")
  await ctx.wait("pause-2", { seconds: 1 })
  return ctx.step("ship", async () => "shipped")
}

const runnerRun = async (line: Line) => {
  const seen: Array<Seen> = []
  const envelopes: Array<{ readonly arn: string; readonly checkpoints: ReadonlyArray<unknown> }> = []
  const outputs: Array<unknown> = []
  const handler = line.withDurableExecution(runnerWorkflow(line, seen), undefined, {})
  const runner = new LocalDurableTestRunner({
    handlerFunction: async (event: any, context: any) => {
      envelopes.push({
        arn: event.DurableExecutionArn,
        checkpoints: checkpointsIn(event.InitialExecutionState.Operations)
      })
      const output = await handler(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      outputs.push(output.Status)
      return output
    }
  })
  const result = await runner.run({ payload: {} })
  const spans = seen.map((invocation) => invocation.span)
  return named(
    {
      status: result.getStatus(),
      outputs,
      checkpoints: envelopes.map((envelope) => envelope.checkpoints),
      extractions: seen.map((invocation) => invocation.extraction),
      spans: spans.map(spanAttributes)
    },
    spans,
    { ARN: envelopes[0]!.arn }
  )
}

describe("DurableTracing on both lines: a real durable execution (local runner, checkpoint server)", () => {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

  it.live("writes the same checkpoints, extracts the same results and tags the same attributes", () =>
    Effect.gen(function*() {
      const v3 = yield* Effect.promise(() => runnerRun(lines["3"]))
      const v4 = yield* Effect.promise(() => runnerRun(lines["4"]))
      assert.deepStrictEqual(v4, v3)
      // What both did: _datadog_0 anchored on invocation 1's span, _datadog_1 when invocation 2 kept the trace.
      const { checkpoints, outputs, status } = v4 as any
      assert.strictEqual(status, "SUCCEEDED")
      assert.deepStrictEqual(outputs, ["PENDING", "PENDING", "SUCCEEDED"])
      assert.deepStrictEqual(checkpoints, [
        [],
        [{
          name: "_datadog_0",
          payload: JSON.stringify({
            "x-datadog-trace-id": "traceLow",
            "x-datadog-parent-id": "span0",
            "x-datadog-sampling-priority": "1",
            "x-datadog-tags": "_dd.p.tid=traceHigh"
          })
        }],
        [
          {
            name: "_datadog_0",
            payload: JSON.stringify({
              "x-datadog-trace-id": "traceLow",
              "x-datadog-parent-id": "span0",
              "x-datadog-sampling-priority": "1",
              "x-datadog-tags": "_dd.p.tid=traceHigh"
            })
          },
          {
            name: "_datadog_1",
            payload: JSON.stringify({
              "x-datadog-trace-id": "traceLow",
              "x-datadog-parent-id": "span0",
              "x-datadog-sampling-priority": "2",
              "x-datadog-tags": "_dd.p.tid=traceHigh"
            })
          }
        ]
      ])
      assert.deepStrictEqual(
        (v4 as any).spans.map((span: any) => span["aws.durable.trace_checkpoint"]),
        ["_datadog_0", "_datadog_1", undefined]
      )
    }))
})

// ---------------------------------------------------------------------------------------------------------------
// Wire-shaped envelopes over a recording transport
// ---------------------------------------------------------------------------------------------------------------

const lambdaContext = { awsRequestId: "req-1", functionName: "my-fn", getRemainingTimeInMillis: () => 1_500 }

// dd-trace's capture's workflow (fetch-user → wait → greet), then a second wait, so a resume suspends again; `keep`
// keeps the trace before the first wait.
const wireWorkflow = (line: Line, seen: Array<Seen>, keep: boolean) =>
async (
  event: { readonly userId?: string },
  ctx: DurableContext
) => {
  const invocation = line.current()!
  seen.push(invocation)
  const user = await ctx.step("fetch-user", async () => ({ id: event.userId, name: "Ada" }))
  if (keep) invocation.span.attribute("sampling.priority", 2)
  await ctx.wait("pause", { seconds: 2 })
  const greeting = await ctx.step("greet", async () => `hello ${user.name}`)
  await ctx.wait("again", { seconds: 2 })
  return greeting
}

interface WireCase {
  readonly envelope: Record<string, any>
  readonly pages?: Readonly<Record<string, Page>>
  readonly keep?: boolean
  readonly spanName?: string
}

const wireRun = async (line: Line, testCase: WireCase) => {
  const seen: Array<Seen> = []
  const transport = fakeTransport(testCase.pages ?? {})
  const handler = line.withDurableExecution(
    wireWorkflow(line, seen, testCase.keep === true),
    { durableExecutionClient: transport },
    testCase.spanName === undefined ? {} : { spanName: testCase.spanName, ddTraceVersion: "5.0.0" }
  )
  const output = await handler(structuredClone(testCase.envelope), { ...lambdaContext })
  const spans = seen.map((invocation) => invocation.span)
  return named({
    output,
    markers: transport.requests.map((request) => request.Marker),
    written: writtenIn(transport.checkpoints),
    extractions: seen.map((invocation) => invocation.extraction),
    spans: spans.map(spanAttributes)
  }, spans)
}

const [captured] = readRuns("ddtrace-writer.json")
const wire = (index: number) =>
  toWire(captured!.invocations[index]!.envelope, { functionName: "my-fn", executionName: "lines" })

const firstWithUpstream = () => {
  const first = wire(0)
  first.InitialExecutionState.Operations[0].ExecutionDetails = {
    InputPayload: JSON.stringify({
      userId: "u-123",
      _datadog: {
        "x-datadog-trace-id": "5555555555555555001",
        "x-datadog-parent-id": "5555555555555555002",
        "x-datadog-sampling-priority": "1",
        "x-datadog-tags": "_dd.p.tid=6a5f3e2100000000"
      }
    })
  }
  return first
}

// _datadog_0 (priority 2) on the first page, the newest, _datadog_3 (priority 1), on the last.
const paged = (): WireCase => ({
  envelope: envelope(
    [execution(), checkpoint(0, headers("111", "48059", { "x-datadog-sampling-priority": "2" }))],
    { NextMarker: "page-2" }
  ),
  pages: {
    // The workflow's first step (positional id "1"), replayed.
    "page-2": {
      Operations: [step("fetch-user", JSON.stringify({ id: "u-123", name: "Ada" }), { Id: "c4ca4238a0b92382" })],
      NextMarker: "page-3"
    },
    "page-3": {
      Operations: [checkpoint(3, headers("111", "48059", { "x-datadog-sampling-priority": "1" }))],
      NextMarker: ""
    }
  }
})

const wireCases: Record<string, WireCase> = {
  "first invocation, upstream in the input": { envelope: firstWithUpstream() },
  "first invocation, upstream in the input, trace kept": { envelope: firstWithUpstream(), keep: true },
  "resume from dd-trace's _datadog_0": { envelope: wire(1) },
  "resume from dd-trace's _datadog_0, trace kept": { envelope: wire(1), keep: true },
  "newest checkpoint on a later page": paged(),
  "newest checkpoint on a later page, trace kept": { ...paged(), keep: true },
  "the serverless view's span name, first invocation": { envelope: firstWithUpstream(), spanName: "aws.lambda" },
  "the serverless view's span name, resume": { envelope: wire(1), spanName: "aws.lambda" }
}

describe("DurableTracing on both lines: wire-shaped envelopes over a recording transport", () => {
  for (const [name, testCase] of Object.entries(wireCases)) {
    it.live(name, () =>
      Effect.gen(function*() {
        const v3 = yield* Effect.promise(() => wireRun(lines["3"], testCase))
        const v4 = yield* Effect.promise(() => wireRun(lines["4"], testCase))
        assert.deepStrictEqual(v4, v3)
        assert.strictEqual((v4 as any).output.Status, "PENDING")
      }))
  }

  it.live("the cases write what they should", () =>
    Effect.gen(function*() {
      const run = (testCase: WireCase) => Effect.promise(() => wireRun(lines["4"], testCase) as Promise<any>)
      const succeeded = (result: any) =>
        result.written.filter((update: any) => update.Action === "SUCCEED").map((update: any) => [
          update.Name,
          JSON.parse(update.Payload)
        ])
      // A first invocation continues the upstream (its span's trace, named `trace*`, is the upstream's), and anchors
      // on its own span.
      const first = yield* run(wireCases["first invocation, upstream in the input"]!)
      assert.strictEqual(first.extractions[0].context.traceId, "traceLow")
      assert.strictEqual(first.extractions[0].context.parentId, "5555555555555555002")
      assert.deepStrictEqual(succeeded(first), [["_datadog_0", {
        "x-datadog-trace-id": "traceLow",
        "x-datadog-parent-id": "span0",
        "x-datadog-sampling-priority": "1",
        "x-datadog-tags": "_dd.p.tid=traceHigh"
      }]])
      // The resume continues dd-trace's _datadog_0, whose payload has no sampling priority: the invocation's (its
      // sampling decision) differs, so it saves _datadog_1, anchored on dd-trace's parent.
      const resumed = yield* run(wireCases["resume from dd-trace's _datadog_0"]!)
      assert.strictEqual(resumed.extractions[0].context.source, "durable-checkpoint")
      assert.deepStrictEqual(succeeded(resumed), [["_datadog_1", {
        "x-datadog-trace-id": "traceLow",
        "x-datadog-parent-id": "6090727396883337519",
        "x-datadog-sampling-priority": "1",
        "x-datadog-tags": "_dd.p.tid=traceHigh"
      }]])
      assert.strictEqual(resumed.spans[0]["aws.durable.trace_checkpoint"], "_datadog_1")
      // The newest checkpoint is read from the last page; keeping the trace writes the next one, on its anchor.
      const pagedUnchanged = yield* run(wireCases["newest checkpoint on a later page"]!)
      assert.deepStrictEqual(pagedUnchanged.markers, ["page-2", "page-3"])
      assert.deepStrictEqual(succeeded(pagedUnchanged), [])
      const kept = yield* run(wireCases["newest checkpoint on a later page, trace kept"]!)
      assert.deepStrictEqual(succeeded(kept), [["_datadog_4", {
        "x-datadog-trace-id": "traceLow",
        "x-datadog-parent-id": "48059",
        "x-datadog-sampling-priority": "2"
      }]])
    }))
})
