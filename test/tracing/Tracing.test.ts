import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as ExternalSpan from "../../src/internal/tracing/externalSpan.js"
import * as CurrentExtraction from "../../src/services/CurrentExtraction.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import * as Tracing from "../../src/wrappers/Tracing.js"
import { extractionResult } from "../support/otel.js"

// 128-bit trace: _dd.p.tid 6a5f3e2100000000, low half 1311693406324658740 (0x1234123412341234); parent 48059 (0xbbbb).
const upstream = (fields: Partial<TraceContext.Fields> = {}) =>
  TraceContext.make({
    traceId: "1311693406324658740",
    traceIdHigh: "6a5f3e2100000000",
    parentId: "48059",
    samplingPriority: 2,
    origin: "rum",
    tags: { "_dd.p.dm": "-4", "_dd.p.tid": "6a5f3e2100000000" },
    source: "http",
    ...fields
  })

const result = extractionResult

const childSpan = Effect.withSpan(Effect.currentSpan, "child")

const parentOf = (span: Tracer.Span): Tracer.AnySpan => Option.getOrThrow(span.parent)

describe("Tracing.externalSpan", () => {
  it("uses W3C hex ids and keeps the whole Datadog context", () => {
    const context = upstream()
    const span = Tracing.externalSpan(context)
    assert.strictEqual(span.traceId, "6a5f3e21000000001234123412341234")
    assert.strictEqual(span.spanId, "000000000000bbbb")
    assert.isTrue(span.sampled)
    assert.deepStrictEqual(ExternalSpan.datadogContext(span), Option.some(context))
    assert.deepStrictEqual(Context.getOption(span.context, ExternalSpan.OtelTraceFlags), Option.some(1))
    assert.strictEqual(
      Option.getOrThrow(Context.getOption(span.context, ExternalSpan.OtelTraceState)).serialize(),
      "dd=s:2;o:rum;t.dm:-4"
    )
  })

  it("is unsampled when the upstream dropped the trace, sampled when it kept it or made no decision", () => {
    for (const [priority, sampled] of [[-1, false], [0, false], [1, true], [2, true]] as const) {
      const span = Tracing.externalSpan(upstream({ samplingPriority: priority }))
      assert.strictEqual(span.sampled, sampled, `priority ${priority}`)
      assert.deepStrictEqual(Context.getOption(span.context, ExternalSpan.OtelTraceFlags), Option.some(sampled ? 1 : 0))
    }
    const undecided = Tracing.externalSpan(upstream({ samplingPriority: undefined, origin: undefined, tags: {} }))
    assert.isTrue(undecided.sampled)
    assert.isTrue(Option.isNone(Context.getOption(undecided.context, ExternalSpan.OtelTraceFlags)))
    assert.isTrue(Option.isNone(Context.getOption(undecided.context, ExternalSpan.OtelTraceState)))
  })

  it("pads a 64-bit trace id", () => {
    const span = Tracing.externalSpan(TraceContext.make({ traceId: "255", parentId: "1", source: "sqs" }))
    assert.strictEqual(span.traceId, "000000000000000000000000000000ff")
    assert.strictEqual(span.spanId, "0000000000000001")
  })
})

describe("the dd tracestate member", () => {
  it("encodes origin and tag values the way dd-trace does", () => {
    const context = upstream({ origin: "syn=the,tics;x", tags: { "_dd.p.usr id": "a=b;c", "_dd.p.tid": "ff" } })
    assert.strictEqual(ExternalSpan.ddTraceStateMember(context), "s:2;o:syn~the_tics_x;t.usr_id:a~b_c")
  })

  it("gives nothing for an empty context and refuses members over 256 characters", () => {
    assert.isUndefined(
      ExternalSpan.ddTraceStateMember(upstream({ samplingPriority: undefined, origin: undefined, tags: {} }))
    )
    assert.isUndefined(ExternalSpan.ddTraceStateMember(upstream({ tags: { "_dd.p.big": "x".repeat(300) } })))
  })
})

