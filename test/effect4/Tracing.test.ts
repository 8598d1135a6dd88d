// The Effect 4 line's Tracing on Effect's own tracer: the same behaviours as test/tracing/Tracing.test.ts.
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { CurrentExtraction, ExtractorChain, TraceContext, TraceExtractor, Tracing } from "../../src/effect4/index.js"
import * as ExternalSpan from "../../src/effect4/internal/tracing/externalSpan.js"
import { extractionResult as result } from "./support/extraction.js"

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

const childSpan = Effect.withSpan(Effect.currentSpan, "child")

const parentOf = (span: Tracer.Span): Tracer.AnySpan => Option.getOrThrow(span.parent)

describe("Tracing.externalSpan (Effect 4)", () => {
  it("uses W3C hex ids and keeps the whole Datadog context in its annotations", () => {
    const context = upstream()
    const span = Tracing.externalSpan(context)
    assert.strictEqual(span.traceId, "6a5f3e21000000001234123412341234")
    assert.strictEqual(span.spanId, "000000000000bbbb")
    assert.isTrue(span.sampled)
    assert.strictEqual(ExternalSpan.datadogContext(span), context)
    assert.strictEqual(Context.getOrUndefined(span.annotations, ExternalSpan.OtelTraceFlags), 1)
    assert.strictEqual(
      Context.getOrUndefined(span.annotations, ExternalSpan.OtelTraceState)?.serialize(),
      "dd=s:2;o:rum;t.dm:-4"
    )
  })

  it("is unsampled when the upstream dropped the trace, sampled when it kept it or made no decision", () => {
    for (const [priority, sampled] of [[-1, false], [0, false], [1, true], [2, true]] as const) {
      const span = Tracing.externalSpan(upstream({ samplingPriority: priority }))
      assert.strictEqual(span.sampled, sampled, `priority ${priority}`)
      assert.strictEqual(Context.getOrUndefined(span.annotations, ExternalSpan.OtelTraceFlags), sampled ? 1 : 0)
    }
    const undecided = Tracing.externalSpan(upstream({ samplingPriority: undefined, origin: undefined, tags: {} }))
    assert.isTrue(undecided.sampled)
    assert.isUndefined(Context.getOrUndefined(undecided.annotations, ExternalSpan.OtelTraceFlags))
    assert.isUndefined(Context.getOrUndefined(undecided.annotations, ExternalSpan.OtelTraceState))
  })

  it("pads a 64-bit trace id", () => {
    const span = Tracing.externalSpan(TraceContext.make({ traceId: "255", parentId: "1", source: "sqs" }))
    assert.strictEqual(span.traceId, "000000000000000000000000000000ff")
    assert.strictEqual(span.spanId, "0000000000000001")
  })

  it("encodes the dd tracestate member as dd-trace does", () => {
    const span = Tracing.externalSpan(
      upstream({ origin: "syn=the,tics;x", tags: { "_dd.p.usr id": "a=b;c", "_dd.p.tid": "ff" } })
    )
    assert.strictEqual(
      Context.getOrUndefined(span.annotations, ExternalSpan.OtelTraceState)?.get("dd"),
      "s:2;o:syn~the_tics_x;t.usr_id:a~b_c"
    )
  })
})

describe("Tracing.applyExtraction (Effect 4's own tracer)", () => {
  it.effect("makes spans inside children of the upstream context", () =>
    Effect.gen(function*() {
      const context = upstream()
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(context)))
      assert.strictEqual(span.traceId, context.w3cTraceId)
      const parent = parentOf(span)
      assert.strictEqual(parent._tag, "ExternalSpan")
      assert.strictEqual(parent.spanId, context.w3cParentId)
    }))

  it.effect("keeps the upstream drop decision on the parent and in the propagated priority", () =>
    Effect.gen(function*() {
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(upstream({ samplingPriority: 0 }))))
      assert.isFalse(parentOf(span).sampled)
      assert.strictEqual(Option.getOrThrow(Option.getOrThrow(Tracing.spanContext(span)).samplingPriority), 0)
    }))

  it.effect("starts a new trace when nothing was extracted", () =>
    Effect.gen(function*() {
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(undefined)))
      assert.isTrue(Option.isNone(span.parent))
      assert.match(span.traceId, /^[0-9a-f]{32}$/)
    }))

  it.effect("links batch contexts to the spans inside, without _tag", () =>
    Effect.gen(function*() {
      const first = upstream({ traceId: "11", traceIdHigh: undefined, parentId: "12", source: "sqs" })
      const second = upstream({ traceId: "21", traceIdHigh: undefined, parentId: "22", source: "kinesis" })
      const span = yield* childSpan.pipe(Tracing.applyExtraction(result(undefined, [first, second])))
      assert.deepStrictEqual(span.links.map((link) => [link.span.traceId, link.span.spanId]), [
        [first.w3cTraceId, first.w3cParentId],
        [second.w3cTraceId, second.w3cParentId]
      ])
      assert.deepStrictEqual(span.links.map((link) => link.attributes["datadog.source"]), ["sqs", "kinesis"])
      assert.isFalse(span.links.some((link) => "_tag" in link))
    }))

  it.effect("provides the extraction result", () =>
    Effect.gen(function*() {
      const extraction = result(upstream())
      const seen = yield* CurrentExtraction.get.pipe(Tracing.applyExtraction(extraction))
      assert.deepStrictEqual(seen, Option.some(extraction))
      assert.isTrue(Option.isNone(yield* CurrentExtraction.get))
      assert.isTrue(Option.isNone(yield* CurrentExtraction.context))
      const context = yield* CurrentExtraction.context.pipe(Tracing.applyExtraction(extraction))
      assert.deepStrictEqual(context, extraction.context)
    }))
})

