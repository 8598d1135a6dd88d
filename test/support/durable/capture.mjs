// Runs real durable workflows with @aws/durable-execution-sdk-js and LocalDurableTestRunner (offline) and prints,
// as JSON on stdout, every invocation's envelope as the handler received it (JSON-serialised: timestamps become
// ISO strings) together with the handler's output.
//
// Usage: node test/support/durable/capture.mjs [scenario...]   (default: every scenario)
import { withDurableExecution } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing"

const envelopeOf = (event) => ({
  DurableExecutionArn: event.DurableExecutionArn,
  CheckpointToken: event.CheckpointToken,
  InitialExecutionState: event.InitialExecutionState,
  ...(event.UpdatedOperationIds === undefined ? {} : { UpdatedOperationIds: event.UpdatedOperationIds })
})

// A checkpoint in the format both Datadog writers use: a STEP named _datadog_{N} whose result is Datadog headers.
// `checkpoint(ctx, n, headers)` runs as a real durable step, so the SDK checkpoints it like any other.
const checkpoint = (ctx, n, headers) => ctx.step(`_datadog_${n}`, async () => headers)

// Module-level so the count survives across the runner's re-invocations of the handler.
let flakyTries = 0

const scenarios = {
  // step → wait → step (the workflow of the spec's §14.1/14.2), started by an SQS-shaped event.
  "step-wait-step": {
    payload: {
      Records: [{
        messageId: "m-1",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders",
        body: "{\"userId\":\"u-123\"}",
        attributes: {},
        messageAttributes: {
          _datadog: {
            dataType: "String",
            stringValue:
              "{\"x-datadog-trace-id\":\"4321\",\"x-datadog-parent-id\":\"8765\",\"x-datadog-sampling-priority\":\"1\"}"
          }
        }
      }]
    },
    handler: async (_event, ctx) => {
      const user = await ctx.step("fetch-user", async () => ({ id: "u-123", name: "Ada" }))
      await ctx.wait("pause", { seconds: 2 })
      const greeting = await ctx.step("greet", async () => `hello ${user.name}`)
      return { user, greeting }
    }
  },
  // The same workflow writing a checkpoint before every suspension, with the newest one changing trace.
  "checkpoints": {
    // Real-time waits: with skipTime the fake clock can finish a short wait inside the same invocation.
    skipTime: false,
    payload: { _datadog: { "x-datadog-trace-id": "1111", "x-datadog-parent-id": "2222" }, orderId: "o-1" },
    handler: async (_event, ctx) => {
      await checkpoint(ctx, 0, {
        "x-datadog-trace-id": "5791109302893801913",
        "x-datadog-parent-id": "8490924558609087153",
        "x-datadog-sampling-priority": "1",
        "x-datadog-tags": "_dd.p.tid=6b067c1000000000,_dd.p.dm=-0"
      })
      await ctx.wait("first-pause", { seconds: 1 })
      await ctx.step("work", async () => 21)
      await checkpoint(ctx, 1, {
        "x-datadog-trace-id": "5791109302893801913",
        "x-datadog-parent-id": "8490924558609087153",
        "x-datadog-sampling-priority": "2",
        "x-datadog-tags": "_dd.p.tid=6b067c1000000000,_dd.p.dm=-4"
      })
      await ctx.wait("second-pause", { seconds: 1 })
      return await ctx.step("finish", async () => "done")
    }
  },
  // retry → child context → parallel → wait, with an API Gateway-shaped input.
  "retry-child-parallel": {
    skipTime: false,
    payload: {
      resource: "/orders",
      path: "/orders",
      httpMethod: "POST",
      headers: {
        "X-Datadog-Trace-Id": "777",
        "X-Datadog-Parent-Id": "888",
        "X-Datadog-Sampling-Priority": "2"
      },
      requestContext: { requestId: "r-1", stage: "prod" },
      body: "{}"
    },
    handler: async (_event, ctx) => {
      const first = await ctx.step("flaky", async () => {
        const tries = ++flakyTries
        if (tries < 2) throw new Error(`boom #${tries}`)
        return { ok: true, tries }
      }, { retryStrategy: () => ({ shouldRetry: true, delay: { seconds: 1 } }) })
      const child = await ctx.runInChildContext("child-work", async (c) => (await c.step("inner", async () => 21)) * 2)
      const par = await ctx.parallel("fan-out", [
        async (c) => c.step("left", async () => "L"),
        async (c) => c.step("right", async () => "R")
      ])
      await ctx.wait({ seconds: 1 })
      return { first, child, par: par.getResults() }
    }
  },
  // waitForCallback, then a failing step.
  "callback-fail": {
    payload: { approvalId: "a-1" },
    callback: "approval",
    handler: async (_event, ctx) => {
      const answer = await ctx.waitForCallback("approval", async () => {})
      await ctx.step("check", async () => {
        throw new TypeError(`rejected: ${answer}`)
      }, { retryStrategy: () => ({ shouldRetry: false }) })
      return "unreachable"
    }
  }
}

const run = async (name, scenario) => {
  const invocations = []
  const durable = withDurableExecution(scenario.handler)
  const handler = async (event, lambdaContext) => {
    const envelope = JSON.parse(JSON.stringify(envelopeOf(event)))
    const output = await durable(event, lambdaContext)
    invocations.push({ envelope, output: JSON.parse(JSON.stringify(output)) })
    return output
  }
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: scenario.skipTime ?? true })
  try {
    const runner = new LocalDurableTestRunner({ handlerFunction: handler })
    const running = runner.run({ payload: scenario.payload })
    if (scenario.callback !== undefined) {
      const op = runner.getOperation(scenario.callback)
      await op.waitForData(WaitingOperationStatus.SUBMITTED)
      const callback = op.getChildOperations().find((child) => child.isCallback?.() ?? child.getType?.() === "CALLBACK")
      await callback.sendCallbackSuccess(JSON.stringify("APPROVED"))
    }
    const result = await running
    return { scenario: name, input: scenario.payload, status: result.getStatus(), invocations }
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment()
  }
}

const names = process.argv.slice(2)
const selected = names.length === 0 ? Object.keys(scenarios) : names
const out = []
for (const name of selected) out.push(await run(name, scenarios[name]))
process.stdout.write(JSON.stringify(out, null, 2) + "\n")
