import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import * as ExtractionResult from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"

const u64 = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })
const hex16 = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map((n) => n.toString(16).padStart(16, "0"))

describe("TraceContext", () => {
  it("make builds what the class constructor builds (keys, order, equality, hash, class, encoding)", () => {
    const tags = { "_dd.p.dm": "-4" }
    const made = TraceContext.make({
      traceId: "1311693406324658740",
      traceIdHigh: "6a5f3e2100000000",
      parentId: "2",
      samplingPriority: 1,
      tags,
      source: "sqs"
    })
    const constructed = new TraceContext.TraceContext({
      traceId: "1311693406324658740",
      traceIdHigh: Option.some("6a5f3e2100000000"),
      parentId: "2",
      samplingPriority: Option.some(1),
      origin: Option.none(),
      tags,
      source: "sqs"
    }, true)
    assert.deepStrictEqual(Reflect.ownKeys(made), Reflect.ownKeys(constructed))
    assert.isTrue(made instanceof TraceContext.TraceContext)
    assert.isTrue(Schema.is(TraceContext.TraceContext)(made))
    assert.isTrue(Equal.equals(made, constructed))
    assert.strictEqual(Hash.hash(made), Hash.hash(constructed))
    assert.deepStrictEqual(TraceContext.encode(made), TraceContext.encode(constructed))
    assert.strictEqual(String(made), String(constructed))
    const moved = TraceContext.withSource(made, "xray")
    assert.isTrue(moved instanceof TraceContext.TraceContext)
    assert.isTrue(Equal.equals(moved, new TraceContext.TraceContext({ ...constructed, source: "xray" }, true)))
  })

  it("gives the W3C forms of a 128-bit context", () => {
    const context = TraceContext.make({
      traceId: "1311693406324658740",
      traceIdHigh: "6a5f3e2100000000",
      parentId: "48059",
      source: "durable-checkpoint"
    })
    assert.strictEqual(context.w3cTraceId, "6a5f3e2100000000" + "1234123412341234")
    assert.strictEqual(context.w3cParentId, "000000000000bbbb")
  })

  it("pads a 64-bit trace id with zeros in W3C form", () => {
    const context = TraceContext.make({ traceId: "255", parentId: "1", source: "http" })
    assert.strictEqual(context.w3cTraceId, "0".repeat(30) + "ff")
  })

  it("encodes to JSON and decodes back (property)", () => {
    fc.assert(
      fc.property(
        u64,
        fc.option(hex16, { nil: undefined }),
        u64,
        fc.option(fc.integer({ min: -1, max: 2 }), { nil: undefined }),
        (traceId, high, parentId, priority) => {
          const context = TraceContext.make({
            traceId: traceId.toString(),
            traceIdHigh: high,
            parentId: parentId.toString(),
            samplingPriority: priority,
            source: "sqs",
            tags: high === undefined ? {} : { "_dd.p.tid": high }
          })
          const json = JSON.parse(JSON.stringify(TraceContext.encode(context)))
          const decoded = Either.getOrThrow(TraceContext.decode(json))
          return decoded.traceId === context.traceId && Option.getOrUndefined(decoded.traceIdHigh) === high &&
            decoded.parentId === context.parentId && Option.getOrUndefined(decoded.samplingPriority) === priority
        }
      )
    )
  })

  it("rejects non-canonical, zero and oversized ids when decoding untrusted input", () => {
    const base = { traceIdHigh: null, samplingPriority: null, origin: null, tags: {}, source: "custom" }
    for (const traceId of ["0", "007", "18446744073709551616", "-1", "1e3", "abc", ""]) {
      assert.isTrue(Either.isLeft(TraceContext.decode({ ...base, traceId, parentId: "1" })), traceId)
    }
    assert.isTrue(Either.isRight(TraceContext.decode({ ...base, traceId: "18446744073709551615", parentId: "1" })))
    assert.isTrue(
      Either.isLeft(TraceContext.decode({ ...base, traceId: "1", parentId: "1", traceIdHigh: "ABCDEF0123456789" }))
    )
  })

  it("reports the sampling decision", () => {
    const make = (samplingPriority?: number) =>
      TraceContext.make({ traceId: "1", parentId: "1", source: "http", samplingPriority })
    assert.deepStrictEqual([make(2), make(1), make(0), make(-1), make()].map(TraceContext.isSampled), [
      true,
      true,
      false,
      false,
      undefined
    ])
  })

  it("encodes an extraction result to plain JSON", () => {
    const context = TraceContext.make({ traceId: "1", parentId: "2", source: "http", samplingPriority: 1 })
    const json = ExtractionResult.encode({ context: Option.some(context), links: [], attempts: [] })
    assert.deepStrictEqual(json.context, {
      traceId: "1",
      traceIdHigh: null,
      parentId: "2",
      samplingPriority: 1,
      origin: null,
      tags: {},
      source: "http"
    })
  })
})
