/**
 * Durable extraction cost on large envelopes: `npx tsx bench/durable-extract.ts`.
 *
 * Events are built as JSON text and `JSON.parse`d, as the Lambda runtime delivers them. Each scenario is warmed up,
 * then timed in batches; the report gives the median time per extraction (and the slowest batch's mean).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as DurableEnvelope from "../src/internal/durable/durableEnvelope.js"
import * as DurableCheckpointExtractor from "../src/internal/extractors/durableCheckpoint.js"
import * as DefaultChain from "../src/layers/DefaultChain.js"
import * as NativePropagator from "../src/layers/NativePropagator.js"
import * as ExtractorChain from "../src/services/ExtractorChain.js"
import * as Extractors from "../src/services/Extractors.js"

const ARN =
  "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/bench/0e230abf-5776-46dc-9e0f-77c816e26afa"

const operations = (count: number, withCheckpoint: boolean): Array<unknown> => {
  const ops: Array<unknown> = [{
    Id: "0e230abf-5776-46dc-9e0f-77c816e26afa",
    Name: "bench",
    Type: "EXECUTION",
    Status: "STARTED",
    StartTimestamp: 1795584939148,
    ExecutionDetails: { InputPayload: JSON.stringify({ orderId: "o-1", headers: { host: "example.com" } }) }
  }]
  for (let i = 1; ops.length < count - (withCheckpoint ? 1 : 0); i++) {
    ops.push({
      Id: i.toString(16).padStart(16, "0"),
      Name: `step-${i}`,
      Type: "STEP",
      SubType: "Step",
      Status: "SUCCEEDED",
      StartTimestamp: 1795584939148 + i,
      EndTimestamp: 1795584939149 + i,
      StepDetails: { Attempt: 1, Result: JSON.stringify({ i, ok: true }) }
    })
  }
  if (withCheckpoint) {
    ops.push({
      Id: "dadbe8594fcfa296",
      Name: "_datadog_0",
      Type: "STEP",
      SubType: "STEP",
      Status: "SUCCEEDED",
      StartTimestamp: 1795584999999,
      EndTimestamp: 1795584999999,
      StepDetails: {
        Attempt: 1,
        Result: JSON.stringify({
          "x-datadog-trace-id": "5791109302893801913",
          "x-datadog-parent-id": "8490924558609087153",
          "x-datadog-tags": "_dd.p.tid=6b067c1000000000"
        })
      }
    })
  }
  return ops
}

const event = (count: number, withCheckpoint: boolean): unknown =>
  JSON.parse(JSON.stringify({
    DurableExecutionArn: ARN,
    CheckpointToken: "dG9rZW4tMQ==",
    InitialExecutionState: { Operations: operations(count, withCheckpoint), NextMarker: "" }
  }))

const checkpointOnly = ExtractorChain.layerFromServices([Extractors.DurableCheckpointExtractor]).pipe(
  Layer.provide(DurableCheckpointExtractor.layer),
  Layer.provide(NativePropagator.layer())
)

const now = () => Number(process.hrtime.bigint())

const time = (label: string, run: () => unknown): void => {
  // Warm up for ~300 ms, then size batches to ~20 ms each.
  let calls = 0
  const warmStart = now()
  while (now() - warmStart < 300e6) {
    run()
    calls++
  }
  const perBatch = Math.max(1, Math.round(calls / 15))
  const batches: Array<number> = []
  for (let b = 0; b < 25; b++) {
    const start = now()
    for (let i = 0; i < perBatch; i++) run()
    batches.push((now() - start) / perBatch)
  }
  batches.sort((x, y) => x - y)
  const us = (ns: number) => (ns / 1000).toFixed(1).padStart(8)
  process.stdout.write(`${label.padEnd(66)} median ${us(batches[12]!)} µs   worst batch ${us(batches[24]!)} µs\n`)
}

const main = async () => {
  const checkpointRuntime = ManagedRuntime.make(checkpointOnly)
  const defaultRuntime = ManagedRuntime.make(DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer())))
  const withCheckpoint = event(10_000, true)
  const without = event(10_000, false)
  const small = event(4, true)

  const check = (runtime: typeof defaultRuntime, e: unknown, expected: string | undefined) => {
    const result = runtime.runSync(ExtractorChain.extract(e, {}))
    const got = Option.getOrUndefined(Option.map(result.context, (c) => c.source))
    if (got !== expected) throw new Error(`expected ${expected}, got ${got}`)
  }
  check(checkpointRuntime, withCheckpoint, "durable-checkpoint")
  check(defaultRuntime, withCheckpoint, "durable-checkpoint")
  check(defaultRuntime, without, undefined)

  const extractor = checkpointRuntime.runSync(
    DurableCheckpointExtractor.make.pipe(Effect.provide(NativePropagator.layer()))
  )

  process.stdout.write(
    `node ${process.version}, ${(JSON.stringify(withCheckpoint).length / 1e6).toFixed(1)} MB envelope\n`
  )
  time(
    "10,000 ops, checkpoint last: the checkpoint extractor alone",
    () => Effect.runSync(extractor.extract(withCheckpoint, {}))
  )
  time("4 ops, checkpoint last: the checkpoint extractor alone", () => Effect.runSync(extractor.extract(small, {})))
  time(
    "10,000 ops, checkpoint last: a chain of that extractor (runSync)",
    () => checkpointRuntime.runSync(ExtractorChain.extract(withCheckpoint, {}))
  )
  time(
    "10,000 ops, checkpoint last: default chain (runSync)",
    () => defaultRuntime.runSync(ExtractorChain.extract(withCheckpoint, {}))
  )
  time(
    "10,000 ops, no checkpoint: default chain to the end (runSync)",
    () => defaultRuntime.runSync(ExtractorChain.extract(without, {}))
  )
  time(
    "4 ops, checkpoint last: default chain (runSync)",
    () => defaultRuntime.runSync(ExtractorChain.extract(small, {}))
  )
  time("reference: Schema-decoding the whole 10,000-op envelope", () => DurableEnvelope.decodeEnvelope(withCheckpoint))

  const asyncRuns = 2000
  const start = process.hrtime.bigint()
  for (let i = 0; i < asyncRuns; i++) await defaultRuntime.runPromise(ExtractorChain.extract(withCheckpoint, {}))
  process.stdout.write(
    `${"10,000 ops, checkpoint last: default chain (runPromise, mean)".padEnd(66)} mean   ${
      (Number(process.hrtime.bigint() - start) / asyncRuns / 1000).toFixed(1).padStart(8)
    } µs\n`
  )
  await Effect.runPromise(Effect.all([checkpointRuntime.disposeEffect, defaultRuntime.disposeEffect]))
}

main()
