// The Effect 4 line's DdTraceTracer over real dd-trace, checked on what a loopback agent decodes: the same
// behaviours as test/tracing/DdTraceTracer.test.ts and DdTraceTracerUninitialised.test.ts (parent chain, trace
// tags, sampling, tags, links, errors, dd-trace's scope, the serverless view's scope switches, chosen times, the inject
// side, joining a span dd-trace already has active, and dd-trace not initialised). dd-trace is process-wide: the
// scenarios run in a child process of their own (support/ddTraceTracer.ts), which reports what it saw in the process.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { type Outcome, runChild } from "../support/e2e/child.js"
import * as TestAgent from "../support/TestAgent.js"
import { bundled } from "./support/childScript.js"

interface Report {
  readonly uninitialised: {
    readonly error: { readonly tag: string; readonly reason: string; readonly message: string }
    readonly traceId: string
    readonly upstreamTraceId: string
    readonly isDdTraceSpan: boolean
    readonly injectedTraceId: string | undefined
    readonly logs: ReadonlyArray<string>
  }
  readonly continues: {
    readonly traceId: string
    readonly parentId: string
    readonly outer: { readonly traceId: string; readonly spanId: string }
    readonly inner: { readonly spanId: string }
  }
  readonly sampling: ReadonlyArray<string>
  readonly tagged: {
    readonly traceId: string
    readonly linked: { readonly traceId: string; readonly parentId: string }
  }
  readonly failures: { readonly failing: string; readonly interrupted: string }
  readonly scope: {
    readonly traceId: string
    readonly outer: string
    readonly seen: { readonly before: string; readonly after: string }
    readonly outside: string
  }
  readonly invocationActive: { readonly traceId: string; readonly seen: string }
  readonly serverless: { readonly traceId: string; readonly switched: ReadonlyArray<string> }
  readonly chosen: { readonly traceId: string; readonly chosen: number }
  readonly injected: {
    readonly traceId: string
    readonly sampled: boolean
    readonly context: {
      readonly traceId: string
      readonly traceIdHigh: string | null
      readonly parentId: string
      readonly samplingPriority: number | null
      readonly origin: string | null
      readonly tags: Record<string, string>
      readonly source: string
    }
  }
  readonly join: {
    readonly joined: {
      readonly ids: ReadonlyArray<string>
      readonly attempts: ReadonlyArray<string>
      readonly context: { readonly traceId: string; readonly parentId: string; readonly source: string }
    }
    readonly extracted: { readonly attempts: ReadonlyArray<string>; readonly context: { readonly traceId: string } }
    readonly ignored: { readonly attempts: ReadonlyArray<string>; readonly context: { readonly source: string } }
  }
}

let outcome: Outcome<Report>

const traceIdsOf = (report: Report): ReadonlyArray<string> => [
  report.continues.traceId,
  ...report.sampling,
  report.tagged.traceId,
  report.failures.failing,
  report.failures.interrupted,
  report.scope.traceId,
  report.invocationActive.traceId,
  report.serverless.traceId,
  report.chosen.traceId,
  report.injected.traceId,
  report.join.joined.ids[0]!,
  "557"
]

beforeAll(async () => {
  outcome = await runChild<Report>({
    file: await bundled("test/effect4/support/ddTraceTracer.ts", 4),
    protocol: "0.4",
    complete: (chunks, report) =>
      traceIdsOf(report).every((traceId) => chunks.some((chunk) => chunk.spans.some((s) => s.trace_id === traceId)))
  })
}, 90_000)

const chunkOf = (traceId: string): TestAgent.Chunk => {
  const found = outcome.chunks.filter((chunk) => chunk.spans[0]?.trace_id === traceId)
  assert.lengthOf(found, 1, `chunks of trace ${traceId}`)
  return found[0]!
}

const hex16 = (decimal: string) => BigInt(decimal).toString(16).padStart(16, "0")

describe("DdTraceTracer (Effect 4) before dd-trace is initialised", () => {
  it("resolveGlobal fails with TracerUnavailable (NotInitialised)", () => {
    const { error } = outcome.report.uninitialised
    assert.strictEqual(error.tag, "TracerUnavailable")
    assert.strictEqual(error.reason, "NotInitialised")
    assert.include(error.message, "init()")
  })

  it("layerGlobal builds, says why at debug level, and the handler runs on Effect's own spans", () => {
    const found = outcome.report.uninitialised
    assert.strictEqual(found.traceId, found.upstreamTraceId)
    assert.isFalse(found.isDdTraceSpan)
    assert.strictEqual(found.injectedTraceId, "42")
    assert.isTrue(
      found.logs.some((line) => line.includes("DdTraceTracer") && line.includes("NotInitialised")),
      found.logs.join("\n")
    )
  })
})

