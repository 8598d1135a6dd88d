// Runs a bundled driver in one child process against a test agent, and collects what the agent received. Free of
// vitest, so both lines' test runs (vitest 3 for the package root, vitest 5 for the Effect 4 line) use it.
import { spawn } from "node:child_process"
import { root } from "../bundle.js"
import * as TestAgent from "../TestAgent.js"

export interface Outcome<R> {
  readonly report: R
  readonly chunks: ReadonlyArray<TestAgent.Chunk>
}

/**
 * Starts an agent, runs the bundled `file` with dd-trace pointed at it (as a Lambda without the Datadog extension:
 * the agent exporter, flush interval 0), waits for the driver's `E2E_REPORT {json}` line and then until `complete`
 * holds for the chunks received (dd-trace may still be sending), and lets the driver exit (it waits for its standard
 * input to close).
 */
export const runChild = async <R>(options: {
  readonly file: string
  readonly args?: ReadonlyArray<string>
  /** `DD_TRACE_SAMPLE_RATE`; without it, dd-trace has no sampling rule. */
  readonly sampleRate?: "0" | "1" | undefined
  readonly protocol: "0.4" | "0.5"
  readonly complete: (chunks: ReadonlyArray<TestAgent.Chunk>, report: R) => boolean
}): Promise<Outcome<R>> => {
  const agent = await TestAgent.start()
  try {
    const { DD_TRACE_SAMPLE_RATE: _rate, ...inherited } = process.env
    const child = spawn(process.execPath, [options.file, ...(options.args ?? [])], {
      cwd: root,
      env: {
        ...inherited,
        NODE_OPTIONS: "",
        AWS_LAMBDA_FUNCTION_NAME: "my-fn",
        AWS_REGION: "us-east-1",
        DD_TRACE_ENABLED: "true",
        DD_TRACE_EXPERIMENTAL_EXPORTER: "agent",
        DD_TRACE_AGENT_URL: agent.url,
        DD_TRACE_AGENT_PROTOCOL_VERSION: options.protocol,
        ...(options.sampleRate === undefined ? {} : { DD_TRACE_SAMPLE_RATE: options.sampleRate }),
        DD_TRACE_STARTUP_LOGS: "false",
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
        DD_REMOTE_CONFIG_ENABLED: "false",
        DD_RUNTIME_METRICS_ENABLED: "false",
        DD_ENHANCED_METRICS: "false",
        DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED: "true"
      },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (data) => (stdout += data))
    child.stderr.on("data", (data) => (stderr += data))
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve))
    const deadline = Date.now() + 60_000
    let report: R | undefined
    while (report === undefined) {
      // Whole lines only: the last element of the split is a line still being written.
      const line = stdout.split("\n").slice(0, -1).find((text) => text.startsWith("E2E_REPORT "))
      if (line !== undefined) report = JSON.parse(line.slice("E2E_REPORT ".length)) as R
      else if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`driver exited (${child.exitCode}) without a report:\n${stderr}\n${stdout}`)
      } else await new Promise((resolve) => setTimeout(resolve, 20))
    }
    while (!options.complete(agent.chunks(), report) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    child.stdin.end()
    await exited
    if (agent.errors().length > 0) throw new Error(`agent could not decode: ${agent.errors().join("; ")}`)
    return { report, chunks: agent.chunks() }
  } finally {
    await agent.close()
  }
}

/** The chunk of one invocation: the one whose inner span is tagged with the case and run. */
export const chunkOf = (
  chunks: ReadonlyArray<TestAgent.Chunk>,
  testCase: string,
  run: string
): TestAgent.Chunk => {
  const found = chunks.filter((chunk) =>
    chunk.spans.some((span) => span.meta["test.case"] === testCase && span.meta["test.run"] === run)
  )
  if (found.length !== 1) throw new Error(`${found.length} chunks for ${testCase}/${run}`)
  return found[0]!
}

/** Whether every invocation of `runs` for every case has its chunk. */
export const hasAll = (
  chunks: ReadonlyArray<TestAgent.Chunk>,
  expected: ReadonlyArray<readonly [string, string]>
): boolean =>
  expected.every(([testCase, run]) =>
    chunks.some((chunk) =>
      chunk.spans.some((span) => span.meta["test.case"] === testCase && span.meta["test.run"] === run)
    )
  )
