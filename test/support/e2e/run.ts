// The end-to-end invocations (see driver.ts, which initialises dd-trace first): every case of cases.ts through
// - "ours": the contract set-up, LambdaHandler.make({ handler: LambdaTracing.withExtraction(app, { spanName:
//   "aws.lambda" }), layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal) });
// - "peer": datadog-lambda-js's datadog() around a plain handler that opens the same inner span with dd-trace;
// - "joined": the contract handler under datadog(), as the Datadog Lambda layer would run it;
// - "otel" (some cases): the README's older set-up, @effect/opentelemetry over dd-trace's TracerProvider;
// then two durable invocations (a suspension that writes `_datadog_0`, a resume from dd-trace's own `_datadog_0`).
// Flushes dd-trace and prints one `E2E_REPORT {json}` line.
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import { LambdaHandler } from "@effect-aws/lambda"
import * as Resource from "@effect/opentelemetry/Resource"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import type TracerModule from "dd-trace"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { createRequire } from "node:module"
import * as DdTraceTracer from "../../../src/layers/DdTraceTracer.js"
import * as DefaultChain from "../../../src/layers/DefaultChain.js"
import * as CurrentExtraction from "../../../src/services/CurrentExtraction.js"
import * as DurableTracing from "../../../src/wrappers/DurableTracing.js"
import * as LambdaTracing from "../../../src/wrappers/LambdaTracing.js"
import { fakeTransport } from "../durable/pages.js"
import { readRuns, toWire } from "../durable/wire.js"
import { type Behaviour, cases, durableUpstream, lambdaContext, type Report, type Run } from "./cases.js"
import { behave, type HttpHeaders, loopback } from "./loopback.js"
import { datadog, flush } from "./peer.js"

type Tracer = typeof TracerModule

const require = createRequire(import.meta.url)

const report: {
  httpHeaders: HttpHeaders
  attempts: Record<string, ReadonlyArray<string>>
} = { httpHeaders: {}, attempts: {} }

interface TestEvent {
  readonly testCase: string
  readonly testRun: Run
  readonly testBehaviour: Behaviour
}

const app = (url: string) => (event: TestEvent, _context: unknown) =>
  Effect.gen(function*() {
    const key = `${event.testCase}/${event.testRun}`
    const extraction = yield* CurrentExtraction.get
    report.attempts[key] = Option.match(extraction, {
      onNone: () => [],
      onSome: (result) => result.attempts.filter((attempt) => attempt.outcome !== "none").map((a) => a.extractor)
    })
    yield* Effect.tryPromise({ try: () => behave(event.testBehaviour, url, key), catch: (error) => error as Error })
    return { statusCode: 200, body: "{}" }
  }).pipe(Effect.withSpan("inner-child", { attributes: { "test.case": event.testCase, "test.run": event.testRun } }))

let attempts: ReadonlyArray<string> = []

