import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "fast-check"
import * as B3Headers from "../../src/internal/propagation/b3Headers.js"
import * as W3cTraceContext from "../../src/internal/propagation/w3cTraceContext.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"

const trace = "0af7651916cd43dd8448eb211c80319c"
const span = "b7ad6b7169203331"
const decimal = (hex: string): string => BigInt("0x" + hex).toString(10)

describe("W3cTraceContext.parseTraceparent", () => {
  it("reads version, ids (lower-cased) and the sampled flag, after trimming", () => {
    assert.deepStrictEqual(W3cTraceContext.parseTraceparent(` 00-${trace.toUpperCase()}-${span}-01\t`), {
      version: "00",
      traceId: trace,
      spanId: span,
      sampled: true
    })
    assert.isFalse(W3cTraceContext.parseTraceparent(`00-${trace}-${span}-02`)?.sampled)
    assert.isTrue(W3cTraceContext.parseTraceparent(`00-${trace}-${span}-FF`)?.sampled)
  })

  it("rejects what dd-trace rejects: version ff, a v00 tail, zero ids, bad lengths, a tail with a line break", () => {
    for (
      const value of [
        `ff-${trace}-${span}-01`,
        `00-${trace}-${span}-01-extra`,
        `00-${"0".repeat(32)}-${span}-01`,
        `00-${trace}-${"0".repeat(16)}-01`,
        `00-${trace.slice(1)}-${span}-01`,
        `01-${trace}-${span}-01-a\nb`,
        "",
        undefined
      ]
    ) {
      assert.isUndefined(W3cTraceContext.parseTraceparent(value), JSON.stringify(value))
    }
  })

  it("accepts what dd-trace accepts: upper-case FF (its version check is case-sensitive), future versions with a tail", () => {
    assert.strictEqual(W3cTraceContext.parseTraceparent(`FF-${trace}-${span}-01`)?.version, "FF")
    assert.strictEqual(W3cTraceContext.parseTraceparent(`01-${trace}-${span}-01-anything`)?.version, "01")
  })
})

describe("W3cTraceContext.parse", () => {
  it("splits the 128-bit id and applies the dd member of tracestate", () => {
    const parsed = W3cTraceContext.parse({
      traceparent: `00-${trace}-${span}-01`,
      tracestate: "rojo=00f067aa0ba902b7,dd=s:2;o:rum~1;p:00000000000000ff;t.dm:-4;t.usr.id:a~b;t.tid:ffffffffffffffff"
    })
    assert.deepStrictEqual(parsed, {
      traceIdHex: trace,
      traceId: decimal(trace.slice(16)),
      traceIdHigh: trace.slice(0, 16),
      parentId: decimal(span),
      samplingPriority: 2,
      origin: "rum=1",
      tags: {
        "_dd.p.tid": trace.slice(0, 16),
        "_dd.parent_id": "00000000000000ff",
        "_dd.p.dm": "-4",
        "_dd.p.usr.id": "a=b"
      }
    })
  })

  it("uses s only when it agrees with the flag", () => {
    const priority = (flags: string, s: string) =>
      W3cTraceContext.parse({ traceparent: `00-${trace}-${span}-${flags}`, tracestate: `dd=s:${s}` })?.samplingPriority
    assert.strictEqual(priority("01", "2"), 2)
    assert.strictEqual(priority("01", "-1"), 1)
    assert.strictEqual(priority("00", "-1"), -1)
    assert.strictEqual(priority("00", "2"), 0)
    assert.strictEqual(priority("01", "abc"), 1)
  })

  it("takes the first valid dd member within the first 32 members, and the first value of a repeated key", () => {
    const origin = (tracestate: string) =>
      W3cTraceContext.parse({ traceparent: `00-${trace}-${span}-01`, tracestate })?.origin
    assert.strictEqual(origin("dd=,dd=o:second"), "second")
    assert.strictEqual(origin("dd=o:a\t;x:y,dd=o:second"), "second")
    assert.strictEqual(origin("dd=o:first;o:again"), "first")
    assert.strictEqual(origin(" dd =o:padded"), "padded")
    assert.isUndefined(origin(Array.from({ length: 32 }, (_, index) => `k${index}=v`).join(",") + ",dd=o:late"))
  })

  it("has no usable trace id when the low half is zero", () => {
    const parsed = W3cTraceContext.parse({ traceparent: `00-${trace.slice(0, 16)}${"0".repeat(16)}-${span}-01` })
    assert.isUndefined(parsed?.traceId)
    assert.isUndefined(
      W3cTraceContext.extract({ traceparent: `00-${trace.slice(0, 16)}${"0".repeat(16)}-${span}-01` }, "http")
    )
  })

  it("never throws on any tracestate (property)", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (tracestate, member) => {
      W3cTraceContext.parse({ traceparent: `00-${trace}-${span}-01`, tracestate })
      W3cTraceContext.parseDdMember(member, true)
    }))
  })
})

