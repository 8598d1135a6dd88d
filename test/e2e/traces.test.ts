// What Datadog receives, end to end: real dd-trace (initialised as the Datadog Lambda layer does, DD_TRACE_SAMPLE_RATE=1,
// protocol 0.4) in one child process runs every case of test/support/e2e/cases.ts through the contract set-up
// (LambdaHandler.make + LambdaTracing.withExtraction + DefaultChain.layerDdTrace + DdTraceTracer.layerGlobal), through
// datadog-lambda-js's datadog() alone, and through datadog() around the contract handler, plus some cases through
// the OpenTelemetry path and two durable invocations; a loopback agent decodes what dd-trace sends.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { cases, durableUpstream, expectedRuns } from "../support/e2e/cases.js"
import { chunkOf, hasAll, type Outcome, runDriver } from "../support/e2e/spawn.js"
import * as TestAgent from "../support/TestAgent.js"

const all = cases("1")
const byName = (name: string) => all.find((testCase) => testCase.name === name)!
const RESUMED_TRACE = "8207797864307523213"
// Process-level tags dd-trace writes on the first span of a chunk, not part of a span's description.
const PROCESS_TAGS = new Set(["runtime-id", "_dd.tags.process", "env", "language", "version", "_dd.p.tid", "_dd.p.dm"])

const expected = expectedRuns(all)

let outcome: Outcome

beforeAll(async () => {
  outcome = await runDriver({
    sampleRate: "1",
    protocol: "0.4",
    complete: (chunks) =>
      hasAll(chunks, expected) &&
      chunks.some((chunk) => chunk.spans.some((span) => span.trace_id === durableUpstream.traceId)) &&
      chunks.filter((chunk) => chunk.spans.some((span) => span.trace_id === RESUMED_TRACE)).length === 2 &&
      chunks.filter((chunk) => chunk.spans.some((span) => span.name === "web.request")).length === 3
  })
}, 90_000)

const chunk = (name: string, run: string) => chunkOf(outcome.chunks, name, run)
const span = (name: string, run: string, spanName: string) => TestAgent.spanNamed(chunk(name, run), spanName)

// What a chunk carries for the trace as a whole: on its first span, as dd-trace writes chunk tags.
const traceFacts = (found: TestAgent.Chunk) => {
  const first = found.spans[0]!
  return {
    traceIds: [...new Set(found.spans.map((s) => s.trace_id))],
    priority: first.metrics._sampling_priority_v1,
    origin: first.meta["_dd.origin"],
    tid: first.meta["_dd.p.tid"],
    dm: first.meta["_dd.p.dm"]
  }
}

