// The native propagator against the real, initialised dd-trace (5 or 6) on the same generated carriers and style
// lists: found or not, trace id, parent id, sampling priority, 128-bit upper half, origin and trace tags.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import type { TraceContext } from "../../src/domain/TraceContext.js"
import type { Style } from "../../src/internal/propagation/propagationStyle.js"
import * as PropagationStyle from "../../src/internal/propagation/propagationStyle.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { ddTraceB3 } from "../support/ddTraceVersion.js"
import { carrier, carrierOf, hex16, styles, world } from "../support/propagation-carriers.js"
import { ddTracePropagator, initialStyles, tracer, withDdTraceExtract } from "../support/propagation-ddtrace.js"

interface View {
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority: number | null
  readonly traceIdHigh: string | null
  readonly origin: string | null
  readonly tags: Readonly<Record<string, string>>
}

const view = (context: Option.Option<TraceContext>): View | null =>
  Option.match(context, {
    onNone: () => null,
    onSome: (found) => ({
      traceId: found.traceId,
      parentId: found.parentId,
      samplingPriority: Option.getOrNull(found.samplingPriority),
      traceIdHigh: Option.getOrNull(found.traceIdHigh),
      origin: Option.getOrNull(found.origin),
      tags: found.tags
    })
  })

const native = (input: unknown, extractStyles: ReadonlyArray<Style>, extractFirst: boolean): View | null =>
  view(Effect.runSync(NativePropagator.make({ extractStyles, extractFirst, b3: ddTraceB3 }).extract(input, "http")))

const ddTrace = (input: unknown, extractStyles: ReadonlyArray<Style>, extractFirst: boolean): View | null =>
  withDdTraceExtract(extractStyles, extractFirst, () => view(Effect.runSync(ddTracePropagator.extract(input, "http"))))

/** What the generated runs covered, so a generator that stops producing contexts fails the test. */
class Coverage {
  runs = 0
  found = 0
  w3cParent = 0
  sampled = 0
  tid = 0
  record(result: View | null): void {
    this.runs++
    if (result === null) return
    this.found++
    if (result.tags["_dd.parent_id"] !== undefined) this.w3cParent++
    if (result.samplingPriority !== null) this.sampled++
    if (result.traceIdHigh !== null) this.tid++
  }
}

const agree = (coverage: Coverage) => (input: Record<string, unknown>, list: ReadonlyArray<Style>, first: boolean) => {
  const ours = native(input, list, first)
  assert.deepStrictEqual(ours, ddTrace(input, list, first))
  coverage.record(ours)
}

describe("native propagator vs dd-trace", () => {
  it("the dd-trace side really extracts with the styles each run sets", () => {
    const datadogOnly = { "x-datadog-trace-id": "10", "x-datadog-parent-id": "11" }
    const w3cOnly = { traceparent: "00-0000000000000000000000000000000a-000000000000000b-01" }
    assert.deepStrictEqual(initialStyles, ["datadog", "tracecontext", "baggage"])
    assert.isNull(ddTrace(datadogOnly, ["tracecontext"], false))
    assert.strictEqual(ddTrace(w3cOnly, ["tracecontext"], false)?.parentId, "11")
    assert.isNull(ddTrace(w3cOnly, ["datadog"], false))
    assert.strictEqual(ddTrace(datadogOnly, ["datadog"], false)?.parentId, "11")
    // Extract-first: the W3C span id no longer replaces the Datadog parent of the same trace.
    const both = { ...datadogOnly, ...w3cOnly }
    assert.strictEqual(ddTrace(both, ["datadog", "tracecontext"], false)?.parentId, "11")
    assert.strictEqual(
      ddTrace({ ...both, "x-datadog-parent-id": "12" }, ["datadog", "tracecontext"], false)?.parentId,
      "11"
    )
    assert.strictEqual(
      ddTrace({ ...both, "x-datadog-parent-id": "12" }, ["datadog", "tracecontext"], true)?.parentId,
      "12"
    )
    // Restored afterwards.
    assert.strictEqual(tracer.extract("text_map", w3cOnly)?.toSpanId(), "11")
  })

  it("agree on every generated carrier and style list (2000 runs)", () => {
    const coverage = new Coverage()
    fc.assert(fc.property(carrier, styles, fc.boolean(), agree(coverage)), { numRuns: 2000 })
    assert.isAbove(coverage.found, coverage.runs * 0.25)
    assert.isAbove(coverage.w3cParent, 10)
    assert.isAbove(coverage.tid, 50)
  })

  it("agree under dd-trace's default configuration, untouched (1000 runs)", () => {
    const coverage = new Coverage()
    fc.assert(
      fc.property(carrier, (input) => {
        const ours = native(input, PropagationStyle.defaultExtract, false)
        assert.deepStrictEqual(ours, view(Effect.runSync(ddTracePropagator.extract(input, "http"))))
        coverage.record(ours)
      }),
      { numRuns: 1000 }
    )
    assert.isAbove(coverage.found, coverage.runs * 0.3)
  })

  it("agree on Datadog and W3C headers of the same or other traces, in either order (1000 runs)", () => {
    const coverage = new Coverage()
    // Same trace ids (the Datadog tid matching the W3C upper half half of the time), other parent ids.
    const both = world.chain((w) =>
      fc.tuple(carrierOf(w), fc.boolean()).map(([input, withTid]) => ({
        ...input,
        "x-datadog-trace-id": w.low.toString(),
        "x-datadog-parent-id": w.otherSpan.toString(),
        ...(withTid ? { "x-datadog-tags": `_dd.p.dm=-3,_dd.p.tid=${hex16(w.high)}` } : {}),
        traceparent: `00-${hex16(w.high)}${hex16(w.low)}-${hex16(w.span)}-01`
      }))
    )
    const order = fc.constantFrom<ReadonlyArray<Style>>(
      ["datadog", "tracecontext"],
      ["tracecontext", "datadog"],
      ["datadog"],
      ["b3multi", "datadog", "tracecontext"]
    )
    fc.assert(fc.property(both, order, fc.boolean(), agree(coverage)), { numRuns: 1000 })
    assert.isAbove(coverage.w3cParent, 50)
  })
})