describe("B3Headers", () => {
  it("reads x-b3-* headers: ids, sampled and debug", () => {
    assert.deepStrictEqual(
      B3Headers.parseMulti({ "x-b3-traceid": trace.toUpperCase(), "x-b3-spanid": span, "x-b3-flags": "1" }),
      {
        traceIdHex: trace,
        traceId: decimal(trace.slice(16)),
        traceIdHigh: trace.slice(0, 16),
        parentId: decimal(span),
        samplingPriority: 2
      }
    )
    assert.strictEqual(
      B3Headers.parseMulti({ "x-b3-traceid": span, "x-b3-spanid": span, "x-b3-sampled": "0" })?.samplingPriority,
      0
    )
    assert.isUndefined(B3Headers.parseMulti({ "x-b3-spanid": span }))
    assert.isUndefined(B3Headers.parseMulti({ "x-b3-traceid": "xyz", "x-b3-spanid": span }))
  })

  it("a sampling decision without ids is a context that cannot be a parent", () => {
    assert.deepStrictEqual(B3Headers.parseMulti({ "x-b3-sampled": "1" }), {
      traceIdHex: undefined,
      traceId: undefined,
      traceIdHigh: undefined,
      parentId: undefined,
      samplingPriority: 1
    })
    assert.isUndefined(B3Headers.parseMulti({ "x-b3-sampled": "true" }))
  })

  it("reads the single b3 header", () => {
    assert.strictEqual(B3Headers.parseSingle({ b3: `${trace}-${span}-d-${span}` })?.samplingPriority, 2)
    assert.strictEqual(B3Headers.parseSingle({ b3: `${span}-${span}-0` })?.samplingPriority, 0)
    assert.strictEqual(B3Headers.parseSingle({ b3: `${span}-${span}-D` })?.samplingPriority, 1)
    assert.isUndefined(B3Headers.parseSingle({ b3: `${span}-${span}` })?.samplingPriority)
    assert.strictEqual(B3Headers.parseSingle({ b3: "d" })?.samplingPriority, 2)
    assert.isUndefined(B3Headers.parseSingle({ b3: "D" }))
    assert.isUndefined(B3Headers.parseSingle({ b3: `${span}-${span}-x` }))
  })
})

describe("NativePropagator.extract on untrusted input", () => {
  it("never throws or dies and never mutates the carrier, for any JSON value and any style list (property)", () => {
    const styles = fc.shuffledSubarray(
      ["datadog", "tracecontext", "b3", "b3multi", "b3 single header", "baggage", "none"] as const
    )
    const headerish = fc.dictionary(
      fc.constantFrom(
        "traceparent",
        "TraceState",
        "x-datadog-trace-id",
        "x-datadog-parent-id",
        "x-datadog-tags",
        "b3",
        "x-b3-traceid",
        "x-b3-sampled"
      ),
      fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.jsonValue())
    )
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), headerish), styles, fc.boolean(), (input, extractStyles, extractFirst) => {
        const before = JSON.stringify(input)
        const exit = Effect.runSyncExit(NativePropagator.make({ extractStyles, extractFirst }).extract(input, "http"))
        assert.isTrue(exit._tag === "Success")
        assert.strictEqual(JSON.stringify(input), before)
      }),
      { numRuns: 1000 }
    )
  })
})
