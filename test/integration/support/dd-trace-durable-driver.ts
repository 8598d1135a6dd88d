// Runs a durable workflow wrapped by DurableTracing in a process where dd-trace may have its own durable
// integration active, and prints one JSON line per invocation: the `_datadog_*` operations the invocation
// received and what this library's writer did (the invocation span's `aws.durable.trace_checkpoint`).
//
// Usage: node --import tsx [--import dd-trace/initialize.mjs] dd-trace-durable-driver.ts [cjs]
//   cjs: also `require()` the SDK's CommonJS build, which dd-trace hooks (its plugin subscribes) but does not
//        rewrite, so dd-trace never writes a checkpoint.
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import tracer from "dd-trace"
import { createRequire } from "node:module"
import * as DurableTracing from "../../../src/wrappers/DurableTracing.js"

tracer.init({ plugins: true } as never)
if (process.argv[2] === "cjs") createRequire(import.meta.url)("@aws/durable-execution-sdk-js")

let span: DurableTracing.Invocation["span"] | undefined
const durable = DurableTracing.withDurableExecution(async (_event: unknown, ctx) => {
  span = DurableTracing.currentInvocation()?.span
  await ctx.step("one", async () => 1)
  await ctx.wait("pause", { seconds: 1 })
  return ctx.step("two", async () => 2)
})

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false })
try {
  const runner = new LocalDurableTestRunner({
    handlerFunction: async (event: any, context: any) => {
      const checkpoints = (event.InitialExecutionState.Operations as Array<any>)
        .filter((operation) => typeof operation.Name === "string" && operation.Name.startsWith("_datadog_"))
        .map(({ Id, Name, StepDetails, SubType, Type }) => ({ Id, Name, Type, SubType, Result: StepDetails?.Result }))
      // As the Datadog Lambda wrapper would: the invocation runs inside a dd-trace root span.
      const output = await tracer.trace(
        "aws.lambda",
        () => durable(event, { ...context, getRemainingTimeInMillis: () => 1_500 })
      )
      const outcome = span?.attributes.get("aws.durable.trace_checkpoint") ?? null
      process.stdout.write(
        JSON.stringify({ arn: event.DurableExecutionArn, checkpoints, status: output.Status, outcome }) + "\n"
      )
      return output
    }
  })
  const result = await runner.run({ payload: {} })
  if (result.getStatus() !== "SUCCEEDED") throw new Error(`workflow ${result.getStatus()}`)
} finally {
  await LocalDurableTestRunner.teardownTestEnvironment()
}
