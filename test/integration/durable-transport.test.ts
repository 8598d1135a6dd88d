// DurableTracing over the SDK's configured transport (the path a real Lambda takes), with a wire-shaped envelope
// whose state continues on a second page. The local test runner never paginates and always injects its own
// transport, so this uses a recording in-memory transport (aws-durable-events.md §13.5): the real SDK pages,
// replays and checkpoints through it, and the test checks what the writer sent.
import type {
  CheckpointDurableExecutionRequest,
  DurableContext,
  DurableExecutionClient
} from "@aws/durable-execution-sdk-js"
import { assert, describe, it } from "@effect/vitest"
import type { Context } from "aws-lambda"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { vi } from "vitest"
import * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"
import * as CurrentExtraction from "../../src/services/CurrentExtraction.js"
import * as DurableTracing from "../../src/wrappers/DurableTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { example } from "../support/fixtures.js"
import { reservedStep } from "./support/operations.js"

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/my-exec/0e230abf"

const envelope = {
  DurableExecutionArn: ARN,
  CheckpointToken: "token-0",
  InitialExecutionState: {
    Operations: [{
      Id: "0e230abf",
      Type: "EXECUTION",
      Status: "STARTED",
      StartTimestamp: 1795584939148,
      ExecutionDetails: { InputPayload: "{\"orderId\":\"o-1\"}" }
    }],
    NextMarker: "page-2"
  }
}

// Page 2: the replayed step (positional id "1" → md5 prefix c4ca4238a0b92382) and the newest checkpoint.
const page2 = [
  reservedStep,
  {
    Id: CheckpointPlan.operationId("_datadog_3", ARN),
    Name: "_datadog_3",
    Type: "STEP",
    SubType: "STEP",
    Status: "SUCCEEDED",
    StartTimestamp: 1795584939200,
    StepDetails: {
      Result: "{\"x-datadog-trace-id\":\"111\",\"x-datadog-parent-id\":\"48059\",\"x-datadog-sampling-priority\":\"1\"}"
    }
  }
]

const recordingTransport = () => {
  const checkpoints: Array<CheckpointDurableExecutionRequest> = []
  const pages: Array<string | undefined> = []
  const client: DurableExecutionClient = {
    getExecutionState: async (params) => {
      pages.push(params.Marker)
      return { Operations: params.Marker === "page-2" ? page2 : [], NextMarker: undefined } as never
    },
    checkpoint: async (params) => {
      checkpoints.push(params)
      return { CheckpointToken: `token-${checkpoints.length}`, NewExecutionState: { Operations: [] } } as never
    }
  }
  return { checkpoints, client, pages }
}

const lambdaContext = {
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 1_500
} as unknown as Context

const workflow = (_order: { readonly orderId: string }, ctx: DurableContext) =>
  Effect.gen(function*() {
    yield* Effect.promise(() => ctx.step("reserve", async () => "never re-run"))
    // Changes the saved context whatever the extraction found, so the writer always writes.
    yield* Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)
    yield* Effect.promise(() => ctx.wait("pause", { seconds: 60 }))
    return "done"
  })

