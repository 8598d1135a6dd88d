import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as DatadogHeaders from "../../src/internal/propagation/datadogHeaders.js"
import { tracer, withDdTraceExtract } from "../support/propagation-ddtrace.js"

describe("DatadogHeaders.parseTags", () => {
  it("reads _dd.p.* pairs; a pair without = has an empty value; a value may contain =", () => {
    assert.deepStrictEqual(DatadogHeaders.parseTags("_dd.p.dm=-4,_dd.p.flag,_dd.p.k=a=b"), {
      "_dd.p.dm": "-4",
      "_dd.p.flag": "",
      "_dd.p.k": "a=b"
    })
  })

  it("drops every tag when one pair is invalid, but only an invalid _dd.p.tid alone", () => {
    for (const header of ["_dd.p.dm=-4,foo=bar", "_dd.p.dm=-4,", "_dd.p.=x", "_dd.p.x=é", "_dd.p. x=1"]) {
      assert.isUndefined(DatadogHeaders.parseTags(header), header)
    }
    assert.deepStrictEqual(DatadogHeaders.parseTags("_dd.p.tid=xyz,_dd.p.dm=-4"), { "_dd.p.dm": "-4" })
  })

  it("lower-cases _dd.p.tid", () => {
    assert.deepStrictEqual(DatadogHeaders.parseTags("_dd.p.tid=6A5F3E2100000000"), { "_dd.p.tid": "6a5f3e2100000000" })
  })

  it("ignores absent, empty, too long or disabled headers", () => {
    assert.isUndefined(DatadogHeaders.parseTags(undefined))
    assert.isUndefined(DatadogHeaders.parseTags(""))
    assert.isUndefined(DatadogHeaders.parseTags(`_dd.p.x=${"a".repeat(600)}`))
    assert.isUndefined(DatadogHeaders.parseTags("_dd.p.dm=-4", 0))
    assert.isUndefined(DatadogHeaders.parseTags("_dd.p.dm=-4", 10))
    assert.deepStrictEqual(DatadogHeaders.parseTags("_dd.p.dm=-4", 11), { "_dd.p.dm": "-4" })
  })

  it("reads x-datadog-tags exactly as dd-trace does (property, real dd-trace as the oracle)", () => {
    const piece = fc.constantFrom(
      "_dd.p.",
      "dm",
      "tid",
      "=",
      ",",
      "-4",
      "6A5F3E2100000000",
      "x",
      " ",
      "é",
      "_dd.p.tid=",
      // The edges of the allowed ranges: 0x21 and 0x7e are in, 0x2b and 0x2d border the excluded comma, 0x7f and
      // control characters are out.
      "!",
      "~",
      "+",
      "\x7f",
      "\t"
    )
    const header = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(""))
    fc.assert(
      fc.property(header, (tags) => {
        const context = withDdTraceExtract(
          ["datadog"],
          true,
          () =>
            tracer.extract("text_map", {
              "x-datadog-trace-id": "1",
              "x-datadog-parent-id": "2",
              "x-datadog-tags": tags
            })
        )
        const theirs = (context as unknown as { _trace: { tags: Record<string, string> } })._trace.tags
        const expected = Object.fromEntries(
          Object.entries(theirs).map(([key, value]) => [key, key === "_dd.p.tid" ? value.toLowerCase() : value])
        )
        assert.deepStrictEqual(DatadogHeaders.parseTags(tags) ?? {}, expected)
      }),
      { numRuns: 1000 }
    )
  })

  it("never throws on any string (property)", () => {
    fc.assert(fc.property(fc.string(), (header) => {
      const tags = DatadogHeaders.parseTags(header)
      return tags === undefined || Object.keys(tags).every((key) => key.startsWith("_dd.p."))
    }))
  })
})

describe("DatadogHeaders.parse and extract", () => {
  it("sees a context when dd-trace does: a trace id that is not all zeros and a non-empty parent id", () => {
    const parse = (traceId: string, parentId: string) =>
      DatadogHeaders.parse({ "x-datadog-trace-id": traceId, "x-datadog-parent-id": parentId })
    assert.isUndefined(parse("0", "1"))
    assert.isUndefined(parse("000", "1"))
    assert.isUndefined(parse("", "1"))
    assert.isUndefined(parse("1", ""))
    assert.isUndefined(DatadogHeaders.parse({ "x-datadog-trace-id": "1" }))
    // Present but unusable: dd-trace would coerce these ids.
    assert.deepInclude(parse("abc", "0"), { traceId: undefined, parentId: undefined })
    assert.deepInclude(parse("007", "8"), { traceId: "7", parentId: "8" })
  })

  it("keeps the priority as parseInt reads it and the raw-case _dd.p.tid", () => {
    const parsed = DatadogHeaders.parse({
      "x-datadog-trace-id": "1",
      "x-datadog-parent-id": "2",
      "x-datadog-sampling-priority": " 2x",
      "x-datadog-tags": "_dd.p.tid=6A5F3E2100000000"
    })
    assert.strictEqual(parsed?.samplingPriority, 2)
    assert.strictEqual(parsed?.rawTraceIdHigh, "6A5F3E2100000000")
    assert.deepStrictEqual(parsed?.tags, { "_dd.p.tid": "6a5f3e2100000000" })
  })

  it("extract needs both ids and keeps a zero tid out of traceIdHigh", () => {
    const context = DatadogHeaders.extract({
      "x-datadog-trace-id": "1",
      "x-datadog-parent-id": "2",
      "x-datadog-origin": "",
      "x-datadog-tags": "_dd.p.tid=0000000000000000"
    }, "sqs")
    assert.strictEqual(context?.traceId, "1")
    assert.strictEqual(context?.source, "sqs")
    assert.isDefined(context)
    assert.isUndefined(context?.traceIdHigh)
    assert.strictEqual(context?.origin, "")
    assert.isUndefined(DatadogHeaders.extract({ "x-datadog-trace-id": "1", "x-datadog-parent-id": "0" }, "sqs"))
  })

  it("parsePriority reads a leading integer like parseInt, within the safe-integer range", () => {
    assert.strictEqual(DatadogHeaders.parsePriority("2"), 2)
    assert.strictEqual(DatadogHeaders.parsePriority(" -1 "), -1)
    assert.strictEqual(DatadogHeaders.parsePriority("1.9"), 1)
    assert.isUndefined(DatadogHeaders.parsePriority("abc"))
    assert.isUndefined(DatadogHeaders.parsePriority("99999999999999999999"))
    assert.isUndefined(DatadogHeaders.parsePriority(undefined))
  })
})
