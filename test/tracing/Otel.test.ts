import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as LambdaTracing from "../../src/wrappers/LambdaTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { extractionResult, inMemoryTracing } from "../support/otel.js"

const { exporter, layer: TracingLive } = inMemoryTracing("effect-datadog-lambda-test")

const upstream = (fields: Partial<TraceContext.Fields> = {}) =>
  TraceContext.make({
    traceId: "1311693406324658740",
    traceIdHigh: "6a5f3e2100000000",
    parentId: "48059",
    samplingPriority: 1,
    source: "http",
    ...fields
  })

const result = extractionResult

const exported = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name)

layer(TracingLive)("Tracing with @effect/opentelemetry 0.64", (it) => {
  it.effect("exports spans with the upstream 32-hex trace id and 16-hex parent span id", () =>
    Effect.gen(function*() {
      const context = upstream()
      const effectSpan = yield* Effect.currentSpan.pipe(
        Effect.withSpan("otel-child", { kind: "server" }),
        Tracing.applyExtraction(result(context))
      )
      const [span] = exported("otel-child")
      assert.strictEqual(span.spanContext().traceId, "6a5f3e21000000001234123412341234")
      assert.strictEqual(span.parentSpanContext?.spanId, "000000000000bbbb")
      assert.isTrue(span.parentSpanContext?.isRemote)
      assert.strictEqual(span.spanContext().traceFlags & 1, 1)
      assert.strictEqual(effectSpan.traceId, span.spanContext().traceId)
      assert.isTrue(effectSpan.sampled)
    }))

  it.effect("propagates an upstream drop (priority 0) as not sampled: nothing is exported", () =>
    Effect.gen(function*() {
      const context = upstream({ traceId: "77", traceIdHigh: undefined, samplingPriority: 0 })
      const effectSpan = yield* Effect.currentSpan.pipe(
        Effect.withSpan("otel-dropped"),
        Tracing.applyExtraction(result(context))
      )
      assert.isFalse(effectSpan.sampled)
      assert.strictEqual(effectSpan.traceId, context.w3cTraceId)
      assert.lengthOf(exported("otel-dropped"), 0)
    }))

  it.effect("documents 0.64: a bare Tracer.externalSpan with sampled: false is bridged as sampled", () =>
    Effect.gen(function*() {
      // @effect/opentelemetry 0.64 reads the trace flags from its OtelTraceFlags tag and defaults to SAMPLED,
      // ignoring `sampled`; Tracing.externalSpan fills the tag, which is why the test above drops the span.
      const bare = Tracer.externalSpan({ traceId: "0".repeat(31) + "9", spanId: "0".repeat(15) + "1", sampled: false })
      const effectSpan = yield* Effect.currentSpan.pipe(Effect.withSpan("otel-bare"), Effect.withParentSpan(bare))
      assert.isTrue(effectSpan.sampled)
      assert.lengthOf(exported("otel-bare"), 1)
    }))

  it.effect("hands the dd tracestate member to the OpenTelemetry span context", () =>
    Effect.gen(function*() {
      const context = upstream({ traceId: "88", samplingPriority: 2, origin: "rum", tags: { "_dd.p.dm": "-4" } })
      yield* Effect.void.pipe(Effect.withSpan("otel-tracestate"), Tracing.applyExtraction(result(context)))
      const [span] = exported("otel-tracestate")
      assert.strictEqual(span.parentSpanContext?.traceState?.get("dd"), "s:2;o:rum;t.dm:-4")
      assert.strictEqual(span.spanContext().traceState?.get("dd"), "s:2;o:rum;t.dm:-4")
    }))

  it.effect("exports batch contexts as span links", () =>
    Effect.gen(function*() {
      const first = upstream({ traceId: "11", traceIdHigh: undefined, parentId: "12", source: "sqs" })
      const second = upstream({ traceId: "21", traceIdHigh: undefined, parentId: "22", source: "sqs" })
      yield* Effect.void.pipe(
        Effect.withSpan("otel-batch"),
        Tracing.applyExtraction(result(undefined, [first, second]))
      )
      const [span] = exported("otel-batch")
      assert.deepStrictEqual(span.links.map((link) => [link.context.traceId, link.context.spanId]), [
        [first.w3cTraceId, first.w3cParentId],
        [second.w3cTraceId, second.w3cParentId]
      ])
      assert.isUndefined(span.parentSpanContext)
    }))

  it.effect("injects the exported span's own ids (the inject side agrees with OpenTelemetry)", () =>
    Effect.gen(function*() {
      const context = upstream({ traceId: "99" })
      const injected = yield* Tracing.currentSpanContext.pipe(
        Effect.withSpan("otel-inject"),
        Tracing.applyExtraction(result(context))
      )
      const [span] = exported("otel-inject")
      const value = Option.getOrThrow(injected)
      assert.strictEqual(value.w3cTraceId, span.spanContext().traceId)
      assert.strictEqual(value.w3cParentId, span.spanContext().spanId)
      assert.deepStrictEqual(value.samplingPriority, Option.some(1))
    }))
})

