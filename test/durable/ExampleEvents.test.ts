// Durable events end to end through the default chain, with exact ids: the example events shipped in
// examples/events, real trigger shapes held as a durable execution's original event, and a 10,000-operation envelope.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as DurableArn from "../../src/internal/durable/durableArn.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import type { Propagator } from "../../src/services/Propagator.js"
import { ARN, checkpoint, envelope, execution, headers, step } from "../support/durable/events.js"
import { example } from "../support/fixtures.js"
import { fixture, propagators } from "../triggers/http-support.js"

interface Expected {
  readonly extractor: "durable-checkpoint" | "durable-input"
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority?: number
  readonly traceIdHigh?: string
}

const observed = (result: ExtractionResult) =>
  Option.map(result.context, (c) => ({
    extractor: c.source,
    traceId: c.traceId,
    parentId: c.parentId,
    ...Option.match(c.samplingPriority, { onNone: () => ({}), onSome: (samplingPriority) => ({ samplingPriority }) }),
    ...Option.match(c.traceIdHigh, { onNone: () => ({}), onSome: (traceIdHigh) => ({ traceIdHigh }) })
  }))

const chainOver = (propagator: Layer.Layer<Propagator>) => DefaultChain.layer.pipe(Layer.provide(propagator))

// Expected values read off the example files by hand (the EXECUTION input or the newest _datadog_{N} payload).
const examples: ReadonlyArray<readonly [string, Expected]> = [
  // InputPayload is an API Gateway v1 request with mixed-case x-datadog-* headers.
  ["durable-first-invocation-apigw.json", {
    extractor: "durable-input",
    traceId: "777",
    parentId: "888",
    samplingPriority: 2
  }],
  // InputPayload is an SQS event with a String _datadog message attribute.
  ["durable-first-invocation-sqs.json", {
    extractor: "durable-input",
    traceId: "4321",
    parentId: "8765",
    samplingPriority: 1
  }],
  // _datadog_1 (priority 2, dm -4) wins over _datadog_0 (priority 1) and over the input's _datadog (1111/2222).
  ["durable-resume-checkpoints.json", {
    extractor: "durable-checkpoint",
    traceId: "5791109302893801913",
    parentId: "8490924558609087153",
    samplingPriority: 2,
    traceIdHigh: "6b067c1000000000"
  }],
  // dd-trace's own writer: no sampling priority in the payload, still complete.
  ["durable-resume-ddtrace-checkpoint.json", {
    extractor: "durable-checkpoint",
    traceId: "8207797864307523213",
    parentId: "6090727396883337519",
    traceIdHigh: "6b069df900000000"
  }]
]

describe("durable example events", () => {
  for (const [propagatorName, propagator] of propagators) {
    it.effect(`exact ids for every examples/events/durable-*.json (${propagatorName})`, () =>
      Effect.gen(function*() {
        for (const [file, expected] of examples) {
          const event = example(file) as Record<string, any>
          const before = JSON.stringify(event)
          const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(chainOver(propagator)))
          assert.deepStrictEqual(observed(result), Option.some(expected), file)
          assert.strictEqual(JSON.stringify(event), before, `${file} was mutated`)
        }
      }))
  }

  it("are in the service's wire shape: a parseable ARN, epoch-ms timestamps, NextMarker empty", () => {
    for (const [file] of examples) {
      const event = example(file) as Record<string, any>
      const arn = DurableArn.parse(event.DurableExecutionArn)
      const executionOp = event.InitialExecutionState.Operations.find((op: any) => op.Type === "EXECUTION")
      assert.deepStrictEqual(arn?.executionName, executionOp?.Name, `${file}: ARN execution name`)
      assert.match(arn?.executionId ?? "", /^[0-9a-f-]{36}$/, `${file}: ARN execution id`)
      assert.isString(event.CheckpointToken, file)
      assert.strictEqual(event.InitialExecutionState.NextMarker, "", file)
      for (const op of event.InitialExecutionState.Operations) {
        for (const key of ["StartTimestamp", "EndTimestamp"]) {
          if (key in op) assert.isTrue(Number.isSafeInteger(op[key]) && op[key] > 1e12, `${file}: ${op.Id} ${key}`)
        }
      }
    }
  })
})

