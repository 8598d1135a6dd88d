// DurableTracing with paged state: when the envelope's `NextMarker` is set, the extraction reads the later pages
// through the SDK's own client, so the newest `_datadog_{N}` checkpoint is found there, and the writer numbers the
// next one from it. Each page is fetched once: the SDK gets the page the extraction read.
//
// Two transports: a fake one serving three pages (the real SDK pages, replays and checkpoints through it), and the
// local test runner's own client (real SDK, real checkpoint server), with the runner's envelope cut down to its
// EXECUTION operation as if the service had sent a short first page (the runner's client answers every marker with
// the whole state, and never paginates by itself).
import type { DurableContext, DurableExecutionClient } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { Context } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"
import * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"
import * as CurrentExtraction from "../../src/services/CurrentExtraction.js"
import type { GetStateRequest } from "../../src/services/DurableState.js"
import * as DurableTracing from "../../src/wrappers/DurableTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { reservedStep } from "./support/operations.js"
import { pagedTransport, type Pages, written } from "./support/transport.js"

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/paged/0e230abf"

const checkpoint = (n: number, headers: Record<string, string>) => {
  const name = CheckpointName.format(n)
  return {
    Id: CheckpointPlan.operationId(name, ARN),
    Name: name,
    Type: "STEP",
    SubType: "STEP",
    Status: "SUCCEEDED",
    StartTimestamp: 1795584939200 + n,
    StepDetails: { Result: JSON.stringify(headers) }
  }
}

const headers = (priority: string) => ({
  "x-datadog-trace-id": "111",
  "x-datadog-parent-id": "48059",
  "x-datadog-sampling-priority": priority
})

const execution = {
  Id: "0e230abf",
  Type: "EXECUTION",
  Status: "STARTED",
  StartTimestamp: 1795584939148,
  ExecutionDetails: { InputPayload: "{\"orderId\":\"o-1\"}" }
}

const reserve = reservedStep

/** First page: the EXECUTION operation (and `firstPage`); then the pages, by marker. */
const envelope = (firstPage: ReadonlyArray<unknown>, nextMarker: string) => ({
  DurableExecutionArn: ARN,
  CheckpointToken: "token-0",
  InitialExecutionState: { Operations: [execution, ...firstPage], NextMarker: nextMarker }
})

const lambdaContext = { awsRequestId: "req-1", getRemainingTimeInMillis: () => 1_500 } as unknown as Context

const checkpointAttempt = (result: ExtractionResult) =>
  result.attempts.find((attempt) => attempt.extractor === "durable-checkpoint")

// reserve (replayed) → optionally keep the trace → wait (suspends).
const workflow = (seen: Array<ExtractionResult>, keep: boolean) => (_order: unknown, ctx: DurableContext) =>
  Effect.gen(function*() {
    seen.push(yield* Effect.flatMap(CurrentExtraction.get, Effect.orDie))
    yield* Effect.promise(() => ctx.step("reserve", async () => "never re-run"))
    if (keep) yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
    yield* Effect.promise(() => ctx.wait("pause", { seconds: 60 }))
    return "done"
  })

