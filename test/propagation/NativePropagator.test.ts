import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"
import { tracer } from "../support/propagation-ddtrace.js"

const configured = (env: Record<string, string>): Layer.Layer<Propagator> =>
  NativePropagator.layerConfig.pipe(
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

interface Found {
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority: number | null
  readonly parent: string | null
}

const extractWith = (propagator: Layer.Layer<Propagator>, carrier: unknown): Found | null =>
  Effect.runSync(
    Effect.flatMap(Propagator, (service) => service.extract(carrier, "http")).pipe(Effect.provide(propagator))
  ).pipe(
    Option.map((context) => ({
      traceId: context.traceId,
      parentId: context.parentId,
      samplingPriority: Option.getOrNull(context.samplingPriority),
      parent: context.tags["_dd.parent_id"] ?? null
    })),
    Option.getOrNull
  )

const datadog = { "x-datadog-trace-id": "10", "x-datadog-parent-id": "12", "x-datadog-sampling-priority": "2" }
const w3c = { traceparent: "00-0000000000000000000000000000000c-000000000000000d-01" }
// The same trace (10 = 0xa) in both, with other parent ids (12 vs 0xb = 11); no Datadog priority.
const sameTrace = {
  "x-datadog-trace-id": "10",
  "x-datadog-parent-id": "12",
  traceparent: "00-0000000000000000000000000000000a-000000000000000b-00"
}
const b3Multi = { "x-b3-traceid": "0000000000000014", "x-b3-spanid": "0000000000000015", "x-b3-sampled": "1" }
const b3Single = { b3: "0000000000000016-0000000000000017-1" }

const found = (traceId: string, parentId: string, samplingPriority: number | null, parent: string | null = null) => ({
  traceId,
  parentId,
  samplingPriority,
  parent
})

describe("NativePropagator.layerConfig", () => {
  it("defaults to datadog,tracecontext,baggage: the W3C span id of the same trace becomes the parent", () => {
    const layer = configured({})
    assert.deepStrictEqual(extractWith(layer, datadog), found("10", "12", 2))
    assert.deepStrictEqual(extractWith(layer, w3c), found("12", "13", 1))
    assert.deepStrictEqual(extractWith(layer, sameTrace), found("10", "11", 0, "000000000000000c"))
    assert.isNull(extractWith(layer, b3Multi))
    assert.isNull(extractWith(layer, b3Single))
  })

  it("tracecontext only: Datadog headers are ignored", () => {
    const layer = configured({ DD_TRACE_PROPAGATION_STYLE_EXTRACT: "tracecontext" })
    assert.isNull(extractWith(layer, datadog))
    assert.deepStrictEqual(extractWith(layer, w3c), found("12", "13", 1))
    assert.deepStrictEqual(extractWith(layer, sameTrace), found("10", "11", 0))
  })

  it("datadog only: no W3C context, but a missing priority still comes from a traceparent of the same trace", () => {
    const layer = configured({ DD_TRACE_PROPAGATION_STYLE_EXTRACT: "datadog" })
    assert.deepStrictEqual(extractWith(layer, datadog), found("10", "12", 2))
    assert.isNull(extractWith(layer, w3c))
    assert.deepStrictEqual(extractWith(layer, sameTrace), found("10", "12", 0))
  })

  it("none, or a blank list (as dd-trace reads it): nothing is extracted", () => {
    for (const styles of ["none", "", " , "]) {
      const layer = configured({ DD_TRACE_PROPAGATION_STYLE_EXTRACT: styles })
      for (const carrier of [datadog, w3c, sameTrace, b3Multi, b3Single]) assert.isNull(extractWith(layer, carrier))
    }
  })

  it("extract-first: the first style found wins with no W3C merge", () => {
    const layer = configured({ DD_TRACE_PROPAGATION_EXTRACT_FIRST: "true" })
    assert.deepStrictEqual(extractWith(layer, sameTrace), found("10", "12", null))
    assert.deepStrictEqual(extractWith(layer, w3c), found("12", "13", 1))
  })

  it("reads DD_TRACE_PROPAGATION_STYLE, then OTEL_PROPAGATORS; the _EXTRACT setting wins over both", () => {
    assert.isNull(extractWith(configured({ DD_TRACE_PROPAGATION_STYLE: "tracecontext" }), datadog))
    assert.isNull(extractWith(configured({ OTEL_PROPAGATORS: "tracecontext" }), datadog))
    const both = configured({
      DD_TRACE_PROPAGATION_STYLE_EXTRACT: "datadog",
      DD_TRACE_PROPAGATION_STYLE: "tracecontext"
    })
    assert.deepStrictEqual(extractWith(both, datadog), found("10", "12", 2))
    assert.isNull(extractWith(both, w3c))
  })

  it("b3 reads the single b3 header, as dd-trace 6 does, or x-b3-* headers with b3: multi (dd-trace 5)", () => {
    for (const single of [configured({ DD_TRACE_PROPAGATION_STYLE: "b3" }), configured({ OTEL_PROPAGATORS: "b3" })]) {
      assert.isNull(extractWith(single, b3Multi))
      assert.deepStrictEqual(extractWith(single, b3Single), found("22", "23", 1))
    }
    const multi = NativePropagator.layer({ extractStyles: ["b3"], b3: "multi" })
    assert.deepStrictEqual(extractWith(multi, b3Multi), found("20", "21", 1))
    assert.isNull(extractWith(multi, b3Single))
    const named = configured({ DD_TRACE_PROPAGATION_STYLE_EXTRACT: "b3multi,b3 single header" })
    assert.deepStrictEqual(extractWith(named, b3Single), found("22", "23", 1))
    assert.deepStrictEqual(extractWith(named, b3Multi), found("20", "21", 1))
  })

  it("trims and lower-cases style names, drops unknown ones, and falls back per setting on invalid values", () => {
    const layer = configured({
      DD_TRACE_PROPAGATION_STYLE_EXTRACT: " TraceContext , bogus",
      DD_TRACE_PROPAGATION_EXTRACT_FIRST: "maybe",
      DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: "-3"
    })
    assert.isNull(extractWith(layer, datadog))
    assert.deepStrictEqual(extractWith(layer, w3c), found("12", "13", 1))
  })

  it("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH bounds (0 disables) x-datadog-tags", () => {
    const carrier = { ...datadog, "x-datadog-tags": "_dd.p.dm=-4,_dd.p.tid=6a5f3e2100000000" }
    const tagsWith = (env: Record<string, string>) =>
      Effect.runSync(
        Effect.flatMap(Propagator, (service) => service.extract(carrier, "http")).pipe(Effect.provide(configured(env)))
      ).pipe(Option.map((context) => [context.tags, Option.getOrNull(context.traceIdHigh)] as const), Option.getOrNull)
    assert.deepStrictEqual(tagsWith({}), [{ "_dd.p.dm": "-4", "_dd.p.tid": "6a5f3e2100000000" }, "6a5f3e2100000000"])
    assert.deepStrictEqual(tagsWith({ DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: "0" }), [{}, null])
    assert.deepStrictEqual(tagsWith({ DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH: "20" }), [{}, null])
  })
})

const MAX_U64 = 2n ** 64n - 1n
const decimalId = fc.bigInt({ min: 1n, max: MAX_U64 }).map(String)
const hex16 = fc.bigInt({ min: 1n, max: MAX_U64 }).map((value) => value.toString(16).padStart(16, "0"))
const tagKey = fc.stringMatching(/^[\x21-\x2B\x2D-\x3C\x3E-\x7E]{1,12}$/).map((key) => `_dd.p.${key}`)
const tagValue = fc.stringMatching(/^[\x20-\x2B\x2D-\x7E]{1,20}$/)

const context = fc.record({
  traceId: decimalId,
  parentId: decimalId,
  traceIdHigh: fc.option(hex16, { nil: undefined }),
  samplingPriority: fc.option(fc.oneof(fc.integer({ min: -1, max: 2 }), fc.integer()), { nil: undefined }),
  origin: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  tags: fc.dictionary(tagKey.filter((key) => key !== "_dd.p.tid"), tagValue, { maxKeys: 5 })
}).map((fields) =>
  TraceContext.make({
    ...fields,
    tags: fields.traceIdHigh === undefined ? fields.tags : { ...fields.tags, "_dd.p.tid": fields.traceIdHigh },
    source: "http"
  })
)

const inject = (value: TraceContext.TraceContext) => Effect.runSync(NativePropagator.make().inject(value))

const ddTraceReinjects = (carrier: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {}
  tracer.inject(tracer.extract("text_map", carrier)!, "text_map", out)
  return Object.fromEntries(Object.entries(out).filter(([key]) => key.startsWith("x-datadog-")))
}

describe("NativePropagator inject", () => {
  it("round-trips: extracting what it injects gives the same context (property)", () => {
    const propagator = NativePropagator.make()
    fc.assert(
      fc.property(context, (original) => {
        const back = Effect.runSync(propagator.extract(inject(original), "http"))
        assert.deepStrictEqual(TraceContext.encode(Option.getOrThrow(back)), TraceContext.encode(original))
      }),
      { numRuns: 500 }
    )
  })

  it("writes trace id, parent id, sampling priority, origin, tags in that order", () => {
    const value = TraceContext.make({
      traceId: "1",
      parentId: "2",
      samplingPriority: 1,
      origin: "rum",
      tags: { "_dd.p.dm": "-4" },
      traceIdHigh: "6a5f3e2100000000",
      source: "http"
    })
    assert.deepStrictEqual(Object.entries(inject(value)), [
      ["x-datadog-trace-id", "1"],
      ["x-datadog-parent-id", "2"],
      ["x-datadog-sampling-priority", "1"],
      ["x-datadog-origin", "rum"],
      ["x-datadog-tags", "_dd.p.dm=-4,_dd.p.tid=6a5f3e2100000000"]
    ])
  })

  it("is byte-identical to dd-trace's Datadog injection of the same context without origin (property)", () => {
    fc.assert(
      fc.property(
        context.filter((value) => Option.isNone(value.origin) && Option.isSome(value.samplingPriority)),
        (value) => {
          const ours = inject(value)
          assert.strictEqual(JSON.stringify(ours), JSON.stringify(ddTraceReinjects(ours)))
        }
      ),
      { numRuns: 500 }
    )
  })

  it("differs from dd-trace-js only in placing the origin after the priority (the Python tracer's order)", () => {
    const value = TraceContext.make({ traceId: "1", parentId: "2", samplingPriority: 1, origin: "rum", source: "http" })
    const ours = inject(value)
    const theirs = ddTraceReinjects(ours)
    assert.deepStrictEqual(ours, theirs)
    assert.deepStrictEqual(Object.keys(theirs), [
      "x-datadog-trace-id",
      "x-datadog-parent-id",
      "x-datadog-origin",
      "x-datadog-sampling-priority"
    ])
  })

  it("keeps _dd.p.tid where the tags list it, skips empty and invalid tags, and keeps only the tid when too long", () => {
    const base = { traceId: "1", parentId: "2", traceIdHigh: "00000000000000ab", source: "http" } as const
    const tagsOf = (tags: Record<string, string>) => inject(TraceContext.make({ ...base, tags }))["x-datadog-tags"]
    assert.strictEqual(tagsOf({ "_dd.p.tid": "ignored", "_dd.p.dm": "-4" }), "_dd.p.tid=00000000000000ab,_dd.p.dm=-4")
    assert.strictEqual(tagsOf({ "_dd.p.empty": "", "_dd.p.bad": "a,b", other: "x" }), "_dd.p.tid=00000000000000ab")
    assert.strictEqual(tagsOf({ "_dd.p.long": "a".repeat(600) }), "_dd.p.tid=00000000000000ab")
    const noHigh = inject(
      TraceContext.make({ traceId: "1", parentId: "2", tags: { "_dd.p.tid": "00000000000000ab" }, source: "http" })
    )
    assert.isUndefined(noHigh["x-datadog-tags"])
  })
})
