// The serverless-view parity invocations (see parity-driver.ts, which initialises dd-trace first), all in this one
// process, each case through both sides in turn:
// - every file in examples/events through "ours" (LambdaHandler.make + LambdaTracing.withExtraction with
//   spanName "aws.lambda", DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal) and "peer" (datadog-lambda-js's
//   datadog() around a plain handler);
// - a durable execution run by the real durable SDK over captured envelopes (a first invocation whose input is an
//   API Gateway request with Datadog headers, which suspends, and the resume from dd-trace's `_datadog_0`), through
//   "ours" (DurableTracing.withDurableExecution with spanName "aws.lambda") and "peer" (datadog() around the
//   SDK's own withDurableExecution).
// Each case has its own awsRequestId (the same on both sides), so the test finds each invocation's aws.lambda by
// its request_id, and tells the sides apart by their version tag. Prints one `E2E_REPORT {json}` line.
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import { LambdaHandler } from "@effect-aws/lambda"
import type TracerModule from "dd-trace"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createRequire } from "node:module"
import * as DdTraceTracer from "../../../src/layers/DdTraceTracer.js"
import * as DefaultChain from "../../../src/layers/DefaultChain.js"
import * as DurableTracing from "../../../src/wrappers/DurableTracing.js"
import * as LambdaTracing from "../../../src/wrappers/LambdaTracing.js"
import { fakeTransport } from "../durable/pages.js"
import { readRuns, toWire } from "../durable/wire.js"
import { example, examplesDir, jsonFiles } from "../fixtures.js"
import { apiGateway, lambdaContext } from "./cases.js"
import { datadog, flush } from "./peer.js"

type Tracer = typeof TracerModule

const require = createRequire(import.meta.url)

/** The example files, in the order both sides run them (the first is each side's cold start). */
export const exampleFiles = (): ReadonlyArray<string> => [...jsonFiles(examplesDir)].sort()

/** The awsRequestId of a case: both sides get the same one, every case its own. */
export const requestIdOf = (name: string): string => `parity-${name}`

/**
 * The durable cases: the first invocation (API Gateway input) and the resume from dd-trace's `_datadog_0`, both
 * sides; then the first invocation through ours only, with `DD_TRACE_MANAGED_SERVICES=false` set through the
 * wrapper's layer (`Layer.setConfigProvider(ConfigProvider.fromMap(...))`).
 */
export const durableCases = ["durable-first", "durable-resume"] as const

/** The durable first invocation through ours with managed services off (Config), ours only. */
export const UNMANAGED = "durable-first-unmanaged"

/** The upstream the durable first invocation's API Gateway input carries. */
export const durableInputUpstream = { traceId: "5555555555555555001", parentId: "5555555555555555002" }

export interface ParityReport {
  /** case → the status each side's durable SDK returned. */
  readonly durable: Record<string, { readonly ours: string; readonly peer: string }>
}

const ddTraceVersion = (require("dd-trace/package.json") as { readonly version: string }).version

const contextFor = (name: string) => ({ ...lambdaContext, awsRequestId: requestIdOf(name) })

const response = { statusCode: 200, body: "{}" }

const durableRuns = async (): Promise<ParityReport["durable"]> => {
  const sdk = await import("@aws/durable-execution-sdk-js")
  const [captured] = readRuns("ddtrace-writer.json")
  const wire = (index: number) =>
    toWire(captured!.invocations[index]!.envelope, { functionName: "my-fn", executionName: "parity" })
  const first = wire(0)
  first.InitialExecutionState.Operations[0].ExecutionDetails = {
    InputPayload: JSON.stringify(
      apiGateway({
        "x-datadog-trace-id": durableInputUpstream.traceId,
        "x-datadog-parent-id": durableInputUpstream.parentId,
        "x-datadog-sampling-priority": "1"
      })
    )
  }
  const workflow = async (event: { readonly userId?: string }, ctx: DurableContext) => {
    const user = await ctx.step("fetch-user", async () => ({ id: event.userId, name: "Ada" }))
    await ctx.wait("pause", { seconds: 2 })
    return await ctx.step("greet", async () => `hello ${user.name}`)
  }
  const layer = Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
  const ours = (withLayer: Layer.Layer<never> = layer) =>
    DurableTracing.withDurableExecution(workflow, { durableExecutionClient: fakeTransport({}) as never }, {
      layer: withLayer,
      spanName: "aws.lambda",
      ddTraceVersion
    })
  const peer = () =>
    datadog(
      sdk.withDurableExecution(workflow, { durableExecutionClient: fakeTransport({}) as never }) as (
        event: unknown,
        context: unknown
      ) => Promise<{ readonly Status: string }>
    )
  const out: Record<string, { ours: string; peer: string }> = {}
  for (const [name, envelope] of [["durable-first", first], ["durable-resume", wire(1)]] as const) {
    const oursOutput = await ours()(structuredClone(envelope) as never, contextFor(name) as never)
    const peerOutput = await peer()(structuredClone(envelope), contextFor(name))
    out[name] = { ours: String(oursOutput.Status), peer: String(peerOutput.Status) }
  }
  const unmanaged = Layer.merge(
    layer,
    Layer.setConfigProvider(
      ConfigProvider.fromMap(new Map([["DD_TRACE_MANAGED_SERVICES", "false"], ["AWS_LAMBDA_FUNCTION_NAME", "my-fn"]]))
    )
  )
  const output = await ours(unmanaged)(structuredClone(first) as never, contextFor(UNMANAGED) as never)
  out[UNMANAGED] = { ours: String(output.Status), peer: "not run" }
  return out
}

export const main = async (tracer: Tracer): Promise<void> => {
  const ours = LambdaHandler.make({
    handler: LambdaTracing.withExtraction((_event: unknown, _context: unknown) => Effect.succeed(response), {
      spanName: "aws.lambda",
      ddTraceVersion
    }),
    layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
  }) as (event: unknown, context: unknown) => Promise<unknown>
  const peer = datadog(async (_event: unknown, _context: unknown) => response)
  for (const file of exampleFiles()) {
    const event = example(file)
    await ours(structuredClone(event), contextFor(file))
    await peer(structuredClone(event), contextFor(file))
  }
  const durable = await durableRuns()
  await flush(tracer)
  process.stdout.write(`E2E_REPORT ${JSON.stringify({ durable } satisfies ParityReport)}\n`)
}