// The spec's trigger fixtures, as the original event of a durable execution's first invocation. The ids are the
// ones triggers-js-reference.md §7.1 lists for these samples.
const triggerInputs: ReadonlyArray<readonly [string, string, string]> = [
  ["sqs.json", "4555236104497098341", "3369753143434738315"],
  ["sns.json", "6966585609680374559", "4297634551783724228"],
  ["snssqs.json", "2776434475358637757", "4493917105238181843"],
  ["eventbridge.json", "5827606813695714842", "4726693487091824375"],
  ["eventbridge-sqs.json", "7379586022458917877", "2644033662113726488"],
  ["kinesis.json", "667309514221035538", "1350735035497811828"]
]

describe("durable-input on real trigger shapes", () => {
  for (const [propagatorName, propagator] of propagators) {
    it.effect(`the original event's trigger carrier, with the spec's ids (${propagatorName})`, () =>
      Effect.gen(function*() {
        for (const [file, traceId, parentId] of triggerInputs) {
          const event = envelope([execution(fixture(file))])
          const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(chainOver(propagator)))
          const context = Option.getOrUndefined(result.context)
          assert.deepStrictEqual(
            context && [context.source, context.traceId, context.parentId],
            ["durable-input", traceId, parentId],
            file
          )
        }
      }))
  }

  it.effect("a checkpoint still wins over the trigger carrier of the original event", () =>
    Effect.gen(function*() {
      const event = envelope([
        execution(fixture("sqs.json")),
        checkpoint(0, headers("31", "32", { "x-datadog-sampling-priority": "1" }))
      ])
      const result = yield* ExtractorChain.extract(event, {}).pipe(Effect.provide(DefaultChain.layerNative))
      const context = Option.getOrUndefined(result.context)
      assert.deepStrictEqual(context && [context.source, context.traceId], ["durable-checkpoint", "31"])
    }))
})

// Issue 3: "A 10,000-operation event must extract in well under a millisecond."
const bigEnvelope = (withCheckpoint: boolean): Record<string, unknown> => {
  const ops: Array<unknown> = [execution({ userId: "u-1" })]
  for (let i = 0; i < 9_998; i++) ops.push(step(`step-${i}`, JSON.stringify({ i })))
  ops.push(
    withCheckpoint
      ? checkpoint(0, headers("41", "42", { "x-datadog-sampling-priority": "1" }))
      : step("last", "\"done\"")
  )
  return envelope(ops)
}

describe("a 10,000-operation envelope", () => {
  it("the default chain extracts from a 10,000-operation envelope, synchronously (speed: bench/compare.ts)", async () => {
    const runtime = ManagedRuntime.make(DefaultChain.layerNative)
    try {
      for (const withCheckpoint of [true, false]) {
        const event = bigEnvelope(withCheckpoint)
        assert.strictEqual((event.InitialExecutionState as any).Operations.length, 10_000)
        const result = runtime.runSync(ExtractorChain.extract(event, {}))
        const context = Option.getOrUndefined(result.context)
        // Without a checkpoint the input ({userId}) carries nothing: no context, but the chain still ran.
        assert.deepStrictEqual(
          context && [context.source, context.traceId],
          withCheckpoint ? ["durable-checkpoint", "41"] : undefined
        )
      }
    } finally {
      await runtime.dispose()
    }
  })

  it("the same with the ARN's own execution and the checkpoint first (order does not matter)", async () => {
    const runtime = ManagedRuntime.make(DefaultChain.layerNative)
    try {
      const ops: Array<unknown> = [checkpoint(3, headers("51", "52"))]
      for (let i = 0; i < 9_998; i++) ops.push(step(`step-${i}`))
      ops.push(execution())
      const event = { ...envelope(ops), DurableExecutionArn: ARN }
      const result = runtime.runSync(ExtractorChain.extract(event, {}))
      assert.deepStrictEqual(Option.map(result.context, (c) => c.traceId), Option.some("51"))
    } finally {
      await runtime.dispose()
    }
  })
})
