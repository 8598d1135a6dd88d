// The durable metadata on the invocation span (`aws.durable.execute`), exported through @effect/opentelemetry:
// execution name and id (from the ARN), first invocation or resume, and the invocation status of each outcome
// (`succeeded`, `failed`, `pending`: dd-trace's `aws.durable.invocation_status`, lower-cased). The real SDK runs
// every case: over a fake transport with a real execution ARN, and under the local test runner (whose ARN is a
// bare UUID, so it has no name or id).
import type { DurableContext, DurableExecutionClient } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, beforeEach, describe, it } from "@effect/vitest"
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base"
import type { Context } from "aws-lambda"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as DurableMetadata from "../../src/internal/durable/durableMetadata.js"
import * as DurableTracing from "../../src/wrappers/DurableTracing.js"
import { inMemoryTracing } from "../support/otel.js"
import { orderArn, orderExecution, reservedStep } from "./support/operations.js"

const { exporter, layer: TracingLive } = inMemoryTracing("durable-metadata")

const ARN = orderArn

const execution = orderExecution

const reserved = reservedStep

const envelope = (operations: ReadonlyArray<unknown>) => ({
  DurableExecutionArn: ARN,
  CheckpointToken: "token-0",
  InitialExecutionState: { Operations: [...operations] }
})

const client: DurableExecutionClient = {
  getExecutionState: async () => ({ Operations: [] }) as never,
  checkpoint: async () => ({ CheckpointToken: "token-1", NewExecutionState: { Operations: [] } }) as never
}

const lambdaContext = { awsRequestId: "req-1", getRemainingTimeInMillis: () => 1_500 } as unknown as Context

class OutOfStock extends Data.TaggedError("OutOfStock")<{ readonly message: string }> {}

type Outcome = "complete" | "suspend" | "fail"

// reserve → then complete, wait (suspends) or fail.
const workflow = (outcome: Outcome) => (_order: unknown, ctx: DurableContext) =>
  Effect.gen(function*() {
    const reservation = yield* Effect.promise(() => ctx.step("reserve", async () => "reserved"))
    if (outcome === "suspend") yield* Effect.promise(() => ctx.wait("pause", { seconds: 60 }))
    if (outcome === "fail") return yield* new OutOfStock({ message: "sku-1 is out of stock" })
    return reservation
  })

const invocationSpans = (): Array<ReadableSpan> =>
  exporter.getFinishedSpans().filter((span) => span.name === DurableTracing.DEFAULT_SPAN_NAME)

const durableAttributes = (span: ReadableSpan): Record<string, unknown> =>
  Object.fromEntries(Object.entries(span.attributes).filter(([key]) => key.startsWith("aws.durable.")))

const runOnce = (outcome: Outcome, operations: ReadonlyArray<unknown>) =>
  Effect.gen(function*() {
    const handler = DurableTracing.make({
      handler: workflow(outcome),
      layer: TracingLive,
      config: { durableExecutionClient: client }
    })
    const output = yield* Effect.promise(() => handler(envelope(operations) as never, lambdaContext))
    const [span] = invocationSpans()
    return { output, attributes: durableAttributes(span!) }
  })

