// dd-trace's own durable checkpoint writer and this library's: never both. Each case runs the real SDK, the local
// test runner and real dd-trace in a child process (dd-trace is a process-wide singleton, and its durable
// integration needs its ESM loader hook before the SDK is imported). The cases run concurrently, a process each.
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import * as CheckpointPlan from "../../src/internal/durable/checkpointPlan.js"
import { bundled } from "../support/childScript.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

interface Invocation {
  readonly arn: string
  readonly checkpoints: ReadonlyArray<{
    readonly Id: string
    readonly Name: string
    readonly Type: string
    readonly SubType: string
    readonly Result: string
  }>
  readonly status: string
  readonly outcome: string | null
}

const run = async (options: {
  readonly hook: boolean
  readonly flag: "true" | "false"
  readonly args?: ReadonlyArray<string>
}): Promise<ReadonlyArray<Invocation>> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...(options.hook ? ["--import", "dd-trace/initialize.mjs"] : []),
      await bundled("test/integration/support/dd-trace-durable-driver.ts"),
      ...(options.args ?? [])
    ],
    {
      cwd: root,
      timeout: 60_000,
      env: {
        ...process.env,
        DD_TRACE_ENABLED: "true",
        DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED: options.flag,
        DD_TRACE_STARTUP_LOGS: "false",
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
        DD_REMOTE_CONFIG_ENABLED: "false",
        DD_TRACE_AGENT_URL: "http://127.0.0.1:9",
        NODE_OPTIONS: ""
      }
    }
  )
  return stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
}

describe.concurrent("dd-trace's durable integration", { timeout: 90_000 }, () => {
  it("writes alone when it is active; its checkpoint has this library's wire id and payload format", async () => {
    const [first, second] = await run({ hook: true, flag: "true" })
    assert.strictEqual(first.status, "PENDING")
    assert.strictEqual(first.outcome, "dd-trace")
    assert.lengthOf(second.checkpoints, 1)
    const [checkpoint] = second.checkpoints
    assert.strictEqual(checkpoint.Name, "_datadog_0")
    assert.strictEqual(checkpoint.Type, "STEP")
    assert.strictEqual(checkpoint.SubType, "STEP")
    assert.strictEqual(checkpoint.Id, CheckpointPlan.operationId("_datadog_0", first.arn))
    const headers = JSON.parse(checkpoint.Result)
    assert.match(headers["x-datadog-trace-id"], /^[1-9][0-9]*$/)
    assert.match(headers["x-datadog-parent-id"], /^[1-9][0-9]*$/)
    assert.strictEqual(second.outcome, null)
  })

  it("leaves this library writing when dd-trace is loaded without its ESM hook", async () => {
    const [first, second] = await run({ hook: false, flag: "true" })
    assert.strictEqual(first.outcome, "_datadog_0")
    assert.deepStrictEqual(second.checkpoints.map((checkpoint) => checkpoint.Name), ["_datadog_0"])
  })

  it("leaves this library writing when dd-trace's plugin listens but the SDK that runs is not instrumented", async () => {
    const [first, second] = await run({ hook: false, flag: "true", args: ["cjs"] })
    assert.strictEqual(first.outcome, "_datadog_0")
    assert.deepStrictEqual(second.checkpoints.map((checkpoint) => checkpoint.Name), ["_datadog_0"])
  })

  it("writes nothing when DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED=false", async () => {
    const [first, second] = await run({ hook: true, flag: "false" })
    assert.strictEqual(first.outcome, "Disabled")
    assert.lengthOf(second.checkpoints, 0)
  })
})
