// DdTraceTracer over real dd-trace in this process, checked on what a loopback agent decodes: parent chain,
// trace tags, sampling, tags, links, errors, dd-trace's scope, and joining a span dd-trace already has active.
import { afterAll, assert, describe, it } from "@effect/vitest"
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import type * as Tracer from "effect/Tracer"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as DdTraceTracer from "../../src/layers/DdTraceTracer.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as CurrentExtraction from "../../src/services/CurrentExtraction.js"
import * as LambdaTracing from "../../src/wrappers/LambdaTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { example } from "../support/fixtures.js"
import { runtimeContext } from "../support/lambdaContext.js"
import { extractionResult } from "../support/otel.js"
import * as TestAgent from "../support/TestAgent.js"

const agent = await TestAgent.start()
afterAll(() => agent.close())

tracer.init({ url: agent.url, flushInterval: 0, plugins: false, startupLogs: false, service: "dd-tracer-test" })

const TracerLive = DdTraceTracer.layer(tracer)
// The tracer over dd-trace with the default chain on the native propagator.
const TracedChain = Layer.merge(TracerLive, DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer())))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.provide(effect, TracerLive)

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

const chunkOf = (traceId: string) => TestAgent.waitForChunk(agent, (chunk) => chunk.spans[0]?.trace_id === traceId)

const hex16 = (decimal: string) => BigInt(decimal).toString(16).padStart(16, "0")

