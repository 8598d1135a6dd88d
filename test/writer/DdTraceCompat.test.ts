// The checkpoint payload against real dd-trace: for the same span context, the JSON this library writes and the
// headers dd-trace's Datadog propagator injects (what dd-trace-js's durable writer saves) must match.
import { assert, describe, it } from "@effect/vitest"
import tracer from "dd-trace"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as SpanContext from "../../src/internal/ddTrace/spanContext.js"
import * as CheckpointPayload from "../../src/internal/durable/checkpointPayload.js"

tracer.init({ plugins: false, tracePropagationStyle: { inject: ["datadog"], extract: ["datadog"] } } as any)

const ddInject = (span: ReturnType<typeof tracer.startSpan>): string => {
  const carrier: Record<string, string> = {}
  tracer.inject(span, "text_map", carrier)
  return JSON.stringify(carrier)
}

const ours = (span: ReturnType<typeof tracer.startSpan>): string => {
  const context = SpanContext.fromSpanContext(span.context(), "custom")
  assert.isDefined(context)
  return CheckpointPayload.encode(CheckpointPayload.fromContext(TraceContext.toFields(TraceContext.make(context!))))
}

describe("checkpoint payload vs dd-trace's Datadog injection", () => {
  it("is byte-identical for a child of an extracted 128-bit context", () => {
    const parent = tracer.extract("text_map", {
      "x-datadog-trace-id": "1311693406324658740",
      "x-datadog-parent-id": "48059",
      "x-datadog-sampling-priority": "2",
      "x-datadog-tags": "_dd.p.dm=-4,_dd.p.tid=6a5f3e2100000000"
    })
    const span = tracer.startSpan("aws.durable.execute", { childOf: parent! })
    const theirs = ddInject(span)
    assert.strictEqual(ours(span), theirs)
    span.finish()
  })

  it("has the same keys and values when an origin is present (dd-trace-js writes origin before priority)", () => {
    const parent = tracer.extract("text_map", {
      "x-datadog-trace-id": "42",
      "x-datadog-parent-id": "43",
      "x-datadog-sampling-priority": "1",
      "x-datadog-origin": "synthetics"
    })
    const span = tracer.startSpan("aws.durable.execute", { childOf: parent! })
    const theirs = JSON.parse(ddInject(span))
    const mine = JSON.parse(ours(span))
    assert.deepStrictEqual(mine, theirs)
    assert.deepStrictEqual(Object.keys(mine), [
      "x-datadog-trace-id",
      "x-datadog-parent-id",
      "x-datadog-sampling-priority",
      "x-datadog-origin"
    ])
    span.finish()
  })

  it("carries the same tags for a new root trace (dd-trace lists _dd.p.tid first there)", () => {
    const span = tracer.startSpan("root")
    // Injection makes dd-trace's sampling decision (and adds `_dd.p.dm`), so it runs first.
    const theirs = JSON.parse(ddInject(span))
    const mine = JSON.parse(ours(span))
    const tagSet = (header: string) => new Set(header.split(","))
    assert.deepStrictEqual(tagSet(mine["x-datadog-tags"]), tagSet(theirs["x-datadog-tags"]))
    assert.deepStrictEqual({ ...mine, "x-datadog-tags": "" }, { ...theirs, "x-datadog-tags": "" })
    span.finish()
  })
})