describe("where the native propagator deliberately differs from dd-trace", () => {
  const w3c = "00-0000000000000000000000000000000c-000000000000000d-01"

  it("rejects decimal ids that dd-trace coerces: trailing junk, overflow, negative, over 64 digits", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["12abc", "12"],
      ["18446744073709551621", "5"], // 2^64 + 5 wraps
      ["-5", "18446744073709551611"], // two's complement
      ["0".repeat(65) + "7", "7"]
    ]
    for (const [header, ddTraceReads] of cases) {
      const input = { "x-datadog-trace-id": header, "x-datadog-parent-id": "3" }
      assert.strictEqual(ddTrace(input, ["datadog"], false)?.traceId, ddTraceReads, header)
      assert.isNull(native(input, ["datadog"], false), header)
    }
    const parent = { "x-datadog-trace-id": "3", "x-datadog-parent-id": "12abc" }
    assert.strictEqual(ddTrace(parent, ["datadog"], false)?.parentId, "12")
    assert.isNull(native(parent, ["datadog"], false))
  })

  it("a coerced Datadog id still wins over W3C, as in dd-trace, so both find nothing (no fallback to W3C)", () => {
    const input = { "x-datadog-trace-id": "abc", "x-datadog-parent-id": "3", traceparent: w3c }
    assert.isNull(ddTrace(input, ["datadog", "tracecontext"], false))
    assert.isNull(native(input, ["datadog", "tracecontext"], false))
    // Raw dd-trace hands back a context with trace id 0; the dd-trace layer reports it as no context.
    assert.strictEqual(tracer.extract("text_map", input)?.toTraceId(), "0")
  })

  it("a zero Datadog parent id is no parent, unless the W3C span id of the same trace replaces it", () => {
    const zero = { "x-datadog-trace-id": "12", "x-datadog-parent-id": "0" }
    assert.strictEqual(tracer.extract("text_map", zero)?.toSpanId(), "0")
    assert.isNull(ddTrace(zero, ["datadog"], false))
    assert.isNull(native(zero, ["datadog"], false))
    const replaced = { ...zero, traceparent: w3c }
    const expected = { parentId: "13", parent: "0000000000000000" }
    for (
      const result of [
        native(replaced, ["datadog", "tracecontext"], false),
        ddTrace(replaced, ["datadog", "tracecontext"], false)
      ]
    ) {
      assert.strictEqual(result?.parentId, expected.parentId)
      assert.strictEqual(result?.tags["_dd.parent_id"], expected.parent)
    }
  })

  it("reads the first value of a multi-value header (both layers normalise); raw dd-trace reads the last", () => {
    const input = { "x-datadog-trace-id": ["5", "6"], "x-datadog-parent-id": "7" }
    assert.strictEqual(tracer.extract("text_map", input)?.toTraceId(), "6")
    assert.strictEqual(native(input, ["datadog"], false)?.traceId, "5")
    assert.strictEqual(ddTrace(input, ["datadog"], false)?.traceId, "5")
  })

  it("does not read the Elastic Beanstalk worker header x-aws-sqsd-attr-_datadog", () => {
    const input = {
      "x-aws-sqsd-attr-_datadog": JSON.stringify({ "x-datadog-trace-id": "5", "x-datadog-parent-id": "6" })
    }
    assert.strictEqual(ddTrace(input, ["datadog"], false)?.traceId, "5")
    assert.isNull(native(input, ["datadog"], false))
  })

  it("drops a priority outside the safe-integer range on both sides (dd-trace keeps 1e20)", () => {
    const input = {
      "x-datadog-trace-id": "5",
      "x-datadog-parent-id": "6",
      "x-datadog-sampling-priority": "99999999999999999999"
    }
    assert.strictEqual(
      (tracer.extract("text_map", input) as unknown as { _sampling: { priority: number } })._sampling.priority,
      1e20
    )
    assert.isNull(native(input, ["datadog"], false)?.samplingPriority)
    assert.isNull(ddTrace(input, ["datadog"], false)?.samplingPriority)
  })
})
