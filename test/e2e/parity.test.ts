// The serverless view against datadog-lambda-js at the agent: real dd-trace in ONE child process
// (test/support/e2e/parity.ts) runs every file in examples/events through our LambdaTracing.withExtraction and
// through datadog-lambda-js's datadog(), then a durable execution (the real durable SDK over captured envelopes)
// through our DurableTracing and through datadog() around the SDK's own withDurableExecution; a loopback agent
// decodes what dd-trace sends. On every case the invocation span and the chain of inferred spans above it must have
// the same name, service, resource, type, parent chain and tags on both sides, but for the intended differences
// listed below, each with its reason.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import {
  durableCases,
  durableInputUpstream,
  exampleFiles,
  type ParityReport,
  requestIdOf,
  UNMANAGED
} from "../support/e2e/parity.js"
import { type Outcome, runDriver } from "../support/e2e/spawn.js"
import type * as TestAgent from "../support/TestAgent.js"

type Side = "ours" | "peer"

const files = exampleFiles()
const allCases: ReadonlyArray<string> = [...files, ...durableCases]

/** Intended differences, each with its reason. */
const INTENDED = {
  // Each side writes its own library's version: datadog-lambda-js `datadog_lambda`, we `effect_datadog_lambda`.
  version: "each library writes its own version tag",
  // datadog-lambda-js's require hook times module loading on a cold start; this library installs no hook.
  coldStartSpans: "no aws.lambda.load / aws.lambda.require spans (no require hook)",
  // On the first invocation of a durable execution, datadog-lambda-js reads only the envelope: no trigger, no
  // upstream (it reads `_datadog_{N}` checkpoints only), so a new trace. Our chain continues the upstream context
  // of the original event (the EXECUTION operation's input), so we also infer its spans and write its trigger tags
  // (`function_trigger.*`, `http.*` but `http.status_code`) and `_dd.parent_source`: the first invocation then sits
  // under the request that started the execution, as any other invocation that request triggered.
  durableFirstInvocation: "the first durable invocation is read from its original event (trigger, inferred spans)",
  // dd-trace tags its durable integration's `aws.durable.execute` with `aws.durable.execution_arn`; our durable
  // wrapper writes it on its invocation span too (the ARN names the execution in every invocation's trace), and the
  // lower-cased `aws.durable.invocation_status` dd-trace's integration writes, beside datadog-lambda-js's
  // upper-case `aws.durable.execution_status`; with a DdTraceTracer, `datadog.extractor` says which extractor found
  // the context, and the durable checkpoint writer's outcome (`aws.durable.trace_checkpoint`) on a suspension.
  durableExtraTags: "the durable wrapper's own tags (execution ARN, invocation status, extractor, checkpoint)",
  // datadog-lambda-js sees no upstream on a durable first invocation: its aws.lambda is a trace root.
  durableFirstParent: "the first durable invocation continues the original event's upstream",
  // Our chain finds a context where datadog-lambda-js finds none, so we continue it (`_dd.parent_source`, the
  // upstream parent) where datadog-lambda-js starts a new trace: a carrier lifted to the top of an EventBridge
  // target's input (eventbridge-lifted), a Kafka record's headers (kafka-*: datadog-lambda-js has no Kafka
  // extractor), and the first record of a batch that carries one when record 1 does not (sqs-batch-mixed:
  // datadog-lambda-js reads record 1 only).
  moreContexts: "our chain continues a context datadog-lambda-js does not find",
  // datadog-lambda-js has no Kafka trigger: we write `function_trigger.event_source` (`kafka`) and its ARN.
  kafkaTrigger: "Kafka triggers are tagged",
  // DdTraceTracer hands dd-trace a start time to the microsecond; datadog-lambda-js the float millisecond it
  // computed. They differ below the microsecond only, which the authorizer example shows: its finish-time header
  // holds milliseconds where datadog-lambda-js writes nanoseconds, so the span starts at 1.66e12 ns.
  subMicrosecond: "start times agree to the microsecond"
} as const

const MORE_CONTEXTS = new Set([
  "eventbridge-lifted.json",
  "kafka-msk.json",
  "kafka-self-managed.json",
  "sqs-batch-mixed.json"
])

