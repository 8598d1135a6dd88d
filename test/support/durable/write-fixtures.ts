// Regenerates the captured durable fixtures and the durable example events:
//   npx tsx test/support/durable/write-fixtures.ts
// - test/fixtures/durable/local-runner.json: every scenario of capture.mjs (LocalDurableTestRunner, real SDK)
// - test/fixtures/durable/ddtrace-writer.json: the run where dd-trace's durable integration wrote _datadog_0
// - examples/events/durable-*.json: a few of those envelopes in the real service's wire shape
import * as fs from "node:fs"
import * as path from "node:path"
import { fixturesDir, root, type Run, runCaptureDriver, runDdTraceWriterDriver, toWire } from "./wire.js"

const write = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
  process.stderr.write(`wrote ${path.relative(root, file)}\n`)
}

const local = await runCaptureDriver()
if (local.status !== 0) throw new Error(`capture driver failed:\n${local.stderr}`)
write(path.join(fixturesDir, "local-runner.json"), local.runs)

const writer = await runDdTraceWriterDriver()
if (writer.status !== 0) throw new Error(`dd-trace writer driver failed:\n${writer.stderr}`)
write(path.join(fixturesDir, "ddtrace-writer.json"), writer.runs[0])

const scenario = (runs: ReadonlyArray<Run>, name: string) => {
  const run = runs.find((r) => r.scenario === name)
  if (run === undefined) throw new Error(`no scenario ${name}`)
  return run
}

const examples: ReadonlyArray<readonly [string, Run, number, string]> = [
  ["durable-first-invocation-sqs.json", scenario(local.runs, "step-wait-step"), 0, "order-sqs-1"],
  ["durable-first-invocation-apigw.json", scenario(local.runs, "retry-child-parallel"), 0, "order-http-1"],
  ["durable-resume-checkpoints.json", scenario(local.runs, "checkpoints"), 2, "order-ckpt-1"],
  ["durable-resume-ddtrace-checkpoint.json", writer.runs[0]!, 1, "greet-u-123"]
]
for (const [file, run, index, executionName] of examples) {
  write(
    path.join(root, "examples/events", file),
    toWire(run.invocations[index]!.envelope, { functionName: "durable-demo", executionName })
  )
}
