// Runs a durable workflow under dd-trace's own durable integration, which writes the `_datadog_{N}` checkpoints,
// and prints every invocation's envelope plus the trace id of the root span that wrapped it, as JSON on stdout.
//
// dd-trace rewrites the durable SDK's ESM build when it loads, so it must be loaded first:
//   DD_TRACE_ENABLED=true DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED=true DD_TRACE_STARTUP_LOGS=false \
//   DD_INSTRUMENTATION_TELEMETRY_ENABLED=false DD_REMOTE_CONFIG_ENABLED=false DD_TRACE_AGENT_URL=http://127.0.0.1:9 \
//   node --import dd-trace/initialize.mjs test/support/durable/ddtrace-writer.mjs
import { withDurableExecution } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import tracer from "dd-trace"
import { createRequire } from "node:module"

const durable = withDurableExecution(async (event, ctx) => {
  const user = await ctx.step("fetch-user", async () => ({ id: event.userId, name: "Ada" }))
  await ctx.wait("pause", { seconds: 2 })
  return await ctx.step("greet", async () => `hello ${user.name}`)
})

const invocations = []
// What the Datadog Lambda wrapper does: one root `aws.lambda` span around each invocation.
const handler = (event, lambdaContext) =>
  tracer.trace("aws.lambda", { resource: "durable-demo" }, async (span) => {
    const envelope = JSON.parse(JSON.stringify({
      DurableExecutionArn: event.DurableExecutionArn,
      CheckpointToken: event.CheckpointToken,
      InitialExecutionState: event.InitialExecutionState
    }))
    const output = await durable(event, lambdaContext)
    const spanContext = span.context()
    invocations.push({
      envelope,
      output: JSON.parse(JSON.stringify(output)),
      rootSpan: {
        traceId: spanContext.toTraceId(),
        traceId128: spanContext.toTraceId(true),
        spanId: spanContext.toSpanId()
      }
    })
    return output
  })

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true })
try {
  const runner = new LocalDurableTestRunner({ handlerFunction: handler })
  const result = await runner.run({ payload: { userId: "u-123" } })
  process.stdout.write(
    JSON.stringify(
      {
        scenario: "ddtrace-writer",
        ddTraceVersion: createRequire(import.meta.url)("dd-trace/package.json").version,
        status: result.getStatus(),
        invocations
      },
      null,
      2
    ) + "\n"
  )
} finally {
  await LocalDurableTestRunner.teardownTestEnvironment()
}