describe("Tracing.applyExtraction (Effect's own tracer)", () => {
  it.effect("makes spans inside children of the upstream context", () =>
    Effect.gen(function*() {
      const context = upstream()
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(context)))
      assert.strictEqual(span.traceId, context.w3cTraceId)
      const parent = parentOf(span)
      assert.strictEqual(parent._tag, "ExternalSpan")
      assert.strictEqual(parent.spanId, context.w3cParentId)
      assert.isFalse(Tracing.externalSpan(upstream({ samplingPriority: 0 })).sampled)
    }))

  it.effect("keeps the upstream drop decision on the parent (Effect's tracer marks its own spans sampled)", () =>
    Effect.gen(function*() {
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(upstream({ samplingPriority: 0 }))))
      assert.isFalse(parentOf(span).sampled)
      assert.strictEqual(Option.getOrThrow(Tracing.spanContext(span)).samplingPriority.pipe(Option.getOrThrow), 0)
    }))

  it.effect("starts a new trace when nothing was extracted", () =>
    Effect.gen(function*() {
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(undefined)))
      assert.isTrue(Option.isNone(span.parent))
      assert.match(span.traceId, /^[0-9a-f]{32}$/)
    }))

  it.effect("links batch contexts to the spans inside", () =>
    Effect.gen(function*() {
      const first = upstream({ traceId: "11", traceIdHigh: undefined, parentId: "12", source: "sqs" })
      const second = upstream({ traceId: "21", traceIdHigh: undefined, parentId: "22", source: "sqs" })
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(undefined, [first, second])))
      assert.deepStrictEqual(span.links.map((link) => [link.span.traceId, link.span.spanId]), [
        [first.w3cTraceId, first.w3cParentId],
        [second.w3cTraceId, second.w3cParentId]
      ])
      assert.deepStrictEqual(span.links.map((link) => link.attributes["datadog.source"]), ["sqs", "sqs"])
    }))

  it.effect("provides the extraction result", () =>
    Effect.gen(function*() {
      const extraction = result(upstream())
      const seen = yield* CurrentExtraction.get.pipe(Tracing.applyExtraction(extraction))
      assert.deepStrictEqual(seen, Option.some(extraction))
      assert.isTrue(Option.isNone(yield* CurrentExtraction.get))
    }))
})

describe("Tracing.withUpstream", () => {
  it.effect("runs the chain and parents the handler's spans on its result", () =>
    Effect.gen(function*() {
      const context = upstream({ source: "custom" })
      const chain = ExtractorChain.make([
        TraceExtractor.make({
          name: "custom",
          extract: (event) =>
            Effect.succeed(
              (event as { readonly traced?: boolean }).traced === true
                ? TraceExtractor.found(context)
                : TraceExtractor.none
            )
        })
      ])
      const [span, found] = yield* Effect.zip(childSpan, CurrentExtraction.context).pipe(
        Tracing.withUpstream({ traced: true }, {}),
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      assert.strictEqual(span.traceId, context.w3cTraceId)
      assert.strictEqual(parentOf(span).spanId, context.w3cParentId)
      assert.deepStrictEqual(found, Option.some(context))

      const untraced = yield* Tracing.withUpstream(childSpan, { traced: false }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      assert.notStrictEqual(untraced.traceId, context.w3cTraceId)
    }))
})

describe("Tracing.spanContext (inject side)", () => {
  it.effect("gives the span's own ids in decimal with the upstream extras", () =>
    Effect.gen(function*() {
      const context = upstream()
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(context)))
      const injected = Option.getOrThrow(Tracing.spanContext(span))
      assert.strictEqual(injected.traceId, context.traceId)
      assert.deepStrictEqual(injected.traceIdHigh, context.traceIdHigh)
      assert.strictEqual(injected.parentId, BigInt("0x" + span.spanId).toString())
      assert.notStrictEqual(injected.parentId, context.parentId)
      assert.deepStrictEqual(injected.samplingPriority, Option.some(2))
      assert.deepStrictEqual(injected.origin, Option.some("rum"))
      assert.deepStrictEqual(injected.tags, context.tags)
      assert.strictEqual(injected.source, "http")
    }))

  it.effect("lets a sampling.priority attribute override the upstream priority", () =>
    Effect.gen(function*() {
      const span = yield* Effect.withSpan(Effect.currentSpan, "child", { attributes: { "sampling.priority": -1 } })
        .pipe(
          Tracing.applyExtraction(result(upstream()))
        )
      assert.deepStrictEqual(Option.getOrThrow(Tracing.spanContext(span)).samplingPriority, Option.some(-1))
    }))

  it.effect("defaults to priority 1 and source custom without an upstream", () =>
    Effect.gen(function*() {
      const injected = yield* Tracing.currentSpanContext.pipe(Effect.withSpan("root"))
      const context = Option.getOrThrow(injected)
      assert.deepStrictEqual(context.samplingPriority, Option.some(1))
      assert.strictEqual(context.source, "custom")
      assert.isTrue(Option.isNone(yield* Tracing.currentSpanContext))
    }))

  it("refuses spans whose ids are not W3C hex", () => {
    const external = (traceId: string, spanId: string) =>
      Tracing.spanContext({ _tag: "ExternalSpan", traceId, spanId, sampled: true, context: Context.empty() })
    assert.isTrue(Option.isNone(external("native", "0000000000000001")))
    assert.isTrue(Option.isNone(external("0".repeat(32), "0000000000000001")))
    assert.isTrue(Option.isNone(external("1".repeat(32), "0".repeat(16))))
    assert.isTrue(Option.isSome(external("1".repeat(32), "1".repeat(16))))
  })
})
