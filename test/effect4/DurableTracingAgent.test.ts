// DurableTracing of both lines at the agent: real dd-trace (initialised as the Datadog Lambda layer does,
// DD_TRACE_SAMPLE_RATE=1) in one child process per line runs the durable cases of test/support/e2e/durableLines.ts
// (the real durable SDK over captured envelopes) through that line's DurableTracing.withDurableExecution over
// DefaultChain.layerDdTrace and DdTraceTracer.layerGlobal; a loopback agent decodes what dd-trace sends. The Effect 4
// line must send the same spans as the package root (names, parents, trace ids, tags), write the same checkpoints and
// extract alike.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { chunkOf, hasAll, type Outcome, runChild } from "../support/e2e/child.js"
import { durableCases, type DurableLineReport, durableLineUpstream } from "../support/e2e/durableLines.js"
import * as TestAgent from "../support/TestAgent.js"
import { bundled } from "./support/childScript.js"

const expected = durableCases.map((name) => [name, "ours"] as const)

const run = async (script: string, line: 3 | 4): Promise<Outcome<DurableLineReport>> =>
  runChild<DurableLineReport>({
    file: await bundled(script, line),
    sampleRate: "1",
    protocol: "0.4",
    complete: (chunks) => hasAll(chunks, expected)
  })

let effect3: Outcome<DurableLineReport>
let effect4: Outcome<DurableLineReport>

beforeAll(async () => {
  // One after the other: each child is a whole dd-trace process.
  effect4 = await run("test/effect4/support/durableLine4.ts", 4)
  effect3 = await run("test/support/e2e/durableLine3.ts", 3)
}, 120_000)

const chunk = (outcome: Outcome<DurableLineReport>, name: string) => chunkOf(outcome.chunks, name, "ours")

// Tags that are the process's, not the span's: dd-trace writes them on the first span of a chunk.
const PROCESS_TAGS = new Set(["runtime-id", "_dd.tags.process", "process_id"])

// datadog-lambda-js's cold-start tracing (under datadog()): the modules each bundle happens to require on its first
// invocation, not the line's.
const COLD_START_SPANS = new Set(["aws.lambda.load", "aws.lambda.require"])

/** A chunk as both lines must send it: each span with its parent's name (or the upstream's id), fields and tags. */
const shape = (found: TestAgent.Chunk) => {
  const names = new Map(found.spans.map((span) => [span.span_id, span.name]))
  return found.spans.filter((span) => !COLD_START_SPANS.has(span.name)).map((span) => ({
    name: span.name,
    parent: names.get(span.parent_id) ?? `upstream ${span.parent_id}`,
    traceId: span.trace_id,
    service: span.service,
    resource: span.resource,
    type: span.type,
    error: span.error,
    meta: Object.fromEntries(Object.entries(span.meta).filter(([key]) => !PROCESS_TAGS.has(key))),
    metrics: Object.fromEntries(Object.entries(span.metrics).filter(([key]) => !PROCESS_TAGS.has(key))),
    links: TestAgent.spanLinks(span)
  })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
}

/** The span tagged with the case: the invocation span of the line's wrapper. */
const invocationSpan = (outcome: Outcome<DurableLineReport>, name: string) =>
  chunk(outcome, name).spans.find((span) => span.meta["test.case"] === name)!

describe("DurableTracing of the Effect 4 line at the agent (dd-trace, DD_TRACE_SAMPLE_RATE=1)", () => {
  it("a first invocation continues its input's upstream under the inferred span, and saves _datadog_0", () => {
    const found = chunk(effect4, "durable-first")
    const lambda = TestAgent.spanNamed(found, "aws.lambda")
    const inferred = TestAgent.spanNamed(found, "aws.apigateway")
    assert.strictEqual(inferred.parent_id, durableLineUpstream.parentId)
    assert.strictEqual(lambda.parent_id, inferred.span_id)
    assert.isTrue(found.spans.every((span) => span.trace_id === durableLineUpstream.traceId))
    assert.strictEqual(lambda.meta["aws.durable.trace_checkpoint"], "_datadog_0")
    assert.strictEqual(lambda.meta["aws.durable.first_invocation"], "true")
    assert.deepStrictEqual(effect4.report["durable-first"], {
      status: "PENDING",
      written: {
        _datadog_0: {
          "x-datadog-trace-id": durableLineUpstream.traceId,
          "x-datadog-parent-id": lambda.span_id,
          "x-datadog-sampling-priority": "1",
          "x-datadog-tags": `_dd.p.tid=${durableLineUpstream.tid}`
        }
      },
      attempts: ["durable-input"]
    })
  })

  it("a resume continues dd-trace's own _datadog_0", () => {
    const lambda = invocationSpan(effect4, "durable-resume")
    assert.strictEqual(lambda.name, "aws.lambda")
    assert.strictEqual(lambda.trace_id, "8207797864307523213")
    assert.strictEqual(lambda.parent_id, "6090727396883337519")
    assert.strictEqual(lambda.meta["aws.durable.first_invocation"], "false")
    assert.deepStrictEqual(effect4.report["durable-resume"], {
      status: "SUCCEEDED",
      written: {},
      attempts: ["durable-checkpoint"]
    })
  })

  it("the default span name, and the join under datadog()", () => {
    const execute = invocationSpan(effect4, "durable-execute")
    assert.strictEqual(execute.name, "aws.durable.execute")
    assert.strictEqual(execute.trace_id, durableLineUpstream.traceId)
    assert.strictEqual(execute.parent_id, durableLineUpstream.parentId)
    assert.strictEqual(effect4.report["durable-execute"].written._datadog_0?.["x-datadog-parent-id"], execute.span_id)
    const joined = chunk(effect4, "durable-joined")
    const ours = invocationSpan(effect4, "durable-joined")
    assert.strictEqual(ours.name, "aws.durable.execute")
    assert.strictEqual(ours.parent_id, TestAgent.spanNamed(joined, "aws.lambda").span_id)
    assert.deepStrictEqual(effect4.report["durable-joined"].attempts, ["dd-trace-span"])
  })
})

describe("DurableTracing of the Effect 4 line against the package root's, at the agent", () => {
  it("sends the same spans for every case: names, parents, trace ids, fields, tags and links", () => {
    for (const name of durableCases) {
      assert.deepStrictEqual(shape(chunk(effect4, name)), shape(chunk(effect3, name)), name)
    }
  })

  it("writes the same checkpoints (anchored on its own invocation span) and reports the same attempts", () => {
    for (const name of durableCases) {
      const anchored = (outcome: Outcome<DurableLineReport>) => {
        const own = invocationSpan(outcome, name).span_id
        return JSON.parse(JSON.stringify(outcome.report[name]).split(`"${own}"`).join(`"invocation span"`))
      }
      assert.deepStrictEqual(anchored(effect4), anchored(effect3), name)
    }
  })
})