// Tags that are not the span's description: dd-trace's process-level and chunk-level tags, the library versions
// and `datadog.extractor` (ours, with DdTraceTracer: which extractor found the context).
const NOT_COMPARED = new Set([
  "runtime-id",
  "_dd.tags.process",
  "env",
  "language",
  "version",
  "_dd.p.tid",
  "_dd.p.dm",
  "_dd.origin",
  "datadog_lambda",
  "effect_datadog_lambda",
  "datadog.extractor"
])

const DURABLE_EXTRA_TAGS = [
  "aws.durable.execution_arn",
  "aws.durable.invocation_status",
  "aws.durable.trace_checkpoint"
]

let outcome: Outcome<ParityReport>
let spans: ReadonlyArray<TestAgent.AgentSpan>
let duration = 0

const sideOf = (span: TestAgent.AgentSpan): Side | undefined =>
  span.meta.effect_datadog_lambda !== undefined ? "ours" : span.meta.datadog_lambda !== undefined ? "peer" : undefined

const invocationOf = (all: ReadonlyArray<TestAgent.AgentSpan>, name: string, side: Side) =>
  all.filter((span) =>
    span.name === "aws.lambda" && span.meta.request_id === requestIdOf(name) && sideOf(span) === side
  )

beforeAll(async () => {
  const started = Date.now()
  outcome = await runDriver<ParityReport>({
    sampleRate: "1",
    protocol: "0.4",
    script: "parity-driver.ts",
    complete: (chunks) => {
      const all = chunks.flatMap((chunk) => chunk.spans)
      return allCases.every((name) =>
        invocationOf(all, name, "ours").length === 1 && invocationOf(all, name, "peer").length === 1
      ) && invocationOf(all, UNMANAGED, "ours").length === 1
    }
  })
  duration = Date.now() - started
  spans = outcome.chunks.flatMap((chunk) => chunk.spans)
}, 90_000)

const invocation = (name: string, side: Side): TestAgent.AgentSpan => {
  const found = invocationOf(spans, name, side)
  assert.lengthOf(found, 1, `${name} ${side}`)
  return found[0]!
}

/** The spans above the invocation span in this process, nearest first (the inferred spans). */
const ancestors = (span: TestAgent.AgentSpan): Array<TestAgent.AgentSpan> => {
  const chain: Array<TestAgent.AgentSpan> = []
  let parent = spans.find((s) => s.span_id === span.parent_id && s.trace_id === span.trace_id)
  while (parent !== undefined) {
    chain.push(parent)
    const current = parent
    parent = spans.find((s) => s.span_id === current.parent_id && s.trace_id === current.trace_id)
  }
  return chain
}

// The trigger's tags on the invocation span: `function_trigger.*`, `http.*` and `_dd.parent_source`.
const triggerKeys = (span: TestAgent.AgentSpan): Array<string> =>
  Object.keys(span.meta).filter((key) =>
    key.startsWith("function_trigger.") || key.startsWith("http.") || key === "_dd.parent_source"
  )

const fields = (span: TestAgent.AgentSpan) => ({
  name: span.name,
  service: span.service,
  resource: span.resource,
  type: span.type
})

const tagsOf = (span: TestAgent.AgentSpan, without: ReadonlyArray<string> = []) => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of [...Object.entries(span.meta), ...Object.entries(span.metrics)]) {
    if (!NOT_COMPARED.has(key) && !without.includes(key) && !key.startsWith("_sampling") && !key.startsWith("_dd.")) {
      out[key] = value
    }
  }
  for (const key of ["_dd.parent_source", "_dd.measured"]) {
    if (!without.includes(key)) out[key] = span.meta[key] ?? span.metrics[key]
  }
  return out
}

/** The upstream parent of the chain's root (`"0"`: none, a new trace). */
const upstreamOf = (span: TestAgent.AgentSpan): string => {
  const chain = ancestors(span)
  return (chain[chain.length - 1] ?? span).parent_id
}