describe("DdTraceTracer (Effect 4)", () => {
  it("continues an extracted context: ids, parent chain, priority, origin and every _dd.p.* tag", () => {
    const { inner, outer, parentId, traceId } = outcome.report.continues
    const chunk = chunkOf(traceId)
    const outerSpan = TestAgent.spanNamed(chunk, "outer")
    const innerSpan = TestAgent.spanNamed(chunk, "inner")
    assert.strictEqual(outerSpan.parent_id, parentId)
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
    assert.strictEqual(outer.traceId, `6a5f3e2100000000${hex16(traceId)}`)
    assert.strictEqual(outer.spanId, hex16(outerSpan.span_id))
    assert.strictEqual(inner.spanId, hex16(innerSpan.span_id))
  })

  it("keeps upstream decisions 0 and -1 and leaves an undecided upstream to dd-trace's sampler", () => {
    const [dropped, rejected, undecided] = outcome.report.sampling.map(chunkOf)
    assert.strictEqual(dropped!.spans[0]!.metrics._sampling_priority_v1, 0)
    assert.strictEqual(rejected!.spans[0]!.metrics._sampling_priority_v1, -1)
    // No rule and no agent rate: dd-trace's default decision, with its mechanism (-0: agent rate).
    assert.strictEqual(undecided!.spans[0]!.metrics._sampling_priority_v1, 1)
    assert.strictEqual(undecided!.spans[0]!.meta["_dd.p.dm"], "-0")
  })

  it("turns attributes into tags (not _dd.p.*, the trace's own) and links into span links", () => {
    const { linked, traceId } = outcome.report.tagged
    const span = TestAgent.spanNamed(chunkOf(traceId), "tagged")
    assert.strictEqual(span.meta["order.id"], "o-1")
    assert.strictEqual(span.metrics.count, 3)
    assert.strictEqual(span.metrics.flag, 1)
    assert.strictEqual(span.meta["_dd.p.dm"], "-4")
    assert.deepStrictEqual(TestAgent.spanLinks(span).map((l) => [l.trace_id, l.span_id, l.attributes, l.flags]), [
      [`0000000000000000${hex16(linked.traceId)}`, hex16(linked.parentId), { "datadog.source": "sqs" }, 1]
    ])
  })

  it("marks failures from the Cause, and not interruptions", () => {
    const span = TestAgent.spanNamed(chunkOf(outcome.report.failures.failing), "failing")
    assert.strictEqual(span.error, 1)
    assert.strictEqual(span.meta["error.type"], "OrderRejected")
    assert.strictEqual(span.meta["error.message"], "no stock")
    assert.include(span.meta["error.stack"], "OrderRejected: no stock")
    const quiet = TestAgent.spanNamed(chunkOf(outcome.report.failures.interrupted), "interrupted")
    assert.strictEqual(quiet.error, 0)
    assert.isUndefined(quiet.meta["error.type"])
  })

  it("keeps the Effect span active in dd-trace's scope, across async steps, and the outer span after it", () => {
    const { outer, outside, seen, traceId } = outcome.report.scope
    const chunk = chunkOf(traceId)
    const active = TestAgent.spanNamed(chunk, "active")
    assert.deepStrictEqual(seen, { before: active.span_id, after: active.span_id })
    assert.strictEqual(TestAgent.spanNamed(chunk, "dd-child").parent_id, active.span_id)
    assert.strictEqual(outside, outer)
  })

  it("starts an invocation span's effect with the span already active (Tracing.withInvocationSpan)", () => {
    const { seen, traceId } = outcome.report.invocationActive
    assert.strictEqual(seen, TestAgent.spanNamed(chunkOf(traceId), "invocation").span_id)
  })

  it("runs only the handler under a serverless invocation's aws.lambda; the wrapper's steps under no span", () => {
    const { switched, traceId } = outcome.report.serverless
    const chunk = chunkOf(traceId)
    const lambda = TestAgent.spanNamed(chunk, "aws.lambda")
    const inferred = TestAgent.spanNamed(chunk, "aws.apigateway")
    const effectSpan = TestAgent.spanNamed(chunk, "effect-span")
    assert.strictEqual(lambda.parent_id, inferred.span_id)
    assert.strictEqual(TestAgent.spanNamed(chunk, "dd-sync").parent_id, lambda.span_id)
    assert.strictEqual(TestAgent.spanNamed(chunk, "dd-after-async").parent_id, lambda.span_id)
    assert.strictEqual(effectSpan.parent_id, lambda.span_id)
    assert.strictEqual(TestAgent.spanNamed(chunk, "dd-in-span").parent_id, effectSpan.span_id)
    // The inferred span is never made active (nothing runs under it). Effect 4 resumes a fiber on its scheduler,
    // whatever async context resumed it: aws.lambda is made active for the handler's steps (the Effect 3 line enters
    // it once, test/tracing/DdTraceTracer.test.ts), and only for them.
    const switches = (span: TestAgent.AgentSpan) => switched.filter((id) => id === span.span_id).length
    assert.strictEqual(switches(inferred), 0)
    assert.isAbove(switches(lambda), 0)
    const own = new Set(chunk.spans.filter((span) => span !== inferred).map((span) => span.span_id))
    assert.isTrue(switched.every((id) => own.has(id)), "only the invocation's own spans are made active")
  })

  it("sets service, resource and type from their attributes, and keeps times the caller chose", () => {
    const { chosen, traceId } = outcome.report.chosen
    const found = TestAgent.spanNamed(chunkOf(traceId), "chosen")
    assert.deepStrictEqual([found.service, found.resource, found.type], ["orders-queue", "orders-queue", "web"])
    assert.strictEqual(found.metrics.n, 3)
    // dd-trace turns milliseconds into nanoseconds in floating point: equal to within 10 µs.
    const near = (actual: bigint, expected: bigint) => actual - expected < 10_000n && expected - actual < 10_000n
    assert.isTrue(near(found.start, BigInt(chosen) * 1_000_000n), String(found.start))
    assert.isTrue(near(found.duration, 1_500_000_000n), String(found.duration))
  })

  it("reports dd-trace's own context for injection (Tracing.currentSpanContext)", () => {
    const { context, sampled, traceId } = outcome.report.injected
    const sent = TestAgent.spanNamed(chunkOf(traceId), "injecting")
    assert.strictEqual(context.traceId, traceId)
    assert.strictEqual(context.traceIdHigh, "6a5f3e2100000000")
    assert.strictEqual(context.parentId, sent.span_id)
    assert.strictEqual(context.samplingPriority, sent.metrics._sampling_priority_v1)
    assert.strictEqual(context.origin, "synthetics")
    assert.strictEqual(context.tags["_dd.p.dm"], sent.meta["_dd.p.dm"])
    assert.strictEqual(context.source, "http")
    assert.isTrue(sampled)
  })
})

