// Both Effect lines at the agent: real dd-trace (initialised as the Datadog Lambda layer does, DD_TRACE_SAMPLE_RATE=1)
// in one child process per line runs every case of test/support/e2e/cases.ts through that line's
// LambdaTracing.withExtraction (spanName "aws.lambda") over DefaultChain.layerDdTrace and DdTraceTracer.layerGlobal on a
// ManagedRuntime; a loopback agent decodes what dd-trace sends. The Effect 4 line must continue every upstream as the
// package root does (test/e2e/traces.test.ts), and send the same spans: names, parents, ids, tags and links.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { cases } from "../support/e2e/cases.js"
import { chunkOf, hasAll, type Outcome, runChild } from "../support/e2e/child.js"
import type { LineReport } from "../support/e2e/lines.js"
import * as TestAgent from "../support/TestAgent.js"
import { bundled } from "./support/childScript.js"

const all = cases("1")
const byName = (name: string) => all.find((testCase) => testCase.name === name)!
const expected = all.map((testCase) => [testCase.name, "ours"] as const)

const run = async (script: string, line: 3 | 4): Promise<Outcome<LineReport>> =>
  runChild<LineReport>({
    file: await bundled(script, line),
    sampleRate: "1",
    protocol: "0.4",
    complete: (chunks) =>
      hasAll(chunks, expected) && chunks.some((chunk) => chunk.spans.some((span) => span.name === "web.request"))
  })

let effect3: Outcome<LineReport>
let effect4: Outcome<LineReport>

beforeAll(async () => {
  // One after the other: each child is a whole dd-trace process.
  effect4 = await run("test/effect4/support/line4.ts", 4)
  effect3 = await run("test/support/e2e/line3.ts", 3)
}, 120_000)

const chunk = (outcome: Outcome<LineReport>, name: string) => chunkOf(outcome.chunks, name, "ours")

// Tags that are the process's, not the span's: dd-trace writes them on the first span of a chunk.
const PROCESS_TAGS = new Set(["runtime-id", "_dd.tags.process", "process_id"])
// Tags that name the loopback server's port, which each process picks.
const PORT_TAGS = new Set(["http.url", "network.destination.port"])
// Where each bundle threw, or (Effect 3's runtime only) where a failing span was opened.
const STACK_TAGS = new Set(["error.stack", "code.stacktrace"])

/**
 * A chunk as both lines must send it: each span (by name) with its parent's name (or the upstream's id), its fields,
 * tags and links; not its own ids and times, which dd-trace draws, nor stacks.
 */
const shape = (found: TestAgent.Chunk) => {
  const names = new Map(found.spans.map((span) => [span.span_id, span.name]))
  return found.spans.map((span) => ({
    name: span.name,
    parent: names.get(span.parent_id) ?? `upstream ${span.parent_id}`,
    traceId: span.trace_id,
    service: span.service,
    resource: span.resource,
    type: span.type,
    error: span.error,
    meta: Object.fromEntries(
      Object.entries(span.meta).filter(([key]) => !PROCESS_TAGS.has(key) && !PORT_TAGS.has(key) && !STACK_TAGS.has(key))
    ),
    metrics: Object.fromEntries(
      Object.entries(span.metrics).filter(([key]) => !PROCESS_TAGS.has(key) && !PORT_TAGS.has(key))
    ),
    links: TestAgent.spanLinks(span)
  })).sort((a, b) => a.name.localeCompare(b.name))
}