describe("durable metadata on the invocation span (real SDK, fake transport, real ARN)", () => {
  beforeEach(() => exporter.reset())

  it.effect("first invocation that completes: name, id, first_invocation true, succeeded", () =>
    Effect.gen(function*() {
      const { attributes, output } = yield* runOnce("complete", [execution])
      assert.strictEqual(output.Status, "SUCCEEDED")
      assert.deepStrictEqual(attributes, {
        "aws.durable.execution_arn": ARN,
        "aws.durable.execution_name": "order-42",
        "aws.durable.execution_id": "0e230abf",
        "aws.durable.first_invocation": "true",
        "aws.durable.invocation_status": "succeeded"
      })
    }))

  it.effect("first invocation that suspends: pending, and the trace checkpoint it wrote", () =>
    Effect.gen(function*() {
      const { attributes, output } = yield* runOnce("suspend", [execution])
      assert.strictEqual(output.Status, "PENDING")
      assert.deepStrictEqual(attributes, {
        "aws.durable.execution_arn": ARN,
        "aws.durable.execution_name": "order-42",
        "aws.durable.execution_id": "0e230abf",
        "aws.durable.first_invocation": "true",
        "aws.durable.invocation_status": "pending",
        "aws.durable.trace_checkpoint": "_datadog_0"
      })
    }))

  it.effect("resumed invocation that fails: first_invocation false, failed", () =>
    Effect.gen(function*() {
      const { attributes, output } = yield* runOnce("fail", [execution, reserved])
      assert.strictEqual(output.Status, "FAILED")
      assert.deepStrictEqual(attributes, {
        "aws.durable.execution_arn": ARN,
        "aws.durable.execution_name": "order-42",
        "aws.durable.execution_id": "0e230abf",
        "aws.durable.first_invocation": "false",
        "aws.durable.invocation_status": "failed"
      })
    }))

  it.effect("resumed invocation that completes and one that suspends again", () =>
    Effect.gen(function*() {
      const completed = yield* runOnce("complete", [execution, reserved])
      assert.strictEqual(completed.attributes["aws.durable.first_invocation"], "false")
      assert.strictEqual(completed.attributes["aws.durable.invocation_status"], "succeeded")
      exporter.reset()
      const suspended = yield* runOnce("suspend", [execution, reserved])
      assert.strictEqual(suspended.attributes["aws.durable.first_invocation"], "false")
      assert.strictEqual(suspended.attributes["aws.durable.invocation_status"], "pending")
    }))

  it.effect("the promise wrapper tags the same attributes, with the names DurableMetadata defines", () =>
    Effect.gen(function*() {
      const handler = DurableTracing.withDurableExecution(
        async (_event: unknown, ctx: DurableContext) => ctx.step("reserve", async () => "reserved"),
        { durableExecutionClient: client },
        { layer: TracingLive }
      )
      const output = yield* Effect.promise(() => handler(envelope([execution]) as never, lambdaContext))
      const [span] = invocationSpans()
      const metadata = DurableMetadata.fromEvent(envelope([execution]))
      assert.strictEqual(metadata._tag, "Some")
      assert.deepStrictEqual(durableAttributes(span!), {
        "aws.durable.execution_arn": ARN,
        ...(metadata._tag === "Some" ? DurableMetadata.toAttributes(metadata.value) : {}),
        ...DurableMetadata.statusAttributes(output)
      })
      assert.strictEqual(DurableMetadata.attributeNames.status, "aws.durable.invocation_status")
    }))
})

describe("durable metadata across a local runner execution (real SDK, checkpoint server)", () => {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())
  beforeEach(() => exporter.reset())

  const run = (fail: boolean) =>
    Effect.gen(function*() {
      const handler = DurableTracing.make({
        handler: (_input: unknown, ctx: DurableContext) =>
          Effect.gen(function*() {
            yield* Effect.promise(() => ctx.step("reserve", async () => "reserved"))
            yield* Effect.promise(() => ctx.wait("pause-1", { seconds: 1 }))
            yield* Effect.promise(() => ctx.step("charge", async () => "charged"))
            yield* Effect.promise(() => ctx.wait("pause-2", { seconds: 1 }))
            if (fail) return yield* new OutOfStock({ message: "sku-1 is out of stock" })
            return "shipped"
          }),
        layer: TracingLive
      })
      const runner = new LocalDurableTestRunner({
        handlerFunction: (event: any, context: Context) =>
          handler(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      })
      const result = yield* Effect.promise(() => runner.run({ payload: {} }))
      return { status: result.getStatus(), spans: invocationSpans().map(durableAttributes) }
    })

  it.live("first invocation only once; pending while it suspends, then succeeded", () =>
    Effect.gen(function*() {
      const { spans, status } = yield* run(false)
      assert.strictEqual(status, "SUCCEEDED")
      assert.deepStrictEqual(
        spans.map((span) => [span["aws.durable.first_invocation"], span["aws.durable.invocation_status"]]),
        [["true", "pending"], ["false", "pending"], ["false", "succeeded"]]
      )
      // The runner's ARN is a bare UUID: no execution name or id to report.
      for (const span of spans) {
        assert.isString(span["aws.durable.execution_arn"])
        assert.notProperty(span, "aws.durable.execution_name")
        assert.notProperty(span, "aws.durable.execution_id")
      }
    }))

  it.live("an execution that fails after resuming ends with failed", () =>
    Effect.gen(function*() {
      const { spans, status } = yield* run(true)
      assert.strictEqual(status, "FAILED")
      assert.deepStrictEqual(spans.map((span) => span["aws.durable.invocation_status"]), [
        "pending",
        "pending",
        "failed"
      ])
      assert.deepStrictEqual(spans.map((span) => span["aws.durable.first_invocation"]), ["true", "false", "false"])
    }))
})