describe("LambdaTracing (Effect 4) under a span dd-trace already has active", () => {
  it("joins it: no second aws.lambda, no extraction, and the attempts say so", () => {
    const { attempts, context, ids } = outcome.report.join.joined
    const chunk = chunkOf(ids[0]!)
    assert.deepStrictEqual(chunk.spans.map((span) => span.name).sort(), ["aws.lambda", "handler-work"])
    assert.strictEqual(TestAgent.spanNamed(chunk, "handler-work").parent_id, ids[1])
    assert.deepStrictEqual(attempts, ["dd-trace-span"])
    assert.deepStrictEqual([context.traceId, context.parentId, context.source], [ids[0], ids[1], "dd-trace-span"])
  })

  it("runs the chain too when asked, and extracts as usual when told to ignore the active span", () => {
    const { extracted, ignored } = outcome.report.join
    assert.deepStrictEqual(extracted.attempts.slice(0, 1), ["dd-trace-span"])
    assert.strictEqual(extracted.context.traceId, "556")
    const chunk = chunkOf("557")
    const lambda = TestAgent.spanNamed(chunk, "aws.lambda")
    assert.strictEqual(lambda.parent_id, "77")
    assert.strictEqual(TestAgent.spanNamed(chunk, "handler-work").parent_id, lambda.span_id)
    assert.strictEqual(ignored.context.source, "http")
  })
})