describe("DurableTracing reads later pages through the SDK's client", () => {
  // Page 1: EXECUTION. Page 2: the replayed step. Page 3: the newest checkpoint.
  const threePages: Pages = {
    "page-2": { Operations: [reserve], NextMarker: "page-3" },
    "page-3": { Operations: [checkpoint(3, headers("1"))], NextMarker: "" }
  }

  it.effect("finds the newest checkpoint on the last page, fetches each page once, and writes _datadog_4", () =>
    Effect.gen(function*() {
      const { checkpoints, client, requests } = pagedTransport(threePages)
      const seen: Array<ExtractionResult> = []
      const handler = DurableTracing.make({
        handler: workflow(seen, true),
        layer: Layer.empty,
        config: { durableExecutionClient: client }
      })
      const output = yield* Effect.promise(() => handler(envelope([], "page-2") as never, lambdaContext))
      assert.strictEqual(output.Status, "PENDING")

      const [extraction] = seen
      const context = Option.getOrThrow(extraction!.context)
      assert.deepStrictEqual([context.source, context.traceId, context.parentId], [
        "durable-checkpoint",
        "111",
        "48059"
      ])
      assert.strictEqual(checkpointAttempt(extraction!)?.detail, "read 2 later page(s); used _datadog_3")

      // The extraction fetched pages 2 and 3; the SDK replayed from them without asking again.
      assert.deepStrictEqual(requests.map((request) => [request.Marker, request.CheckpointToken, request.MaxItems]), [
        ["page-2", "token-0", 1000],
        ["page-3", "token-0", 1000]
      ])
      // N = highest existing + 1, the anchor of the newest checkpoint, the trace it continues.
      assert.deepStrictEqual(written(checkpoints), [{
        name: "_datadog_4",
        headers: { ...headers("2") }
      }])
      assert.strictEqual(checkpoints.at(-1)!.Updates![0]!.Id, CheckpointPlan.operationId("_datadog_4", ARN))
    }))

  it.effect("an older checkpoint on the first page does not win over the newer one on a later page", () =>
    Effect.gen(function*() {
      // _datadog_0 (priority 1) on page 1, _datadog_1 (priority 2) on page 2.
      const pages: Pages = { "page-2": { Operations: [reserve, checkpoint(1, headers("2"))], NextMarker: "" } }
      const first = [checkpoint(0, headers("1"))]

      const paged = pagedTransport(pages)
      const seen: Array<ExtractionResult> = []
      const handler = DurableTracing.make({
        handler: workflow(seen, false),
        layer: Layer.empty,
        config: { durableExecutionClient: paged.client }
      })
      yield* Effect.promise(() => handler(envelope(first, "page-2") as never, lambdaContext))
      const context = Option.getOrThrow(seen[0]!.context)
      assert.deepStrictEqual(context.samplingPriority, Option.some(2))
      assert.strictEqual(checkpointAttempt(seen[0]!)?.detail, "read 1 later page(s); used _datadog_1")
      // The invocation continues _datadog_1 unchanged: nothing to write.
      assert.deepStrictEqual(written(paged.checkpoints), [])
      assert.lengthOf(paged.requests, 1)

      // Without paging the first page's _datadog_0 is used, and the attempts say the later pages were not read.
      const unpaged = pagedTransport(pages)
      const unpagedSeen: Array<ExtractionResult> = []
      const unpagedHandler = DurableTracing.make({
        handler: workflow(unpagedSeen, false),
        layer: Layer.empty,
        config: { durableExecutionClient: unpaged.client },
        readLaterPages: false
      })
      yield* Effect.promise(() => unpagedHandler(envelope(first, "page-2") as never, lambdaContext))
      assert.deepStrictEqual(Option.getOrThrow(unpagedSeen[0]!.context).samplingPriority, Option.some(1))
      assert.strictEqual(
        checkpointAttempt(unpagedSeen[0]!)?.detail,
        "NextMarker set: later pages not read (no DurableState service); used _datadog_0"
      )
      // ...and the invocation then continues the older context, which differs from the newest checkpoint (seen by
      // the writer on the SDK's pages): it is saved again as _datadog_2. Paging avoids this.
      assert.deepStrictEqual(written(unpaged.checkpoints), [{ name: "_datadog_2", headers: headers("1") }])
    }))

  it.effect("without paging: the attempts say the later pages were not read; the writer still numbers from them", () =>
    Effect.gen(function*() {
      const { checkpoints, client, requests } = pagedTransport(threePages)
      const seen: Array<ExtractionResult> = []
      const handler = DurableTracing.make({
        handler: workflow(seen, true),
        layer: Layer.empty,
        config: { durableExecutionClient: client },
        readLaterPages: false
      })
      const output = yield* Effect.promise(() => handler(envelope([], "page-2") as never, lambdaContext))
      assert.strictEqual(output.Status, "PENDING")
      const [extraction] = seen
      assert.isFalse(Option.exists(extraction!.context, (context) => context.source === "durable-checkpoint"))
      assert.include(checkpointAttempt(extraction!)?.detail, "NextMarker set: later pages not read")
      // Only the SDK paged (once per page), and the writer saw its pages.
      assert.deepStrictEqual(requests.map((request) => request.Marker), ["page-2", "page-3"])
      assert.deepStrictEqual(written(checkpoints).map((checkpoint) => checkpoint.name), ["_datadog_4"])
    }))

  it.effect("a page the extraction could not read is fetched again by the SDK", () =>
    Effect.gen(function*() {
      let failures = 1
      const { client, requests } = pagedTransport(threePages)
      const flaky: DurableExecutionClient = {
        ...client,
        getExecutionState: async (params, logger) => {
          if (params.Marker === "page-3" && failures-- > 0) {
            requests.push({ ...params } as GetStateRequest)
            throw new Error("throttled")
          }
          return client.getExecutionState(params, logger)
        }
      }
      const seen: Array<ExtractionResult> = []
      const handler = DurableTracing.make({
        handler: workflow(seen, false),
        layer: Layer.empty,
        config: { durableExecutionClient: flaky }
      })
      const output = yield* Effect.promise(() => handler(envelope([], "page-2") as never, lambdaContext))
      assert.strictEqual(output.Status, "PENDING")
      assert.match(
        checkpointAttempt(seen[0]!)?.detail ?? "",
        /reading page 3 failed \(RequestFailed: Error\)/
      )
      assert.deepStrictEqual(requests.map((request) => request.Marker), ["page-2", "page-3", "page-3"])
    }))
})

