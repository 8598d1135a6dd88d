// Child process of test/effect4/DdTraceTracer.test.ts: the Effect 4 line's DdTraceTracer over real dd-trace, in a
// process of its own (dd-trace is process-wide). First with dd-trace loaded but not initialised (the typed error, and
// an app that keeps Effect's own spans), then initialised against the test agent (runChild's environment, no sampling
// rule, no plugins): each scenario of test/tracing/DdTraceTracer.test.ts, reporting what it saw in the process (ids,
// dd-trace's active span, scope switches, injected contexts) for the test to check against what the agent received.
// Bundled to resolve `effect` to 4.x (childScript.ts). Once its report is written it waits for its standard input to
// close.
import tracer from "dd-trace"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as References from "effect/References"
import type * as Tracer from "effect/Tracer"
import {
  CurrentExtraction,
  DdTraceTracer,
  DefaultChain,
  ExtractorChain,
  LambdaTracing,
  NativePropagator,
  TraceContext,
  TraceExtractor,
  Tracing
} from "../../../src/effect4/index.js"
import * as SpanContext from "../../../src/effect4/internal/tracing/spanContext.js"
import { example } from "../../support/fixtures.js"
import { runtimeContext } from "../../support/lambdaContext.js"
import { extractionResult } from "./extraction.js"

const report: Record<string, unknown> = {}

// --- dd-trace loaded, not initialised -------------------------------------------------------------------------

const uninitialised = Effect.gen(function*() {
  const error = yield* Effect.flip(DdTraceTracer.resolveGlobal)
  const logs: Array<string> = []
  const logger = Logger.make(({ message }) => {
    const parts = Array.isArray(message) ? message : [message]
    logs.push(
      parts.map((part) => typeof part === "object" && part !== null && "reason" in part ? part.reason : part)
        .join(" ")
    )
  })
  const upstream = TraceContext.make({ traceId: "42", parentId: "43", samplingPriority: 2, source: "custom" })
  const chain = ExtractorChain.make([
    TraceExtractor.make({ name: "custom", extract: () => Effect.succeed(TraceExtractor.found(upstream)) })
  ])
  const handler = LambdaTracing.withExtraction(
    () => Effect.zip(Effect.currentSpan, Tracing.currentSpanContext).pipe(Effect.withSpan("work")),
    { spanName: "aws.lambda" }
  )
  const [span, injected] = yield* handler({}, {}).pipe(
    Effect.provideService(ExtractorChain.ExtractorChain, chain),
    Effect.provide(DdTraceTracer.layerGlobal),
    Effect.provide(Logger.layer([logger])),
    Effect.provideService(References.MinimumLogLevel, "Debug")
  )
  return {
    error: { tag: error._tag, reason: error.reason, message: error.message },
    traceId: span.traceId,
    upstreamTraceId: upstream.w3cTraceId,
    isDdTraceSpan: SpanContext.SpanContextSourceTypeId in span,
    injectedTraceId: Option.getOrUndefined(Option.map(injected, (context) => context.traceId)),
    logs
  }
})

report.uninitialised = await Effect.runPromise(uninitialised)

// --- dd-trace initialised -------------------------------------------------------------------------------------

tracer.init({ flushInterval: 0, plugins: false, startupLogs: false, service: "dd-tracer-test" })

const TracerLive = DdTraceTracer.layer(tracer)
// The tracer over dd-trace with the default chain on the native propagator.
const TracedChain = Layer.merge(TracerLive, DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer())))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.provide(effect, TracerLive))

let traceIds = 7_000_000_000_000_000_000n
const upstream = (fields: Partial<TraceContext.Fields> = {}) =>
  TraceContext.make({
    traceId: String(++traceIds),
    parentId: "4242424242",
    samplingPriority: 2,
    origin: "synthetics",
    traceIdHigh: "6a5f3e2100000000",
    tags: { "_dd.p.tid": "6a5f3e2100000000", "_dd.p.dm": "-4" },
    source: "http",
    ...fields
  })

const active = () => tracer.scope().active()?.context().toSpanId()