describe("DurableTracing over the configured transport", () => {
  it("sees checkpoints on later pages and writes with the latest token", async () => {
    const { checkpoints, client, pages } = recordingTransport()
    const handler = DurableTracing.make({
      handler: workflow,
      layer: Layer.empty,
      config: { durableExecutionClient: client }
    })
    const output = await handler(structuredClone(envelope) as never, lambdaContext)
    assert.strictEqual(output.Status, "PENDING")
    assert.deepStrictEqual(pages, ["page-2"])
    const names = checkpoints.map((request) => request.Updates?.map((update) => update.Name))
    // The SDK's own batch (the wait), then the writer's START + SUCCEED.
    assert.deepStrictEqual(names.at(-1), ["_datadog_4", "_datadog_4"])
    const write = checkpoints.at(-1)!
    assert.strictEqual(write.CheckpointToken, `token-${checkpoints.length - 1}`)
    assert.notStrictEqual(write.CheckpointToken, "token-0")
    const [start, succeed] = write.Updates!
    assert.strictEqual(start.Id, CheckpointPlan.operationId("_datadog_4", ARN))
    assert.strictEqual(start.Action, "START")
    assert.strictEqual(succeed.Action, "SUCCEED")
    const headers = JSON.parse(succeed.Payload!)
    assert.strictEqual(headers["x-datadog-parent-id"], "48059")
    assert.strictEqual(headers["x-datadog-sampling-priority"], "2")
  })

  it("rethrows the SDK's own error for an event that is not a durable envelope", async () => {
    const { client } = recordingTransport()
    const handler = DurableTracing.withDurableExecution(async () => "unused", { durableExecutionClient: client })
    const error = await handler({ hello: "world" } as never, lambdaContext).then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, Error)
    assert.match((error as Error).message, /Unexpected payload provided to start the durable execution/)
  })

  it("fails the execution with an Effect handler's own failure", async () => {
    class OutOfStock extends Data.TaggedError("OutOfStock")<{ readonly message: string }> {}
    const { client } = recordingTransport()
    const handler = DurableTracing.make({
      handler: (_event: unknown, ctx: DurableContext) =>
        Effect.promise(() => ctx.step("reserve", async () => "never re-run")).pipe(
          Effect.zipRight(Effect.fail(new OutOfStock({ message: "sku-1 is out of stock" })))
        ),
      layer: Layer.empty,
      config: { durableExecutionClient: client }
    })
    const output = await handler(structuredClone(envelope) as never, lambdaContext)
    assert.strictEqual(output.Status, "FAILED")
    assert.strictEqual(
      (output as { readonly Error: { readonly ErrorMessage?: string } }).Error.ErrorMessage,
      "sku-1 is out of stock"
    )
    assert.isUndefined(DurableTracing.currentInvocation())
  })

  it("does not write when the invocation completes", async () => {
    const { checkpoints, client } = recordingTransport()
    const handler = DurableTracing.withDurableExecution(
      async (_event: unknown, ctx: DurableContext) => ctx.step("reserve", async () => "never re-run"),
      { durableExecutionClient: client }
    )
    const output = await handler(structuredClone(envelope) as never, lambdaContext)
    assert.deepStrictEqual(output, { Status: "SUCCEEDED", Result: "\"reserved\"" } as never)
    assert.isTrue(checkpoints.every((request) => request.Updates?.every((update) => update.Name !== "_datadog_4")))
  })

  it("parses a first invocation's original event once for the input extractor and the serverless view", async () => {
    const original = example("apigw-v1")
    const payload = JSON.stringify(original)
    const first = {
      ...envelope,
      InitialExecutionState: {
        Operations: [{ ...envelope.InitialExecutionState.Operations[0], ExecutionDetails: { InputPayload: payload } }]
      }
    }
    // The SDK parses the payload too (the handler's event): the view must add no parse to the extractor's.
    const parsesOfPayload = async (spanName: string | undefined) => {
      const { client } = recordingTransport()
      let source: string | undefined
      const handler = DurableTracing.make({
        handler: (_event: unknown, _ctx: DurableContext) =>
          Effect.map(CurrentExtraction.context, (context) => {
            source = context._tag === "Some" ? context.value.source : undefined
            return "done"
          }),
        layer: Layer.empty,
        config: { durableExecutionClient: client },
        ...(spanName === undefined ? {} : { spanName })
      })
      const parse = vi.spyOn(JSON, "parse")
      try {
        const output = await handler(structuredClone(first) as never, lambdaContext)
        assert.strictEqual(output.Status, "SUCCEEDED")
        assert.strictEqual(source, "durable-input")
        return parse.mock.calls.filter(([text]) => text === payload).length
      } finally {
        parse.mockRestore()
      }
    }
    const withoutView = await parsesOfPayload(undefined)
    assert.isAtLeast(withoutView, 1)
    assert.strictEqual(await parsesOfPayload("aws.lambda"), withoutView)
  })
})