// ---------------------------------------------------------------------------------------------------------------
// The local test runner's own client
// ---------------------------------------------------------------------------------------------------------------

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

// The runner's in-process event is a class instance carrying its client: keep the class, cut the state.
const firstPageOnly = (event: any) => {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(event)), event)
  copy.InitialExecutionState = { Operations: event.InitialExecutionState.Operations.slice(0, 1), NextMarker: "p2" }
  return copy
}

interface RunnerInvocation {
  readonly operations: number
  readonly extraction: ExtractionResult
  readonly checkpointNames: ReadonlyArray<string>
}

const runWithRunner = (options: { readonly readLaterPages: boolean; readonly keepFrom: number }) =>
  Effect.gen(function*() {
    const invocations: Array<RunnerInvocation> = []
    let current: { operations: number; checkpointNames: Array<string> } | undefined
    const handler = DurableTracing.make({
      handler: (_input: unknown, ctx: DurableContext) =>
        Effect.gen(function*() {
          const extraction = yield* Effect.flatMap(CurrentExtraction.get, Effect.orDie)
          invocations.push({ ...current!, extraction })
          for (let n = 1; n <= 3; n++) {
            yield* Effect.promise(() => ctx.step(`stage-${n}`, async () => n))
            if (n >= options.keepFrom) yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
            if (n < 3) yield* Effect.promise(() => ctx.wait(`wait-${n}`, { seconds: 1 }))
          }
          return "done"
        }),
      layer: Layer.empty,
      readLaterPages: options.readLaterPages
    })
    const runner = new LocalDurableTestRunner({
      handlerFunction: async (event: any, context: Context) => {
        const operations: Array<any> = event.InitialExecutionState.Operations
        current = {
          operations: operations.length,
          checkpointNames: operations.flatMap((op) => CheckpointName.parse(op.Name) === undefined ? [] : [op.Name])
        }
        const sent = operations.length > 1 ? firstPageOnly(event) : event
        return handler(sent, { ...context, getRemainingTimeInMillis: () => 1_500 })
      }
    })
    const result = yield* Effect.promise(() => runner.run({ payload: {} }))
    assert.strictEqual(result.getStatus(), "SUCCEEDED")
    return invocations
  })

describe("DurableTracing paging through the local runner's client (real SDK, checkpoint server)", () => {
  it.live("every resumed invocation finds the checkpoint only a later page holds, and numbers the next one", () =>
    Effect.gen(function*() {
      // Invocation 1 writes _datadog_0; invocation 2 keeps the trace (a changed context) and writes _datadog_1.
      const invocations = yield* runWithRunner({ readLaterPages: true, keepFrom: 2 })
      assert.lengthOf(invocations, 3)
      assert.deepStrictEqual(invocations.map((invocation) => invocation.checkpointNames), [
        [],
        ["_datadog_0"],
        ["_datadog_0", "_datadog_1"]
      ])
      const [, second, third] = invocations
      assert.strictEqual(checkpointAttempt(second!.extraction)?.detail, "read 1 later page(s); used _datadog_0")
      assert.strictEqual(checkpointAttempt(third!.extraction)?.detail, "read 1 later page(s); used _datadog_1")
      const anchor = Option.getOrThrow(second!.extraction.context)
      const newest = Option.getOrThrow(third!.extraction.context)
      assert.strictEqual(newest.traceId, anchor.traceId)
      assert.strictEqual(newest.parentId, anchor.parentId)
      assert.deepStrictEqual(newest.samplingPriority, Option.some(2))
    }))

  it.live("without paging, resumed invocations say the later pages were not read", () =>
    Effect.gen(function*() {
      const invocations = yield* runWithRunner({ readLaterPages: false, keepFrom: 4 })
      for (const invocation of invocations.slice(1)) {
        assert.isFalse(
          Option.exists(invocation.extraction.context, (context) => context.source === "durable-checkpoint")
        )
        assert.include(checkpointAttempt(invocation.extraction)?.detail, "NextMarker set: later pages not read")
      }
    }))
})