const durableRuns = async (): Promise<Report["durable"]> => {
  const [captured] = readRuns("ddtrace-writer.json")
  const wire = (index: number) =>
    toWire(captured!.invocations[index]!.envelope, { functionName: "my-fn", executionName: "e2e" })
  const workflow = async (event: { readonly userId: string }, ctx: DurableContext) => {
    attempts = DurableTracing.currentInvocation()?.extraction.attempts.map((attempt) => attempt.extractor) ?? []
    const user = await ctx.step("fetch-user", async () => ({ id: event.userId, name: "Ada" }))
    await ctx.wait("pause", { seconds: 2 })
    return await ctx.step("greet", async () => `hello ${user.name}`)
  }
  const layer = Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
  // Invocation 1, whose input carries an upstream context without a sampling decision: it suspends at the wait.
  const first = wire(0)
  const execution = first.InitialExecutionState.Operations[0]
  execution.ExecutionDetails = {
    InputPayload: JSON.stringify({
      userId: "u-123",
      _datadog: {
        "x-datadog-trace-id": durableUpstream.traceId,
        "x-datadog-parent-id": durableUpstream.parentId,
        "x-datadog-tags": `_dd.p.tid=${durableUpstream.tid}`
      }
    })
  }
  const suspendTransport = fakeTransport({})
  const suspend = DurableTracing.withDurableExecution(workflow, { durableExecutionClient: suspendTransport as never }, {
    layer
  })
  const suspended = await suspend(first as never, lambdaContext as never)
  const checkpoints = suspendTransport.checkpoints.flatMap((request: any) => request.Updates as Array<any>)
    .filter((update) => typeof update.Name === "string" && update.Name.startsWith("_datadog_") && update.Payload)
    .map((update) => JSON.parse(update.Payload) as Record<string, string>)
  // Invocation 2 of dd-trace's own capture: resumes from the `_datadog_0` dd-trace's durable writer saved.
  const resume = DurableTracing.withDurableExecution(workflow, { durableExecutionClient: fakeTransport({}) as never }, {
    layer
  })
  const resumed = await resume(wire(1) as never, lambdaContext as never)
  const resumeAttempts = attempts
  // The same resume under datadog(), which extracts the checkpoint itself and opens aws.lambda: joined.
  const joined = datadog(
    DurableTracing.withDurableExecution(workflow, { durableExecutionClient: fakeTransport({}) as never }, {
      layer
    }) as (event: unknown, context: unknown) => Promise<{ readonly Status: string }>
  )
  const joinedOutput = await joined(wire(1), { ...lambdaContext })
  return {
    suspend: { status: suspended.Status, checkpoints },
    resume: { status: resumed.Status, attempts: resumeAttempts },
    joined: { status: joinedOutput.Status, attempts }
  }
}

export const main = async (tracer: Tracer, sampleRate: "0" | "1"): Promise<void> => {
  const server = await loopback(report.httpHeaders)
  const ours = LambdaHandler.make({
    handler: LambdaTracing.withExtraction(app(server.url), { spanName: "aws.lambda" }),
    layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
  })
  const joined = datadog(ours as (event: TestEvent, context: unknown) => Promise<unknown>)
  const peer = datadog(async (event: TestEvent, _context: unknown) =>
    tracer.trace(
      "inner-child",
      { tags: { "test.case": event.testCase, "test.run": event.testRun } },
      () => behave(event.testBehaviour, server.url, `${event.testCase}/${event.testRun}`)
    ).then(() => ({ statusCode: 200, body: "{}" }))
  )
  new tracer.TracerProvider().register()
  const otel = LambdaHandler.make({
    handler: LambdaTracing.withExtraction(app(server.url), { spanName: "aws.lambda" }),
    layer: Layer.mergeAll(
      DefaultChain.layerDdTrace,
      OtelTracer.layerGlobal.pipe(Layer.provide(Resource.layer({ serviceName: "my-fn" })))
    )
  })
  const invoke = async (run: Run, handler: (event: any, context: any) => Promise<unknown>, event: object) => {
    try {
      await handler({ ...event, testRun: run }, { ...lambdaContext })
    } catch {
      // The failing case fails on purpose.
    }
  }
  for (const testCase of cases(sampleRate)) {
    const event = { ...testCase.event, testBehaviour: testCase.behaviour }
    await invoke("ours", ours as never, event)
    await invoke("peer", peer, event)
    await invoke("joined", joined, event)
    if (testCase.otel === true) await invoke("otel", otel as never, event)
  }
  const durable = sampleRate === "1" ? await durableRuns() : {
    suspend: { status: "skipped", checkpoints: [] },
    resume: { status: "skipped", attempts: [] },
    joined: { status: "skipped", attempts: [] }
  }
  await flush(tracer)
  server.close()
  const version = (require("dd-trace/package.json") as { readonly version: string }).version
  const out: Report = { ...report, durable, ddTraceVersion: version }
  process.stdout.write(`E2E_REPORT ${JSON.stringify(out)}\n`)
}
