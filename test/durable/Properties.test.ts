// Property tests: any JSON value (or any JS value) in any field of a durable envelope gives a result (found, none
// or a typed failure), never a throw or a defect, and the event is never mutated.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as DurableEnvelope from "../../src/internal/durable/durableEnvelope.js"
import * as DurableMetadata from "../../src/internal/durable/durableMetadata.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as DurableState from "../../src/services/DurableState.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { checkpoint, durableChain, envelope, execution, headers, step } from "../support/durable/events.js"
import { readRuns, toWire } from "../support/durable/wire.js"

type Json = unknown
type Path = ReadonlyArray<string | number>

const paths = (value: Json, prefix: Path = []): Array<Path> => {
  const out: Array<Path> = [prefix]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])))
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]))
  }
  return out
}

const setAt = (root: Json, path: Path, value: unknown): Json => {
  if (path.length === 0) return value
  const copy = structuredClone(root) as any
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key]
  node[path[path.length - 1]!] = value
  return copy
}

const [ddRun] = readRuns("ddtrace-writer.json")
const bases: ReadonlyArray<Json> = [
  toWire(ddRun!.invocations[1]!.envelope, { functionName: "f", executionName: "e" }),
  envelope([
    execution({ _datadog: headers("1", "2"), headers: headers("3", "4"), Records: [{ eventSource: "aws:sqs" }] }),
    step("work"),
    checkpoint(0, headers("5", "6")),
    checkpoint(1, headers("7", "8", { "x-datadog-tags": "_dd.p.tid=6b067c1000000000" }))
  ], { NextMarker: "page-2" }),
  {
    DurableExecutionArn: "arn:aws:lambda:us-east-2:1:function:demo:1/durable-execution/demo/abc",
    InitialExecutionState: {
      Operations: {
        "0": { Type: "EXECUTION" },
        "1": { Name: "_datadog_0", StepDetails: { Result: headers("1", "2") } }
      }
    }
  }
]

/** A base envelope with one field (any depth, the root included) replaced by an arbitrary value. */
const mutated = FastCheck.integer({ min: 0, max: bases.length - 1 }).chain((b) => {
  const base = bases[b]!
  return FastCheck.tuple(
    FastCheck.constantFrom(...paths(base)),
    FastCheck.oneof(
      FastCheck.jsonValue(),
      FastCheck.anything({ withDate: true, withMap: true, withNullPrototype: true, withTypedArray: true }),
      FastCheck.string().map((s) => `_datadog_${s}`),
      FastCheck.jsonValue().map((v) => JSON.stringify(v))
    )
  ).map(([path, value]) => setAt(base, path, value))
})

const noDefects = (result: ExtractionResult) =>
  assert.deepStrictEqual(
    result.attempts.filter((a) => a.extractor.startsWith("durable-") && a.reason === "Defect"),
    []
  )

// Each chain is built once, not per run: chains keep no state between invocations (the point of the chain's
// design), and building the layers was most of these properties' cost.
const native = NativePropagator.layer()
const durableOnly = ManagedRuntime.make(durableChain.pipe(Layer.provide(native)))
const fullChain = ManagedRuntime.make(DefaultChain.layer.pipe(Layer.provide(native)))
const pagedChain = ManagedRuntime.make(durableChain.pipe(
  Layer.provide(DurableState.layerFromClient({
    getExecutionState: async (request) =>
      request.Marker === "page-2"
        ? { Operations: [checkpoint(2, headers("9", "9"))], NextMarker: "page-3" }
        : { Operations: "junk", NextMarker: 4 }
  })),
  Layer.provide(native)
))

const extractIn = (chain: ManagedRuntime.ManagedRuntime<ExtractorChain.ExtractorChain, never>, event: unknown) =>
  Effect.promise(() => chain.runPromise(ExtractorChain.extract(event, {})))

/** Freezes deeply: any write by the code under test throws (ESM is strict), which the chain records as a defect. */
const deepFreeze = <A>(value: A, seen = new Set<unknown>()): A => {
  if (typeof value !== "object" || value === null || seen.has(value) || ArrayBuffer.isView(value)) return value
  seen.add(value)
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as any)[key], seen)
  return Object.freeze(value)
}

describe("durable extraction is total", () => {
  it.effect.prop(
    "any value in any field: a result, no defect, event untouched",
    { event: mutated },
    ({ event }) =>
      Effect.gen(function*() {
        deepFreeze(event)
        for (const chain of [durableOnly, fullChain, pagedChain]) {
          const result = yield* extractIn(chain, event)
          noDefects(result)
          if (Option.isSome(result.context)) assert.match(result.context.value.traceId, /^[1-9][0-9]*$/)
        }
      }),
    { fastCheck: { numRuns: 200 } }
  )

  it.effect.prop(
    "any JSON in every envelope field at once",
    {
      event: FastCheck.record({
        DurableExecutionArn: FastCheck.oneof(FastCheck.string(), FastCheck.jsonValue()),
        CheckpointToken: FastCheck.jsonValue(),
        InitialExecutionState: FastCheck.oneof(
          FastCheck.jsonValue(),
          FastCheck.record({
            Operations: FastCheck.oneof(
              FastCheck.jsonValue(),
              FastCheck.array(
                FastCheck.oneof(
                  FastCheck.jsonValue(),
                  FastCheck.record({
                    Name: FastCheck.oneof(FastCheck.nat(20).map((n) => `_datadog_${n}`), FastCheck.jsonValue()),
                    Type: FastCheck.oneof(FastCheck.constantFrom("STEP", "EXECUTION"), FastCheck.jsonValue()),
                    Status: FastCheck.jsonValue(),
                    StartTimestamp: FastCheck.jsonValue(),
                    Payload: FastCheck.jsonValue(),
                    StepDetails: FastCheck.oneof(
                      FastCheck.jsonValue(),
                      FastCheck.record({
                        Result: FastCheck.oneof(
                          FastCheck.jsonValue(),
                          FastCheck.jsonValue().map((v) => JSON.stringify(v))
                        )
                      })
                    ),
                    ExecutionDetails: FastCheck.oneof(
                      FastCheck.jsonValue(),
                      FastCheck.record({ InputPayload: FastCheck.jsonValue().map((v) => JSON.stringify(v)) })
                    )
                  }, { requiredKeys: [] })
                )
              )
            ),
            NextMarker: FastCheck.jsonValue()
          }, { requiredKeys: [] })
        ),
        UpdatedOperationIds: FastCheck.jsonValue()
      }, { requiredKeys: [] })
    },
    ({ event }) =>
      Effect.gen(function*() {
        const before = JSON.stringify(event)
        for (const chain of [durableOnly, pagedChain]) {
          noDefects(yield* extractIn(chain, event))
        }
        assert.strictEqual(JSON.stringify(event), before)
      }),
    { fastCheck: { numRuns: 200 } }
  )

  it.prop("the pure decoders never throw", { value: FastCheck.anything({ withDate: true }) }, ({ value }) => {
    for (const base of bases) {
      const event = setAt(base, ["InitialExecutionState"], value)
      assert.isTrue(Option.isOption(DurableMetadata.fromEvent(event)))
      assert.isTrue(Either.isEither(DurableEnvelope.decodeEnvelope(event)))
    }
    assert.isTrue(Either.isEither(DurableEnvelope.decodeOperation(value)))
    assert.isTrue(Option.isOption(DurableMetadata.invocationStatus(value)))
  })
})