describe("the Effect 4 line at the agent (dd-trace, DD_TRACE_SAMPLE_RATE=1)", () => {
  it("continues every upstream: trace id, parent chain, priority, origin, _dd.p.tid and _dd.p.dm as received", () => {
    for (const testCase of all) {
      const { upstream } = testCase
      const found = chunk(effect4, testCase.name)
      const root = found.spans[0]!
      const lambda = TestAgent.spanNamed(found, "aws.lambda")
      const inner = TestAgent.spanNamed(found, "inner-child")
      assert.deepStrictEqual([...new Set(found.spans.map((s) => s.trace_id))], [upstream.traceId], testCase.name)
      assert.strictEqual(root.name, testCase.name === "sqs-batch" ? "aws.sqs" : "aws.apigateway", testCase.name)
      assert.strictEqual(root.parent_id, upstream.parentId, testCase.name)
      assert.strictEqual(lambda.parent_id, root.span_id, testCase.name)
      assert.strictEqual(inner.parent_id, lambda.span_id, testCase.name)
      if (upstream.priority !== undefined) {
        assert.strictEqual(root.metrics._sampling_priority_v1, upstream.priority, testCase.name)
      }
      assert.strictEqual(root.meta["_dd.origin"], upstream.origin ?? "lambda", testCase.name)
      assert.strictEqual(root.meta["_dd.p.tid"], upstream.tid, testCase.name)
      if (upstream.dm !== undefined) assert.strictEqual(root.meta["_dd.p.dm"], upstream.dm, testCase.name)
      assert.deepStrictEqual(effect4.report.attempts[`${testCase.name}/ours`], [
        testCase.name === "sqs-batch" ? "sqs" : "http"
      ])
    }
  })

  it("puts the batch links on the invocation span only", () => {
    const { links } = byName("sqs-batch")
    const found = chunk(effect4, "sqs-batch")
    assert.deepStrictEqual(
      TestAgent.spanLinks(TestAgent.spanNamed(found, "aws.lambda")).map((link) => [
        BigInt(`0x${link.trace_id}`).toString(),
        BigInt(`0x${link.span_id}`).toString(),
        link.attributes?.["datadog.source"]
      ]),
      links!.map((link) => [link.traceId, link.parentId, "sqs"])
    )
    assert.lengthOf(TestAgent.spanLinks(TestAgent.spanNamed(found, "inner-child")), 0)
  })

  it("marks a failing handler's spans with its error", () => {
    const found = chunk(effect4, "failing")
    for (const name of ["aws.lambda", "inner-child"]) {
      const span = TestAgent.spanNamed(found, name)
      assert.strictEqual(span.error, 1, name)
      assert.strictEqual(span.meta["error.message"], "boom", name)
      assert.include(span.meta["error.stack"], "boom", name)
    }
  })

  it("makes dd-trace's http span a child of the Effect span, and sends its context downstream", () => {
    const found = chunk(effect4, "http")
    const client = TestAgent.spanNamed(found, "http.request")
    assert.strictEqual(client.parent_id, TestAgent.spanNamed(found, "inner-child").span_id)
    const headers = effect4.report.httpHeaders["http/ours"]!
    assert.strictEqual(headers["x-datadog-trace-id"], byName("http").upstream.traceId)
    assert.strictEqual(headers["x-datadog-parent-id"], client.span_id)
    assert.strictEqual(headers["x-datadog-sampling-priority"], "2")
    assert.include(headers["x-datadog-tags"], "_dd.p.tid=6a5f3e2100000000")
  })
})

describe("the Effect 4 line against the package root (Effect 3), at the agent", () => {
  it("sends the same spans for every case: names, parents, trace ids, fields, tags and links", () => {
    for (const testCase of all) {
      assert.deepStrictEqual(shape(chunk(effect4, testCase.name)), shape(chunk(effect3, testCase.name)), testCase.name)
    }
  })

  it("reports the same attempts and sends the same headers downstream", () => {
    assert.deepStrictEqual(effect4.report.attempts, effect3.report.attempts)
    // All but the client span's id (in x-datadog-parent-id and traceparent), which dd-trace draws.
    const withoutSpanId = (headers: Record<string, string>) => {
      const { "x-datadog-parent-id": _parent, traceparent, ...rest } = headers
      return { ...rest, traceparent: traceparent?.split("-").filter((_, i) => i !== 2).join("-") }
    }
    assert.deepStrictEqual(
      withoutSpanId(effect4.report.httpHeaders["http/ours"]!),
      withoutSpanId(effect3.report.httpHeaders["http/ours"]!)
    )
  })
})