describe("Tracing.withInvocationSpan (Effect 4)", () => {
  it.effect("opens one server span under the upstream, with the links and the extractor on it only", () =>
    Effect.gen(function*() {
      const context = upstream()
      const record = upstream({ traceId: "31", traceIdHigh: undefined, parentId: "32", source: "sqs" })
      const [span, seen] = yield* Effect.zip(childSpan, CurrentExtraction.context).pipe(
        Tracing.withInvocationSpan("invocation", result(context, [record]))
      )
      const invocation = parentOf(span) as Tracer.Span
      assert.strictEqual(invocation.name, "invocation")
      assert.strictEqual(invocation.kind, "server")
      assert.strictEqual(invocation.attributes.get("datadog.extractor"), "http")
      assert.strictEqual(invocation.attributes.get("_dd.p.dm"), "-4")
      assert.strictEqual(invocation.attributes.get("_dd.p.tid"), "6a5f3e2100000000")
      assert.strictEqual(parentOf(invocation).spanId, context.w3cParentId)
      assert.deepStrictEqual(invocation.links.map((link) => link.span.spanId), [record.w3cParentId])
      assert.lengthOf(span.links, 0)
      assert.deepStrictEqual(seen, Option.some(context))
    }))

  it.effect("takes a parent, a root, a kind and attributes; says `none` without a context", () =>
    Effect.gen(function*() {
      const parent = Tracer.externalSpan({ traceId: "a".repeat(32), spanId: "b".repeat(16) })
      const joined = yield* childSpan.pipe(
        Tracing.withInvocationSpan("joined", result(upstream()), { parent, kind: "consumer", attributes: { x: 1 } })
      )
      const invocation = parentOf(joined) as Tracer.Span
      assert.strictEqual(parentOf(invocation), parent)
      assert.strictEqual(invocation.kind, "consumer")
      assert.strictEqual(invocation.attributes.get("x"), 1)
      const root = yield* childSpan.pipe(Tracing.withInvocationSpan("root", result(upstream()), { root: true }))
      assert.isTrue(Option.isNone((parentOf(root) as Tracer.Span).parent))
      const none = yield* childSpan.pipe(Tracing.withInvocationSpan("none", result(undefined)))
      assert.strictEqual((parentOf(none) as Tracer.Span).attributes.get("datadog.extractor"), "none")
    }))
})

describe("Tracing.withUpstream (Effect 4)", () => {
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

describe("Tracing.spanContext (Effect 4, inject side)", () => {
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
      const span = yield* Effect.withSpan(Effect.currentSpan, "child", {
        attributes: { [Tracing.SAMPLING_PRIORITY_ATTRIBUTE]: -1 }
      }).pipe(Tracing.applyExtraction(result(upstream())))
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
    const external = (traceId: string, spanId: string) => Tracing.spanContext(Tracer.externalSpan({ traceId, spanId }))
    assert.isTrue(Option.isNone(external("native", "0000000000000001")))
    assert.isTrue(Option.isNone(external("0".repeat(32), "0000000000000001")))
    assert.isTrue(Option.isNone(external("1".repeat(32), "0".repeat(16))))
    assert.isTrue(Option.isSome(external("1".repeat(32), "1".repeat(16))))
  })
})
