// Turns envelopes captured from LocalDurableTestRunner (JSON-serialised: ISO timestamps, bare-UUID ARN, no
// EXECUTION name) into the real service's wire shape: epoch-ms timestamps, a real durable execution ARN whose
// execution id is the EXECUTION operation's Id, and the execution name on the EXECUTION operation.
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import * as Fixtures from "../fixtures.js"
import { root } from "../fixtures.js"

const execFileAsync = promisify(execFile)

export { root }
export const fixturesDir = Fixtures.fixturesDir("durable")

export interface Invocation {
  readonly envelope: Record<string, any>
  readonly output: Record<string, unknown>
  readonly rootSpan?: { readonly traceId: string; readonly traceId128: string; readonly spanId: string }
}

export interface Run {
  readonly scenario: string
  readonly input?: unknown
  readonly status: string
  readonly ddTraceVersion?: string
  readonly invocations: ReadonlyArray<Invocation>
}

const TIMESTAMPS = ["StartTimestamp", "EndTimestamp"] as const

const toMs = (value: unknown): unknown => typeof value === "string" ? new Date(value).getTime() : value

const wireOperation = (op: Record<string, any>, executionName: string): Record<string, any> => {
  const out: Record<string, any> = op.Type === "EXECUTION" && op.Name === undefined
    ? { Id: op.Id, Name: executionName, ...op }
    : { ...op }
  for (const key of TIMESTAMPS) if (key in out) out[key] = toMs(out[key])
  if (out.StepDetails?.NextAttemptTimestamp !== undefined) {
    out.StepDetails = { ...out.StepDetails, NextAttemptTimestamp: toMs(out.StepDetails.NextAttemptTimestamp) }
  }
  if (out.WaitDetails?.ScheduledEndTimestamp !== undefined) {
    out.WaitDetails = { ...out.WaitDetails, ScheduledEndTimestamp: toMs(out.WaitDetails.ScheduledEndTimestamp) }
  }
  return out
}

export const arnFor = (functionName: string, executionName: string, executionId: string): string =>
  `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:$LATEST/durable-execution/${executionName}/${executionId}`

/** The wire shape of a captured envelope. */
export const toWire = (
  envelope: Record<string, any>,
  options: { readonly functionName: string; readonly executionName: string }
): Record<string, any> => {
  const operations: Array<Record<string, any>> = envelope.InitialExecutionState.Operations
  const execution = operations.find((op) => op.Type === "EXECUTION")
  const executionId: string = execution?.Id ?? envelope.DurableExecutionArn
  return {
    DurableExecutionArn: arnFor(options.functionName, options.executionName, executionId),
    CheckpointToken: envelope.CheckpointToken,
    InitialExecutionState: {
      Operations: operations.map((op) => wireOperation(op, options.executionName)),
      NextMarker: envelope.InitialExecutionState.NextMarker ?? ""
    },
    ...(envelope.UpdatedOperationIds === undefined ? {} : { UpdatedOperationIds: envelope.UpdatedOperationIds })
  }
}

export const readRuns = (file: string): ReadonlyArray<Run> => {
  const parsed = Fixtures.fixture("durable", file)
  return Array.isArray(parsed) ? parsed : [parsed]
}

export const ddTraceWriterEnv: Record<string, string> = {
  DD_TRACE_ENABLED: "true",
  DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED: "true",
  DD_TRACE_STARTUP_LOGS: "false",
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
  DD_REMOTE_CONFIG_ENABLED: "false",
  DD_TRACE_AGENT_URL: "http://127.0.0.1:9"
}

export interface DriverRun {
  readonly status: number | null
  readonly runs: ReadonlyArray<Run>
  readonly stderr: string
}

const parseRuns = (stdout: string): ReadonlyArray<Run> => {
  if (stdout.trim() === "") return []
  const parsed = JSON.parse(stdout)
  return Array.isArray(parsed) ? parsed : [parsed]
}

// Asynchronous on purpose: a test worker blocked in a synchronous child process on a loaded machine misses
// vitest's RPC deadline ("Timeout calling onTaskUpdate").
const runDriver = async (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv | undefined): Promise<DriverRun> => {
  try {
    const { stderr, stdout } = await execFileAsync(process.execPath, args, {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
      ...(env === undefined ? {} : { env })
    })
    return { status: 0, runs: parseRuns(stdout), stderr }
  } catch (error) {
    const failed = error as { readonly code?: unknown; readonly stderr?: unknown }
    return {
      status: typeof failed.code === "number" ? failed.code : null,
      runs: [],
      stderr: `${typeof failed.stderr === "string" ? failed.stderr : ""}${String(error)}`
    }
  }
}

/** Runs the local-runner capture driver in its own process (its fake timers stay out of the test process). */
export const runCaptureDriver = (scenarios: ReadonlyArray<string> = []): Promise<DriverRun> =>
  runDriver([path.join(import.meta.dirname, "capture.mjs"), ...scenarios], undefined)

/** Runs the dd-trace writer driver: dd-trace loaded first, its durable integration writing the checkpoints. */
export const runDdTraceWriterDriver = (): Promise<DriverRun> =>
  runDriver(
    ["--import", "dd-trace/initialize.mjs", path.join(import.meta.dirname, "ddtrace-writer.mjs")],
    { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...ddTraceWriterEnv }
  )