{
  const context = upstream()
  const [outer, inner] = await run(
    Effect.zip(Effect.currentSpan, Effect.currentSpan.pipe(Effect.withSpan("inner"))).pipe(
      Effect.withSpan("outer", { kind: "server" }),
      Tracing.applyExtraction(extractionResult(context))
    )
  )
  report.continues = {
    traceId: context.traceId,
    parentId: context.parentId,
    outer: { traceId: outer.traceId, spanId: outer.spanId },
    inner: { spanId: inner.spanId }
  }
}

{
  const contexts = [0, -1, undefined].map((samplingPriority) =>
    upstream({ samplingPriority, tags: { "_dd.p.tid": "6a5f3e2100000000" }, origin: undefined })
  )
  for (const context of contexts) {
    await run(Effect.void.pipe(Effect.withSpan("sampled"), Tracing.applyExtraction(extractionResult(context))))
  }
  report.sampling = contexts.map((context) => context.traceId)
}

{
  const context = upstream()
  const linked = upstream({ traceIdHigh: undefined, tags: {}, samplingPriority: 1 })
  const link: Tracer.SpanLink = { span: Tracing.externalSpan(linked), attributes: { "datadog.source": "sqs" } }
  await run(
    Effect.void.pipe(
      Effect.withSpan("tagged", {
        attributes: { "order.id": "o-1", count: 3, flag: true, "_dd.p.dm": "-99" },
        links: [link]
      }),
      Tracing.applyExtraction(extractionResult(context))
    )
  )
  report.tagged = { traceId: context.traceId, linked: { traceId: linked.traceId, parentId: linked.parentId } }
}

{
  const failing = upstream()
  const interrupted = upstream()
  class OrderRejected extends Error {
    override readonly name = "OrderRejected"
  }
  await run(
    Effect.fail(new OrderRejected("no stock")).pipe(
      Effect.withSpan("failing"),
      Tracing.applyExtraction(extractionResult(failing)),
      Effect.exit
    )
  )
  await run(
    Effect.interrupt.pipe(
      Effect.withSpan("interrupted"),
      Tracing.applyExtraction(extractionResult(interrupted)),
      Effect.exit
    )
  )
  report.failures = { failing: failing.traceId, interrupted: interrupted.traceId }
}

{
  const context = upstream()
  const effect = Effect.gen(function*() {
    const seen = yield* Effect.gen(function*() {
      const before = yield* Effect.sync(active)
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      const after = yield* Effect.sync(active)
      yield* Effect.sync(() => tracer.trace("dd-child", () => undefined))
      return { before, after }
    }).pipe(Effect.withSpan("active"), Tracing.applyExtraction(extractionResult(context)))
    // Resumed by a callback registered inside "active", the fiber is back under the span around it.
    const outside = yield* Effect.sync(active)
    return { seen, outside }
  }).pipe(Effect.provide(TracerLive))
  // A dd-trace span around the whole program, as a wrapper around the handler would open.
  const { outer, result } = await tracer.trace(
    "outer",
    async (span) => ({ outer: span.context().toSpanId(), result: await Effect.runPromise(effect) })
  )
  report.scope = { traceId: context.traceId, outer, ...result }
}

{
  const context = upstream()
  const seen = await run(
    Effect.sync(active).pipe(Tracing.withInvocationSpan("invocation", extractionResult(context)))
  )
  report.invocationActive = { traceId: context.traceId, seen }
}

{
  const event = example("apigw-v1")
  const traceId = String(++traceIds)
  event.headers["X-Datadog-Trace-Id"] = traceId
  const app = (_event: unknown, _context: unknown) =>
    Effect.gen(function*() {
      yield* Effect.sync(() => tracer.trace("dd-sync", () => undefined))
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      yield* Effect.sync(() => tracer.trace("dd-after-async", () => undefined))
      yield* Effect.sync(() => tracer.trace("dd-in-span", () => undefined)).pipe(Effect.withSpan("effect-span"))
      return { statusCode: 200, body: "{}" }
    })
  const handler = LambdaTracing.withExtraction(app, { spanName: "aws.lambda" })
  // Every span dd-trace's scope is switched to while the invocation runs, by span id.
  const switched: Array<string> = []
  const scope = tracer.scope()
  const activate = scope.activate
  scope.activate = function<T>(span: Parameters<typeof activate>[0], fn: () => T): T {
    switched.push(span.context().toSpanId())
    return activate.call(this, span, fn) as T
  }
  try {
    await Effect.runPromise(Effect.provide(handler(event, runtimeContext(undefined)), TracedChain))
  } finally {
    delete (scope as { activate?: unknown }).activate
  }
  report.serverless = { traceId, switched }
}