describe("the contract set-up, at the agent (dd-trace, DD_TRACE_SAMPLE_RATE=1)", () => {
  it("continues every upstream: trace id, parent, priority, origin, _dd.p.tid and _dd.p.dm as received", () => {
    for (const testCase of all) {
      const { upstream } = testCase
      const lambda = span(testCase.name, "ours", "aws.lambda")
      const inner = span(testCase.name, "ours", "inner-child")
      const facts = traceFacts(chunk(testCase.name, "ours"))
      const root = chunk(testCase.name, "ours").spans[0]!
      assert.deepStrictEqual(facts.traceIds, [upstream.traceId], testCase.name)
      assert.strictEqual(root.name, testCase.name === "sqs-batch" ? "aws.sqs" : "aws.apigateway", testCase.name)
      assert.strictEqual(root.parent_id, upstream.parentId, testCase.name)
      assert.strictEqual(lambda.parent_id, root.span_id, testCase.name)
      assert.strictEqual(inner.parent_id, lambda.span_id, testCase.name)
      if (upstream.priority !== undefined) assert.strictEqual(facts.priority, upstream.priority, testCase.name)
      assert.strictEqual(facts.origin, upstream.origin ?? "lambda", testCase.name)
      assert.strictEqual(facts.tid, upstream.tid, testCase.name)
      if (upstream.dm !== undefined) assert.strictEqual(facts.dm, upstream.dm, testCase.name)
      for (const s of chunk(testCase.name, "ours").spans) {
        assert.strictEqual(s.metrics._sampling_priority_v1, facts.priority, `${testCase.name} ${s.name}`)
      }
      assert.deepStrictEqual(outcome.report.attempts[`${testCase.name}/ours`], [
        testCase.name === "sqs-batch" ? "sqs" : "http"
      ])
    }
  })

  it("leaves an upstream without a decision to dd-trace's sampler (the rate of 1 keeps it: 2, mechanism -3)", () => {
    const facts = traceFacts(chunk("datadog-undecided", "ours"))
    assert.strictEqual(facts.priority, 2)
    assert.strictEqual(facts.dm, "-3")
  })

  it("sends what datadog-lambda-js's datadog() sends: same ids, priority, origin, _dd.p.tid and _dd.p.dm", () => {
    for (const testCase of all) {
      const ours = traceFacts(chunk(testCase.name, "ours"))
      const peer = traceFacts(chunk(testCase.name, "peer"))
      assert.deepStrictEqual(ours, peer, testCase.name)
      const peerRoot = chunk(testCase.name, "peer").spans[0]!
      assert.strictEqual(peerRoot.parent_id, testCase.upstream.parentId, testCase.name)
    }
  })

  it("puts the batch links on the invocation span only (datadog() sends none)", () => {
    const { links } = byName("sqs-batch")
    const lambda = span("sqs-batch", "ours", "aws.lambda")
    assert.deepStrictEqual(
      TestAgent.spanLinks(lambda).map((link) => [
        BigInt(`0x${link.trace_id}`).toString(),
        BigInt(`0x${link.span_id}`)
          .toString(),
        link.attributes?.["datadog.source"]
      ]),
      links!.map((link) => [link.traceId, link.parentId, "sqs"])
    )
    assert.lengthOf(TestAgent.spanLinks(span("sqs-batch", "ours", "inner-child")), 0)
    for (const s of chunk("sqs-batch", "peer").spans) assert.lengthOf(TestAgent.spanLinks(s), 0)
  })

  it("marks a failing handler's spans with the error datadog() reports", () => {
    const ours = span("failing", "ours", "aws.lambda")
    const peer = span("failing", "peer", "aws.lambda")
    for (const s of [ours, span("failing", "ours", "inner-child")]) {
      assert.strictEqual(s.error, 1)
      assert.strictEqual(s.meta["error.type"], "Error")
      assert.strictEqual(s.meta["error.message"], "boom")
      assert.include(s.meta["error.stack"], "boom")
    }
    assert.strictEqual(peer.error, 1)
    assert.deepStrictEqual([ours.meta["error.type"], ours.meta["error.message"]], [
      peer.meta["error.type"],
      peer.meta["error.message"]
    ])
  })

  it("makes dd-trace's http span a child of the Effect span, and sends its context downstream", () => {
    const inner = span("http", "ours", "inner-child")
    const client = span("http", "ours", "http.request")
    assert.strictEqual(client.parent_id, inner.span_id)
    const headers = outcome.report.httpHeaders["http/ours"]!
    assert.strictEqual(headers["x-datadog-trace-id"], byName("http").upstream.traceId)
    assert.strictEqual(headers["x-datadog-parent-id"], client.span_id)
    assert.strictEqual(headers["x-datadog-sampling-priority"], "2")
    assert.include(headers["x-datadog-tags"], "_dd.p.tid=6a5f3e2100000000")
    const server = outcome.chunks.flatMap((c) => c.spans).find((s) =>
      s.name === "web.request" && s.parent_id === client.span_id
    )
    assert.isDefined(server, "the loopback server's span continues the call")
    assert.strictEqual(server!.trace_id, byName("http").upstream.traceId)
  })
})

// The serverless view: what datadog-lambda-js's datadog() writes on its inferred and aws.lambda spans, and ours.
const INVOCATION_TAGS = [
  "span.kind",
  "cold_start",
  "function_arn",
  "function_version",
  "request_id",
  "functionname",
  "resource_names",
  "function_trigger.event_source",
  "function_trigger.event_source_arn",
  "http.url",
  "http.url_details.path",
  "http.method",
  "http.route",
  "http.status_code",
  "_dd.parent_source"
]

// Intended differences, each with its reason.
const INTENDED = {
  // datadog-lambda-js writes its own version; we write ours as `effect_datadog_lambda`.
  datadog_lambda: "datadog-lambda-js's version tag",
  // dd-trace's version is not readable through its public API: the app passes it (`ddTraceVersion`) when it wants it.
  dd_trace: "the app passes it as the ddTraceVersion option",
  // Module-loading spans are datadog-lambda-js's require hook, which this library does not install.
  "aws.lambda.load": "no cold-start module-loading spans"
}