describe("the serverless view of every example event, against datadog-lambda-js's datadog() at the agent", () => {
  it("ran both sides on every example event and the durable execution in one child process", () => {
    assert.lengthOf(files, 29)
    assert.deepStrictEqual(outcome.report.durable, {
      "durable-first": { ours: "PENDING", peer: "PENDING" },
      "durable-resume": { ours: "SUCCEEDED", peer: "SUCCEEDED" },
      [UNMANAGED]: { ours: "PENDING", peer: "not run" }
    })
    // The whole child process: a few seconds (the budget of this file; not a timed assertion on the library).
    assert.isBelow(duration, 60_000)
  })

  for (const file of files) {
    const durableFirst = file.startsWith("durable-first-invocation")
    it(`${file}: the same name, service, resource, type, parent chain and tags`, () => {
      const ours = invocation(file, "ours")
      const peer = invocation(file, "peer")
      assert.deepStrictEqual(fields(ours), fields(peer))
      assert.isDefined(ours.meta.effect_datadog_lambda, INTENDED.version)
      assert.isUndefined(ours.meta.datadog_lambda, INTENDED.version)
      const oursChain = ancestors(ours)
      const peerChain = ancestors(peer)
      if (durableFirst) {
        // INTENDED.durableFirstInvocation / durableFirstParent.
        assert.lengthOf(peerChain, 0, INTENDED.durableFirstInvocation)
        assert.strictEqual(peer.parent_id, "0", INTENDED.durableFirstParent)
        assert.isAbove(oursChain.length, 0, INTENDED.durableFirstInvocation)
        const trigger = triggerKeys(ours)
        assert.isAbove(trigger.length, 0)
        assert.deepStrictEqual(tagsOf(ours, trigger), tagsOf(peer, trigger), INTENDED.durableFirstInvocation)
        return
      }
      const kafka = file.startsWith("kafka-")
        ? ["function_trigger.event_source", "function_trigger.event_source_arn"]
        : []
      assert.strictEqual(
        ours.meta["function_trigger.event_source"],
        kafka.length > 0 ? "kafka" : peer.meta["function_trigger.event_source"],
        INTENDED.kafkaTrigger
      )
      if (MORE_CONTEXTS.has(file)) {
        assert.strictEqual(ours.meta["_dd.parent_source"], "event", INTENDED.moreContexts)
        assert.isUndefined(peer.meta["_dd.parent_source"], INTENDED.moreContexts)
        assert.notStrictEqual(upstreamOf(ours), "0", INTENDED.moreContexts)
        assert.strictEqual(upstreamOf(peer), "0", INTENDED.moreContexts)
        const without = ["_dd.parent_source", ...kafka]
        assert.deepStrictEqual(tagsOf(ours, without), tagsOf(peer, without))
      } else {
        assert.deepStrictEqual(tagsOf(ours), tagsOf(peer))
        assert.strictEqual(upstreamOf(ours), upstreamOf(peer))
        if (upstreamOf(peer) !== "0") assert.strictEqual(ours.trace_id, peer.trace_id)
      }
      assert.deepStrictEqual(oursChain.map(fields), peerChain.map(fields))
      for (let i = 0; i < oursChain.length; i++) {
        const [o, p] = [oursChain[i]!, peerChain[i]!]
        assert.deepStrictEqual(tagsOf(o), tagsOf(p), o.name)
        const gap = o.start > p.start ? o.start - p.start : p.start - o.start
        assert.isTrue(gap < 1_000n, `${o.name} starts ${gap} ns apart: ${INTENDED.subMicrosecond}`)
      }
    })
  }

  it("leaves out the cold-start module-loading spans (intended)", () => {
    const names = new Set(spans.map((span) => span.name))
    assert.isTrue(names.has("aws.lambda.load"), "datadog-lambda-js sends them on its cold start")
    // datadog-lambda-js parents aws.lambda.load on the inferred span (or aws.lambda without one).
    const idsOf = (side: Side) =>
      new Set(
        files.flatMap((file) => [invocation(file, side), ...ancestors(invocation(file, side))]).map((span) =>
          span.span_id
        )
      )
    const loadSpans = (side: Side) =>
      spans.filter((span) => span.name === "aws.lambda.load" && idsOf(side).has(span.parent_id))
    assert.isAbove(loadSpans("peer").length, 0)
    assert.lengthOf(loadSpans("ours"), 0, INTENDED.coldStartSpans)
    assert.strictEqual(invocation(files[0]!, "ours").meta.cold_start, "true")
    assert.strictEqual(invocation(files[1]!, "ours").meta.cold_start, "false")
  })
})