{
  const context = upstream()
  const chosen = Date.now() - 60_000
  const clock = Clock.Clock.defaultValue()
  const at = (millis: number): Clock.Clock => ({
    ...clock,
    currentTimeMillisUnsafe: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    currentTimeNanosUnsafe: () => BigInt(millis) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(millis) * 1_000_000n)
  })
  const span = await run(
    Effect.makeSpan("chosen", {
      parent: Tracing.externalSpan(context),
      attributes: { "service.name": "orders-queue", "resource.name": "orders-queue", "span.type": "web", n: 3 }
    }).pipe(Effect.provideService(Clock.Clock, at(chosen)))
  )
  span.end(BigInt(chosen + 1_500) * 1_000_000n, Exit.void)
  report.chosen = { traceId: context.traceId, chosen }
}

{
  const context = upstream({ samplingPriority: undefined })
  const [span, injected] = await run(
    Effect.zip(Effect.currentSpan, Tracing.currentSpanContext).pipe(
      Effect.withSpan("injecting"),
      Tracing.applyExtraction(extractionResult(context))
    )
  )
  report.injected = {
    traceId: context.traceId,
    sampled: span.sampled,
    context: Option.getOrUndefined(Option.map(injected, TraceContext.encode))
  }
}

{
  const headers = (traceId: string) => ({
    headers: { "x-datadog-trace-id": traceId, "x-datadog-parent-id": "77", "x-datadog-sampling-priority": "2" }
  })
  const app = (_event: unknown, _context: unknown) =>
    Effect.zip(CurrentExtraction.get, Effect.currentSpan).pipe(Effect.withSpan("handler-work"))
  const attempts = (result: Option.Option<{ readonly attempts: ReadonlyArray<{ readonly extractor: string }> }>) =>
    Option.getOrThrow(result).attempts.map((attempt) => attempt.extractor)
  const contextOf = (result: Option.Option<{ readonly context: Option.Option<TraceContext.TraceContext> }>) =>
    Option.getOrUndefined(Option.map(Option.getOrThrow(result).context, TraceContext.encode))
  // As datadog-lambda-js does: the invocation runs inside a dd-trace `aws.lambda` span (here a new trace).
  const join = LambdaTracing.withExtraction(app, { spanName: "aws.lambda" })
  const joined = await tracer.trace("aws.lambda", async (span) => {
    const [extraction] = await Effect.runPromise(Effect.provide(join(headers("555"), {}), TracedChain))
    return {
      ids: [span.context().toTraceId(), span.context().toSpanId()],
      attempts: attempts(extraction),
      context: contextOf(extraction)
    }
  })
  const joinAndExtract = LambdaTracing.withExtraction(app, { spanName: "aws.lambda", activeSpan: "join-and-extract" })
  const ignore = LambdaTracing.withExtraction(app, { spanName: "aws.lambda", activeSpan: "ignore" })
  const [extracted, ignored] = await tracer.trace("aws.lambda", () =>
    Promise.all([
      Effect.runPromise(Effect.provide(joinAndExtract(headers("556"), {}), TracedChain)),
      Effect.runPromise(Effect.provide(ignore(headers("557"), {}), TracedChain))
    ]))
  report.join = {
    joined,
    extracted: { attempts: attempts(extracted[0]), context: contextOf(extracted[0]) },
    ignored: { attempts: attempts(ignored[0]), context: contextOf(ignored[0]) }
  }
}

// Loaded last: it loads datadog-lambda-js, which must not see dd-trace before the scenarios ran.
const { flush } = await import("../../support/e2e/peer.js")
await flush(tracer)
process.stdout.write(`E2E_REPORT ${JSON.stringify(report)}\n`)
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