describe("the serverless view, against datadog-lambda-js's datadog()", () => {
  const fields = (s: TestAgent.AgentSpan) => ({ name: s.name, service: s.service, resource: s.resource, type: s.type })
  const tagsOf = (s: TestAgent.AgentSpan, keys: ReadonlyArray<string>) =>
    Object.fromEntries(keys.map((key) => [key, s.meta[key] ?? s.metrics[key]]))
  const inferredOf = (name: string, run: string) => {
    const spans = chunk(name, run).spans
    const lambda = TestAgent.spanNamed(chunk(name, run), "aws.lambda")
    return spans.find((s) => s.span_id === lambda.parent_id)
  }

  it("the invocation span: same resource, type and tags (but the intended differences)", () => {
    for (const testCase of all) {
      const ours = span(testCase.name, "ours", "aws.lambda")
      const peer = span(testCase.name, "peer", "aws.lambda")
      assert.deepStrictEqual(fields(ours), fields(peer), testCase.name)
      assert.deepStrictEqual(tagsOf(ours, INVOCATION_TAGS), tagsOf(peer, INVOCATION_TAGS), testCase.name)
      assert.isDefined(ours.meta.effect_datadog_lambda, testCase.name)
      assert.isUndefined(ours.meta.datadog_lambda, INTENDED.datadog_lambda)
      assert.isUndefined(ours.meta.dd_trace, INTENDED.dd_trace)
    }
  })

  it("the inferred span: same name, service, resource, type, parent and tags", () => {
    for (const testCase of all) {
      const ours = inferredOf(testCase.name, "ours")
      const peer = inferredOf(testCase.name, "peer")
      assert.isDefined(ours, testCase.name)
      assert.isDefined(peer, testCase.name)
      assert.deepStrictEqual(fields(ours!), fields(peer!), testCase.name)
      assert.strictEqual(ours!.parent_id, peer!.parent_id, testCase.name)
      assert.strictEqual(ours!.parent_id, testCase.upstream.parentId, testCase.name)
      const keys = [...new Set([...Object.keys(ours!.meta), ...Object.keys(peer!.meta)])]
        .filter((key) => !PROCESS_TAGS.has(key) && key !== "error.stack")
      assert.deepStrictEqual(tagsOf(ours!, keys), tagsOf(peer!, keys), testCase.name)
      // The stack is where each handler threw: both have one.
      assert.strictEqual(ours!.meta["error.stack"] === undefined, peer!.meta["error.stack"] === undefined)
      assert.strictEqual(ours!.start, peer!.start, testCase.name)
    }
  })

  it("leaves out the cold-start module-loading spans (an intended difference)", () => {
    const names = new Set(all.flatMap((testCase) => chunk(testCase.name, "ours").spans.map((s) => s.name)))
    assert.isFalse(names.has("aws.lambda.load"), INTENDED["aws.lambda.load"])
  })
})

describe("under datadog-lambda-js's datadog() wrapper", () => {
  it("joins its aws.lambda: no second aws.lambda, no extraction, and the attempts say so", () => {
    for (const testCase of all) {
      const found = chunk(testCase.name, "joined")
      const lambdas = found.spans.filter((s) => s.name === "aws.lambda")
      assert.lengthOf(lambdas, 1, testCase.name)
      assert.isDefined(lambdas[0]!.meta.datadog_lambda, testCase.name)
      assert.strictEqual(span(testCase.name, "joined", "inner-child").parent_id, lambdas[0]!.span_id, testCase.name)
      assert.deepStrictEqual(traceFacts(found), traceFacts(chunk(testCase.name, "peer")), testCase.name)
      assert.deepStrictEqual(outcome.report.attempts[`${testCase.name}/joined`], ["dd-trace-span"], testCase.name)
    }
  })
})