describe("a durable execution (real durable SDK) through DurableTracing, against datadog() around the SDK", () => {
  it("the first invocation: the invocation span as datadog-lambda-js's, under the original event's inferred span", () => {
    const ours = invocation("durable-first", "ours")
    const peer = invocation("durable-first", "peer")
    assert.deepStrictEqual(fields(ours), fields(peer))
    assert.deepStrictEqual(fields(ours), {
      name: "aws.lambda",
      service: "my-fn",
      resource: "my-fn",
      type: "serverless"
    })
    const intended = triggerKeys(ours)
    assert.deepStrictEqual(
      tagsOf(ours, [...intended, ...DURABLE_EXTRA_TAGS]),
      tagsOf(peer, [...intended, ...DURABLE_EXTRA_TAGS])
    )
    assert.strictEqual(ours.meta["aws.durable.execution_status"], "PENDING")
    assert.strictEqual(ours.meta["aws.durable.first_invocation"], "true")
    assert.strictEqual(ours.meta["aws.durable.execution_name"], "parity")
    // INTENDED.durableFirstInvocation: the original event's trigger and inferred span, under its upstream.
    assert.strictEqual(ours.meta["function_trigger.event_source"], "api-gateway", INTENDED.durableFirstInvocation)
    assert.isUndefined(ours.meta["http.status_code"], "the SDK's output is not the HTTP response")
    const [inferred] = ancestors(ours)
    assert.strictEqual(inferred?.name, "aws.apigateway", INTENDED.durableFirstInvocation)
    assert.strictEqual(inferred?.parent_id, durableInputUpstream.parentId, INTENDED.durableFirstParent)
    assert.strictEqual(ours.trace_id, durableInputUpstream.traceId, INTENDED.durableFirstParent)
    assert.lengthOf(ancestors(peer), 0, INTENDED.durableFirstInvocation)
    assert.strictEqual(peer.parent_id, "0", INTENDED.durableFirstParent)
    for (const key of DURABLE_EXTRA_TAGS.slice(0, 2)) assert.isDefined(ours.meta[key], INTENDED.durableExtraTags)
  })

  it("the resume: same fields, tags and parent (both continue dd-trace's _datadog_0), no inferred span", () => {
    const ours = invocation("durable-resume", "ours")
    const peer = invocation("durable-resume", "peer")
    assert.deepStrictEqual(fields(ours), fields(peer))
    assert.deepStrictEqual(tagsOf(ours, DURABLE_EXTRA_TAGS), tagsOf(peer, DURABLE_EXTRA_TAGS))
    assert.strictEqual(ours.meta["aws.durable.execution_status"], "SUCCEEDED")
    assert.strictEqual(ours.meta["aws.durable.first_invocation"], "false")
    assert.strictEqual(ours.meta["_dd.parent_source"], "event")
    assert.lengthOf(ancestors(ours), 0)
    assert.lengthOf(ancestors(peer), 0)
    assert.strictEqual(ours.trace_id, peer.trace_id)
    assert.strictEqual(ours.parent_id, peer.parent_id)
    assert.notStrictEqual(ours.parent_id, "0")
  })

  it("DD_TRACE_MANAGED_SERVICES=false through the wrapper layer's ConfigProvider: no inferred span", () => {
    const ours = invocation(UNMANAGED, "ours")
    assert.deepStrictEqual(fields(ours), fields(invocation("durable-first", "ours")))
    assert.lengthOf(ancestors(ours), 0)
    assert.strictEqual(ours.parent_id, durableInputUpstream.parentId)
    assert.strictEqual(ours.trace_id, durableInputUpstream.traceId)
    assert.strictEqual(ours.meta["function_trigger.event_source"], "api-gateway")
  })
})
