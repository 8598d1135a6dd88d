// The same durable invocations through either Effect line (test/support/e2e/durableLine3.ts for the package root,
// test/effect4/support/durableLine4.ts for the Effect 4 line), so a test compares what the agent receives from each:
// the real durable SDK over captured, wire-shaped envelopes (test/fixtures/durable/ddtrace-writer.json) and a
// recording transport, through the line's DurableTracing.withDurableExecution over DefaultChain.layerDdTrace and
// DdTraceTracer.layerGlobal:
// - `durable-first`: a first invocation whose input is an API Gateway request with Datadog headers, with the serverless
//   view's span name (`aws.lambda`): the inferred span, the invocation under it, the wait suspends, `_datadog_0`;
// - `durable-resume`: the resume from dd-trace's own `_datadog_0`, span name `aws.lambda`;
// - `durable-execute`: a first invocation whose input carries `_datadog` headers, the default span name;
// - `durable-joined`: the resume under datadog-lambda-js's datadog(), which extracts and opens `aws.lambda` itself.
// The workflow tags its invocation span with the case (`test.case`, `test.run`), so the test finds each chunk.
// Free of `effect`: each driver hands in its line's wrapper. Flushes dd-trace and prints one `E2E_REPORT {json}` line.
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import type TracerModule from "dd-trace"
import { fakeTransport } from "../durable/pages.js"
import { readRuns, toWire } from "../durable/wire.js"
import { apiGateway, lambdaContext } from "./cases.js"
import { datadog, flush } from "./peer.js"

/** The durable cases, in the order they run. */
export const durableCases = ["durable-first", "durable-resume", "durable-execute", "durable-joined"] as const

export type DurableCase = (typeof durableCases)[number]

/** The upstream the first invocations' inputs carry. */
export const durableLineUpstream = {
  traceId: "5555555555555555001",
  parentId: "5555555555555555002",
  tid: "6a5f3e2100000000"
}

/** What one case did, besides its spans. */
export interface DurableRun {
  readonly status: string
  /** The payloads of the `_datadog_{N}` checkpoints the wrapper wrote, by name. */
  readonly written: Record<string, Record<string, string>>
  /** The extractors of the invocation's attempts that did not find nothing. */
  readonly attempts: ReadonlyArray<string>
}

export type DurableLineReport = Record<DurableCase, DurableRun>

/** What a driver hands in: its line's wrapper and running invocation. */
export interface DurableLine {
  readonly withDurableExecution: (
    workflow: (event: any, context: DurableContext) => Promise<unknown>,
    config: { readonly durableExecutionClient: any },
    options: { readonly spanName?: string | undefined }
  ) => (event: any, context: any) => Promise<{ readonly Status: string }>
  readonly currentInvocation: () =>
    | {
      readonly span: { readonly attribute: (key: string, value: unknown) => void }
      readonly attempts: ReadonlyArray<{ readonly extractor: string; readonly outcome: string }>
    }
    | undefined
}

const envelopes = () => {
  const [captured] = readRuns("ddtrace-writer.json")
  const wire = (index: number) =>
    toWire(captured!.invocations[index]!.envelope, { functionName: "my-fn", executionName: "lines" })
  const withInput = (input: unknown) => {
    const first = wire(0)
    first.InitialExecutionState.Operations[0].ExecutionDetails = { InputPayload: JSON.stringify(input) }
    return first
  }
  const headers = {
    "x-datadog-trace-id": durableLineUpstream.traceId,
    "x-datadog-parent-id": durableLineUpstream.parentId,
    "x-datadog-sampling-priority": "1",
    "x-datadog-tags": `_dd.p.tid=${durableLineUpstream.tid}`
  }
  return {
    apiGatewayFirst: withInput(apiGateway(headers)),
    datadogFirst: withInput({ userId: "u-123", _datadog: headers }),
    resume: wire(1)
  }
}

const writtenBy = (transport: { readonly checkpoints: ReadonlyArray<any> }): Record<string, Record<string, string>> =>
  Object.fromEntries(
    transport.checkpoints.flatMap((request) => request.Updates as Array<any>)
      .filter((update) => update.Action === "SUCCEED" && String(update.Name).startsWith("_datadog_"))
      .map((update) => [update.Name, JSON.parse(update.Payload)])
  )

/** Runs every case through `line`, flushes dd-trace and prints the report. */
export const main = async (tracer: typeof TracerModule, line: DurableLine): Promise<void> => {
  const events = envelopes()
  const report: Partial<Record<DurableCase, DurableRun>> = {}
  const run = async (
    name: DurableCase,
    event: Record<string, any>,
    options: { readonly spanName?: string; readonly joined?: boolean }
  ) => {
    let attempts: ReadonlyArray<string> = []
    const workflow = async (input: { readonly userId?: string }, ctx: DurableContext) => {
      const invocation = line.currentInvocation()
      invocation?.span.attribute("test.case", name)
      invocation?.span.attribute("test.run", "ours")
      attempts = invocation?.attempts.filter((a) => a.outcome !== "none").map((a) => a.extractor) ?? []
      const user = await ctx.step("fetch-user", async () => ({ id: input.userId, name: "Ada" }))
      await ctx.wait("pause", { seconds: 2 })
      return ctx.step("greet", async () => `hello ${user.name}`)
    }
    const transport = fakeTransport({})
    const wrapped = line.withDurableExecution(workflow, { durableExecutionClient: transport }, {
      spanName: options.spanName
    })
    const handler = options.joined === true
      ? datadog(wrapped as (event: unknown, context: unknown) => Promise<{ readonly Status: string }>)
      : wrapped
    const output = await handler(structuredClone(event), { ...lambdaContext, awsRequestId: `lines-${name}` })
    report[name] = { status: String(output.Status), written: writtenBy(transport), attempts }
  }
  await run("durable-first", events.apiGatewayFirst, { spanName: "aws.lambda" })
  await run("durable-resume", events.resume, { spanName: "aws.lambda" })
  await run("durable-execute", events.datadogFirst, {})
  await run("durable-joined", events.resume, { joined: true })
  await flush(tracer)
  process.stdout.write(`E2E_REPORT ${JSON.stringify(report)}\n`)
}