describe("a wrapped handler", () => {
  layer(Layer.merge(TracingLive, DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer()))))("", (it) => {
    it.effect("exports only spans of the upstream trace: extraction opens no root span of its own", () =>
      Effect.gen(function*() {
        exporter.reset()
        const handler = LambdaTracing.withExtraction(
          () => Effect.void.pipe(Effect.withSpan("wrapped-work")),
          { spanName: "wrapped-invocation" }
        )
        yield* handler({ headers: { "x-datadog-trace-id": "4242", "x-datadog-parent-id": "99" } }, {})
        const spans = exporter.getFinishedSpans()
        assert.deepStrictEqual(spans.map((span) => span.name).sort(), ["wrapped-invocation", "wrapped-work"])
        for (const span of spans) {
          assert.strictEqual(
            span.spanContext().traceId,
            "0000000000000000" + BigInt(4242).toString(16).padStart(16, "0")
          )
        }
      }))
  })
})

describe("an invocation span", () => {
  layer(TracingLive)("", (it) => {
    it.effect("carries the batch links alone (its children have none) and the upstream's _dd.p.* tags", () =>
      Effect.gen(function*() {
        exporter.reset()
        const context = upstream({ traceId: "501", tags: { "_dd.p.dm": "-4", "_dd.p.tid": "6a5f3e2100000000" } })
        const second = upstream({ traceId: "502", traceIdHigh: undefined, tags: {}, source: "sqs" })
        const third = upstream({ traceId: "503", traceIdHigh: undefined, tags: {}, source: "sqs" })
        yield* Effect.void.pipe(
          Effect.withSpan("inner-child"),
          Effect.withSpan("handle-request"),
          Tracing.withInvocationSpan("aws.lambda", result(context, [second, third]))
        )
        const [invocation] = exported("aws.lambda")
        assert.deepStrictEqual(invocation.links.map((link) => link.context.spanId), [
          second.w3cParentId,
          third.w3cParentId
        ])
        for (const name of ["handle-request", "inner-child"]) assert.lengthOf(exported(name)[0].links, 0, name)
        assert.strictEqual(invocation.attributes["_dd.p.tid"], "6a5f3e2100000000")
        assert.strictEqual(invocation.attributes["_dd.p.dm"], "-4")
        assert.strictEqual(invocation.attributes["datadog.extractor"], "http")
        assert.strictEqual(invocation.parentSpanContext?.spanId, context.w3cParentId)
      }))
  })
})

describe("exporter", () => {
  // Keeps the suite honest: the spans asserted above really went through the exporter.
  layer(TracingLive)("sanity", (it) => {
    it.effect("exports a plain span", () =>
      Effect.gen(function*() {
        yield* Effect.void.pipe(Effect.withSpan("otel-plain"))
        assert.lengthOf(exported("otel-plain"), 1)
      }))
  })
})