describe("DdTraceTracer", () => {
  it.effect("continues an extracted context: ids, parent chain, priority, origin and every _dd.p.* tag", () =>
    Effect.gen(function*() {
      const context = upstream()
      const [outer, inner] = yield* Effect.zip(
        Effect.currentSpan,
        Effect.currentSpan.pipe(Effect.withSpan("inner"))
      ).pipe(Effect.withSpan("outer", { kind: "server" }), Tracing.applyExtraction(extractionResult(context)), run)
      const chunk = yield* chunkOf(context.traceId)
      const outerSpan = TestAgent.spanNamed(chunk, "outer")
      const innerSpan = TestAgent.spanNamed(chunk, "inner")
      assert.strictEqual(outerSpan.parent_id, context.parentId)
      assert.strictEqual(innerSpan.parent_id, outerSpan.span_id)
      const first = chunk.spans[0]!
      assert.strictEqual(first.meta["_dd.p.tid"], "6a5f3e2100000000")
      assert.strictEqual(first.meta["_dd.p.dm"], "-4")
      for (const span of chunk.spans) {
        assert.strictEqual(span.metrics._sampling_priority_v1, 2)
        assert.strictEqual(span.meta["_dd.origin"], "synthetics")
      }
      assert.strictEqual(outerSpan.meta["span.kind"], "server")
      assert.strictEqual(innerSpan.meta["span.kind"], "internal")
      // Effect's ids are dd-trace's: what Effect injects as traceparent is what dd-trace sent.
      assert.strictEqual(outer.traceId, `6a5f3e2100000000${hex16(context.traceId)}`)
      assert.strictEqual(outer.spanId, hex16(outerSpan.span_id))
      assert.strictEqual(inner.spanId, hex16(innerSpan.span_id))
    }))

  it.effect("keeps upstream decisions 0 and -1 and leaves an undecided upstream to dd-trace's sampler", () =>
    Effect.gen(function*() {
      const priorities: Array<number | undefined> = [0, -1, undefined]
      const contexts = priorities.map((samplingPriority) =>
        upstream({ samplingPriority, tags: { "_dd.p.tid": "6a5f3e2100000000" }, origin: undefined })
      )
      for (const context of contexts) {
        yield* Effect.void.pipe(Effect.withSpan("sampled"), Tracing.applyExtraction(extractionResult(context)), run)
      }
      const [dropped, rejected, undecided] = yield* Effect.forEach(contexts, (context) => chunkOf(context.traceId))
      assert.strictEqual(dropped!.spans[0]!.metrics._sampling_priority_v1, 0)
      assert.strictEqual(rejected!.spans[0]!.metrics._sampling_priority_v1, -1)
      // No rule and no agent rate: dd-trace's default decision, with its mechanism (-0: agent rate).
      assert.strictEqual(undecided!.spans[0]!.metrics._sampling_priority_v1, 1)
      assert.strictEqual(undecided!.spans[0]!.meta["_dd.p.dm"], "-0")
    }))

  it.effect("turns attributes into tags (not _dd.p.*, the trace's own) and links into span links", () =>
    Effect.gen(function*() {
      const context = upstream()
      const linked = upstream({ traceIdHigh: undefined, tags: {}, samplingPriority: 1 })
      const link: Tracer.SpanLink = {
        _tag: "SpanLink",
        span: Tracing.externalSpan(linked),
        attributes: { "datadog.source": "sqs" }
      }
      yield* Effect.void.pipe(
        Effect.withSpan("tagged", {
          attributes: { "order.id": "o-1", count: 3, flag: true, "_dd.p.dm": "-99" },
          links: [link]
        }),
        Tracing.applyExtraction(extractionResult(context)),
        run
      )
      const span = TestAgent.spanNamed(yield* chunkOf(context.traceId), "tagged")
      assert.strictEqual(span.meta["order.id"], "o-1")
      assert.strictEqual(span.metrics.count, 3)
      assert.strictEqual(span.metrics.flag, 1)
      assert.strictEqual(span.meta["_dd.p.dm"], "-4")
      assert.deepStrictEqual(TestAgent.spanLinks(span).map((l) => [l.trace_id, l.span_id, l.attributes, l.flags]), [
        [`0000000000000000${hex16(linked.traceId)}`, hex16(linked.parentId), { "datadog.source": "sqs" }, 1]
      ])
    }))

  it.effect("marks failures from the Cause, and not interruptions", () =>
    Effect.gen(function*() {
      const failing = upstream()
      const interrupted = upstream()
      class OrderRejected extends Error {
        override readonly name = "OrderRejected"
      }
      yield* Effect.fail(new OrderRejected("no stock")).pipe(
        Effect.withSpan("failing"),
        Tracing.applyExtraction(extractionResult(failing)),
        run,
        Effect.exit
      )
      yield* Effect.interrupt.pipe(
        Effect.withSpan("interrupted"),
        Tracing.applyExtraction(extractionResult(interrupted)),
        run,
        Effect.exit
      )
      const span = TestAgent.spanNamed(yield* chunkOf(failing.traceId), "failing")
      assert.strictEqual(span.error, 1)
      assert.strictEqual(span.meta["error.type"], "OrderRejected")
      assert.strictEqual(span.meta["error.message"], "no stock")
      assert.include(span.meta["error.stack"], "OrderRejected: no stock")
      const quiet = TestAgent.spanNamed(yield* chunkOf(interrupted.traceId), "interrupted")
      assert.strictEqual(quiet.error, 0)
      assert.isUndefined(quiet.meta["error.type"])
    }))

  it.effect("keeps the Effect span active in dd-trace's scope, across async steps, and the outer span after it", () =>
    Effect.gen(function*() {
      const context = upstream()
      const effect = Effect.gen(function*() {
        const seen = yield* Effect.gen(function*() {
          const before = yield* Effect.sync(() => tracer.scope().active()?.context().toSpanId())
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
          const after = yield* Effect.sync(() => tracer.scope().active()?.context().toSpanId())
          yield* Effect.sync(() => tracer.trace("dd-child", () => undefined))
          return { before, after }
        }).pipe(Effect.withSpan("active"), Tracing.applyExtraction(extractionResult(context)))
        // Resumed by a callback registered inside "active", the fiber is back under the span around it.
        const outside = yield* Effect.sync(() => tracer.scope().active()?.context().toSpanId())
        return { seen, outside }
      }).pipe(run)
      // A dd-trace span around the whole program, as a wrapper around the handler would open.
      const { outer, result } = yield* Effect.promise(() =>
        tracer.trace(
          "outer",
          async (span) => ({ outer: span.context().toSpanId(), result: await Effect.runPromise(effect) })
        )
      )
      const chunk = yield* chunkOf(context.traceId)
      const active = TestAgent.spanNamed(chunk, "active")
      assert.deepStrictEqual(result.seen, { before: active.span_id, after: active.span_id })
      assert.strictEqual(TestAgent.spanNamed(chunk, "dd-child").parent_id, active.span_id)
      assert.strictEqual(result.outside, outer)
    }))

  it.effect("starts an invocation span's effect with the span already active (Tracing.withInvocationSpan)", () =>
    Effect.gen(function*() {
      const context = upstream()
      const active = Effect.sync(() => tracer.scope().active()?.context().toSpanId())
      const seen = yield* active.pipe(Tracing.withInvocationSpan("invocation", extractionResult(context)), run)
      const chunk = yield* chunkOf(context.traceId)
      assert.strictEqual(seen, TestAgent.spanNamed(chunk, "invocation").span_id)
    }))

  it.effect("runs only the handler under a serverless invocation's aws.lambda; the wrapper's steps under no span", () =>
    Effect.gen(function*() {
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
      yield* Effect.promise(() =>
        Effect.runPromise(Effect.provide(handler(event, runtimeContext(undefined)), TracedChain))
      )
        .pipe(Effect.ensuring(Effect.sync(() => delete (scope as { activate?: unknown }).activate)))
      const chunk = yield* chunkOf(traceId)
      const lambda = TestAgent.spanNamed(chunk, "aws.lambda")
      const inferred = TestAgent.spanNamed(chunk, "aws.apigateway")
      const effectSpan = TestAgent.spanNamed(chunk, "effect-span")
      assert.strictEqual(lambda.parent_id, inferred.span_id)
      assert.strictEqual(TestAgent.spanNamed(chunk, "dd-sync").parent_id, lambda.span_id)
      assert.strictEqual(TestAgent.spanNamed(chunk, "dd-after-async").parent_id, lambda.span_id)
      assert.strictEqual(effectSpan.parent_id, lambda.span_id)
      assert.strictEqual(TestAgent.spanNamed(chunk, "dd-in-span").parent_id, effectSpan.span_id)
      // The inferred span is never made active (nothing runs under it); aws.lambda once, to start the handler in it.
      const switches = (span: TestAgent.AgentSpan) => switched.filter((id) => id === span.span_id).length
      assert.strictEqual(switches(inferred), 0)
      assert.strictEqual(switches(lambda), 1)
    }))

  it.effect("sets service, resource and type from their attributes, and keeps times the caller chose", () =>
    Effect.gen(function*() {
      const context = upstream()
      const chosen = Date.now() - 60_000
      yield* TestClock.setTime(chosen)
      const span = yield* Effect.makeSpan("chosen", {
        parent: Tracing.externalSpan(context),
        attributes: { "service.name": "orders-queue", "resource.name": "orders-queue", "span.type": "web", n: 3 }
      }).pipe(run)
      span.end(BigInt(chosen + 1_500) * 1_000_000n, Exit.void)
      const found = TestAgent.spanNamed(yield* chunkOf(context.traceId), "chosen")
      assert.deepStrictEqual([found.service, found.resource, found.type], ["orders-queue", "orders-queue", "web"])
      assert.strictEqual(found.metrics.n, 3)
      // dd-trace turns milliseconds into nanoseconds in floating point: equal to within 10 µs.
      const near = (actual: bigint, expected: bigint) => actual - expected < 10_000n && expected - actual < 10_000n
      assert.isTrue(near(found.start, BigInt(chosen) * 1_000_000n), String(found.start))
      assert.isTrue(near(found.duration, 1_500_000_000n), String(found.duration))
    }))

  it.effect("reports dd-trace's own context for injection (Tracing.currentSpanContext)", () =>
    Effect.gen(function*() {
      const context = upstream({ samplingPriority: undefined })
      const [span, injected] = yield* Effect.zip(Effect.currentSpan, Tracing.currentSpanContext).pipe(
        Effect.withSpan("injecting"),
        Tracing.applyExtraction(extractionResult(context)),
        run
      )
      const value = Option.getOrThrow(injected)
      const sent = TestAgent.spanNamed(yield* chunkOf(context.traceId), "injecting")
      assert.strictEqual(value.traceId, context.traceId)
      assert.deepStrictEqual(value.traceIdHigh, Option.some("6a5f3e2100000000"))
      assert.strictEqual(value.parentId, sent.span_id)
      assert.deepStrictEqual(value.samplingPriority, Option.some(sent.metrics._sampling_priority_v1))
      assert.deepStrictEqual(value.origin, Option.some("synthetics"))
      assert.strictEqual(value.tags["_dd.p.dm"], sent.meta["_dd.p.dm"])
      assert.strictEqual(value.source, "http")
      assert.isTrue(span.sampled)
    }))
})