describe("the OpenTelemetry path (@effect/opentelemetry over dd-trace's TracerProvider)", () => {
  it("brings _dd.p.* to the chunk as invocation-span attributes, links on the invocation span only", () => {
    for (const name of ["datadog-priority-2", "w3c"]) {
      const lambda = span(name, "otel", "aws.lambda")
      const { upstream } = byName(name)
      assert.strictEqual(lambda.meta["_dd.p.tid"], upstream.tid, name)
      assert.strictEqual(lambda.meta["_dd.p.dm"], upstream.dm, name)
      assert.strictEqual(lambda.metrics._sampling_priority_v1, upstream.priority, name)
      assert.strictEqual(lambda.meta["_dd.origin"], upstream.origin, name)
    }
    assert.lengthOf(TestAgent.spanLinks(span("sqs-batch", "otel", "aws.lambda")), 2)
    assert.lengthOf(TestAgent.spanLinks(span("sqs-batch", "otel", "inner-child")), 0)
  })

  it("cannot leave a decision open: an undecided upstream is kept at 1 whatever the sampling rules", () => {
    assert.strictEqual(traceFacts(chunk("datadog-undecided", "otel")).priority, 1)
    assert.strictEqual(traceFacts(chunk("datadog-undecided", "ours")).priority, 2)
  })
})

describe("durable executions through DdTraceTracer", () => {
  // The chunk of the trace sent without datadog() (with it, the chunk also has datadog-lambda-js's aws.lambda).
  const durableChunk = (traceId: string, joined: boolean) => {
    const found = outcome.chunks.filter((c) =>
      c.spans.some((s) => s.trace_id === traceId) && c.spans.some((s) => s.name === "aws.lambda") === joined
    )
    assert.lengthOf(found, 1)
    return found[0]!
  }
  const durableSpan = (traceId: string) => TestAgent.spanNamed(durableChunk(traceId, false), "aws.durable.execute")

  it("saves, at the suspension, the invocation span's trace id, _dd.p.tid and dd-trace's sampling decision", () => {
    const { checkpoints, status } = outcome.report.durable.suspend
    assert.strictEqual(status, "PENDING")
    const execute = durableSpan(durableUpstream.traceId)
    assert.strictEqual(execute.parent_id, durableUpstream.parentId)
    assert.lengthOf(checkpoints, 1)
    const [saved] = checkpoints
    assert.strictEqual(saved!["x-datadog-trace-id"], durableUpstream.traceId)
    assert.strictEqual(saved!["x-datadog-parent-id"], execute.span_id)
    assert.strictEqual(saved!["x-datadog-sampling-priority"], String(execute.metrics._sampling_priority_v1))
    assert.include(saved!["x-datadog-tags"], `_dd.p.tid=${durableUpstream.tid}`)
    assert.include(saved!["x-datadog-tags"], `_dd.p.dm=${execute.meta["_dd.p.dm"]}`)
  })

  it("resumes from the _datadog_0 dd-trace's own durable writer saved (no sampling priority in it)", () => {
    assert.strictEqual(outcome.report.durable.resume.status, "SUCCEEDED")
    const execute = durableSpan(RESUMED_TRACE)
    assert.strictEqual(execute.parent_id, "6090727396883337519")
    assert.strictEqual(execute.meta["_dd.p.tid"], "6b069df900000000")
    assert.strictEqual(execute.meta["datadog.extractor"], "durable-checkpoint")
    assert.strictEqual(execute.metrics._sampling_priority_v1, 2)
    assert.strictEqual(execute.meta["_dd.p.dm"], "-3")
    assert.strictEqual(outcome.report.durable.resume.attempts[0], "durable-checkpoint")
  })

  it("under datadog(), joins its aws.lambda (which read the same checkpoint) instead of extracting again", () => {
    assert.strictEqual(outcome.report.durable.joined.status, "SUCCEEDED")
    const joined = durableChunk(RESUMED_TRACE, true)
    const lambda = TestAgent.spanNamed(joined, "aws.lambda")
    const execute = TestAgent.spanNamed(joined, "aws.durable.execute")
    assert.strictEqual(execute.parent_id, lambda.span_id)
    assert.strictEqual(joined.spans[0]!.meta["_dd.p.tid"], "6b069df900000000")
    assert.strictEqual(joined.spans[0]!.metrics._sampling_priority_v1, execute.metrics._sampling_priority_v1)
    assert.strictEqual(execute.meta["datadog.extractor"], "dd-trace-span")
    assert.deepStrictEqual(outcome.report.durable.joined.attempts, ["dd-trace-span"])
  })
})
