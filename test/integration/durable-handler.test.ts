// The durable example app, run by the SDK's local test runner (real SDK, real checkpoint server, offline).
//
// Time is real (`skipTime: false`): with `skipTime` the runner completes waits inside the running invocation (see
// aws-durable-events.md §13.4), so a multi-invocation workflow would not suspend at every wait. Each wait lasts
// 1 s and each invocation reports 1.5 s left, so the SDK suspends at every wait as it would on AWS.
import type { DurableExecutionInvocationOutput } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { Context } from "aws-lambda"
import { handler, type Order } from "../../examples/durable-handler.js"
import * as CheckpointName from "../../src/internal/durable/checkpointName.js"
import { checkpointExtractorReady } from "./support/checkpointExtractor.js"

interface Checkpoint {
  readonly name: string
  readonly headers: Readonly<Record<string, string>>
}

interface Invocation {
  /** The checkpoints in the envelope this invocation received. */
  readonly checkpoints: ReadonlyArray<Checkpoint>
  readonly output: DurableExecutionInvocationOutput
}

const checkpointsIn = (operations: ReadonlyArray<any>): Array<Checkpoint> =>
  operations.flatMap((operation) =>
    CheckpointName.parse(operation.Name) !== undefined
      ? [{ name: operation.Name, headers: JSON.parse(operation.StepDetails.Result) }]
      : []
  )

const run = async (order: Order) => {
  const invocations: Array<Invocation> = []
  const runner = new LocalDurableTestRunner({
    handlerFunction: async (event: any, context: Context) => {
      const checkpoints = checkpointsIn(event.InitialExecutionState.Operations)
      const output = await handler(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      invocations.push({ checkpoints, output })
      return output
    }
  })
  const result = await runner.run({ payload: { ...order, waitSeconds: 1 } })
  return { result, invocations }
}

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }))
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

// The workflows wait on real timers: both start together once the runner is up, and the tests read their results.
let runs: { readonly plain: ReturnType<typeof run>; readonly priority: ReturnType<typeof run> }
beforeAll(() => {
  runs = { plain: run({ orderId: "o-1" }), priority: run({ orderId: "o-2", priority: true }) }
  // A test that is skipped never awaits its run: its failure is the test's to report, not an unhandled rejection.
  for (const started of Object.values(runs)) started.catch(() => undefined)
})

describe("examples/durable-handler", () => {
  it("completes the workflow; its first suspension saves _datadog_0 in dd-trace's payload format", async () => {
    const { invocations, result } = await runs.plain
    assert.strictEqual(result.getStatus(), "SUCCEEDED")
    assert.deepStrictEqual(result.getResult(), {
      orderId: "o-1",
      reserved: true,
      charged: true,
      shipped: true,
      confirmed: true
    })
    assert.deepStrictEqual(invocations.map((invocation) => String(invocation.output.Status)), [
      "PENDING",
      "PENDING",
      "PENDING",
      "SUCCEEDED"
    ])
    assert.lengthOf(invocations[0].checkpoints, 0)
    const [saved] = invocations[1].checkpoints
    assert.strictEqual(saved.name, "_datadog_0")
    assert.deepStrictEqual(Object.keys(saved.headers), [
      "x-datadog-trace-id",
      "x-datadog-parent-id",
      "x-datadog-sampling-priority",
      "x-datadog-tags"
    ])
    assert.match(saved.headers["x-datadog-trace-id"], /^[1-9][0-9]*$/)
    assert.match(saved.headers["x-datadog-parent-id"], /^[1-9][0-9]*$/)
    assert.strictEqual(saved.headers["x-datadog-sampling-priority"], "1")
    assert.match(saved.headers["x-datadog-tags"], /^_dd\.p\.tid=[0-9a-f]{16}$/)
  })
})

describe.skipIf(!checkpointExtractorReady)("examples/durable-handler, resumed invocations", () => {
  it("saves nothing more while the context does not change", async () => {
    const { invocations } = await runs.plain
    assert.deepStrictEqual(invocations[3].checkpoints.map((checkpoint) => checkpoint.name), ["_datadog_0"])
  })

  it("saves a second checkpoint, on the same trace and anchor, when a priority order keeps its trace", async () => {
    const { invocations, result } = await runs.priority
    assert.strictEqual(result.getStatus(), "SUCCEEDED")
    // Invocation 2 changes nothing; invocation 3 keeps the trace.
    assert.deepStrictEqual(invocations[2].checkpoints.map((checkpoint) => checkpoint.name), ["_datadog_0"])
    const checkpoints = invocations[3].checkpoints
    assert.deepStrictEqual(checkpoints.map((checkpoint) => checkpoint.name), ["_datadog_0", "_datadog_1"])
    const [first, second] = checkpoints.map((checkpoint) => checkpoint.headers)
    assert.strictEqual(second["x-datadog-trace-id"], first["x-datadog-trace-id"])
    assert.strictEqual(second["x-datadog-tags"], first["x-datadog-tags"])
    assert.strictEqual(second["x-datadog-parent-id"], first["x-datadog-parent-id"])
    assert.strictEqual(first["x-datadog-sampling-priority"], "1")
    assert.strictEqual(second["x-datadog-sampling-priority"], "2")
  })
})