describe("LambdaTracing under a span dd-trace already has active", () => {
  const headers = (traceId: string) => ({
    headers: { "x-datadog-trace-id": traceId, "x-datadog-parent-id": "77", "x-datadog-sampling-priority": "2" }
  })
  const app = (_event: unknown, _context: unknown) =>
    Effect.zip(CurrentExtraction.get, Effect.currentSpan).pipe(Effect.withSpan("handler-work"))

  it.effect("joins it: no second aws.lambda, no extraction, and the attempts say so", () =>
    Effect.gen(function*() {
      const handler = LambdaTracing.withExtraction(app, { spanName: "aws.lambda" })
      // As datadog-lambda-js does: the invocation runs inside a dd-trace `aws.lambda` span (here a new trace).
      const { ids, result } = yield* Effect.promise(() =>
        tracer.trace("aws.lambda", async (span) => {
          const [extraction] = await Effect.runPromise(Effect.provide(handler(headers("555"), {}), TracedChain))
          return { ids: [span.context().toTraceId(), span.context().toSpanId()], result: Option.getOrThrow(extraction) }
        })
      )
      const chunk = yield* chunkOf(ids[0]!)
      assert.deepStrictEqual(chunk.spans.map((span) => span.name).sort(), ["aws.lambda", "handler-work"])
      assert.strictEqual(TestAgent.spanNamed(chunk, "handler-work").parent_id, ids[1])
      assert.deepStrictEqual(result.attempts.map((attempt) => attempt.extractor), ["dd-trace-span"])
      const joined = Option.getOrThrow(result.context)
      assert.deepStrictEqual([joined.traceId, joined.parentId, joined.source], [ids[0], ids[1], "dd-trace-span"])
    }))

  it.effect("runs the chain too when asked, and extracts as usual when told to ignore the active span", () =>
    Effect.gen(function*() {
      const joinAndExtract = LambdaTracing.withExtraction(app, {
        spanName: "aws.lambda",
        activeSpan: "join-and-extract"
      })
      const ignore = LambdaTracing.withExtraction(app, { spanName: "aws.lambda", activeSpan: "ignore" })
      const [extracted, ignored] = yield* Effect.promise(() =>
        tracer.trace("aws.lambda", () =>
          Promise.all([
            Effect.runPromise(Effect.provide(joinAndExtract(headers("556"), {}), TracedChain)),
            Effect.runPromise(Effect.provide(ignore(headers("557"), {}), TracedChain))
          ]))
      )
      const both = Option.getOrThrow(extracted[0])
      assert.deepStrictEqual(both.attempts.slice(0, 2).map((a) => [a.extractor, a.outcome]), [
        ["dd-trace-span", "found"],
        ["durable-checkpoint", "none"]
      ])
      assert.deepStrictEqual(Option.map(both.context, (c) => c.traceId), Option.some("556"))
      const chunk = yield* chunkOf("557")
      const lambda = TestAgent.spanNamed(chunk, "aws.lambda")
      assert.strictEqual(lambda.parent_id, "77")
      assert.strictEqual(TestAgent.spanNamed(chunk, "handler-work").parent_id, lambda.span_id)
      assert.deepStrictEqual(Option.map(Option.getOrThrow(ignored[0]).context, (c) => c.source), Option.some("http"))
    }))
})
