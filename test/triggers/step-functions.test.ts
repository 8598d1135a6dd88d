import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as StepFunctionsContext from "../../src/internal/triggers/stepFunctionsContext.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { fixture, type Ids, idsOf, propagators, propertySuite, reference, run } from "./http-support.js"
import { overNative, watchKeys } from "./support.js"

// An independent implementation of §4.7 (Web Crypto digest, hex slicing), for expectations only.
const sha256Hex = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => Buffer.from(digest).toString("hex"))
  )
const sixtyThreeBits = (hex16: string): bigint => {
  const value = BigInt("0x" + hex16) & 0x7fffffffffffffffn
  return value === 0n ? 1n : value
}
const oracle = {
  traceId: (text: string) => Effect.map(sha256Hex(text), (hex) => sixtyThreeBits(hex.slice(16, 32)).toString()),
  spanId: (text: string) => Effect.map(sha256Hex(text), (hex) => sixtyThreeBits(hex.slice(0, 16)).toString()),
  tid: (text: string) =>
    Effect.map(sha256Hex(text), (hex) => sixtyThreeBits(hex.slice(0, 16)).toString(16).padStart(16, "0"))
}

const ACCOUNT = "425362996713"
const ORDER_FLOW = `arn:aws:states:us-east-1:${ACCOUNT}:execution:OrderFlow:6f1c1d2e-88a4-4b9e-9c56-0d1a2b3c4d5e`
const PARENT_FLOW = `arn:aws:states:us-east-1:${ACCOUNT}:execution:ParentFlow:0b7d5c1e-2f3a-4b6c-8d9e-0a1b2c3d4e5f`
const CHILD_FLOW = `arn:aws:states:us-east-1:${ACCOUNT}:execution:ChildFlow:9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b`

/** The documented inputs of each fixture, and how its trace id is obtained. */
interface Row {
  readonly file: string
  readonly kind: StepFunctionsContext.Kind
  /** The string hashed into the parent id. */
  readonly parentInput: string
  /** Hashed into the trace id and tid. */
  readonly traceInput?: string
  /** Lambda roots: the propagated ids, carried through unchanged. */
  readonly propagated?: { readonly traceId: string; readonly tid: string }
}

const rows: ReadonlyArray<Row> = [
  {
    file: "step-functions-legacy.json",
    kind: "legacy",
    traceInput: ORDER_FLOW,
    parentInput: `${ORDER_FLOW}#ChargeCard#2025-02-03T10:11:12.345Z`
  },
  {
    // Payload-wrapped, RetryCount 2: the "#retry#redrive" suffix.
    file: "step-functions-payload.json",
    kind: "legacy",
    traceInput: ORDER_FLOW,
    parentInput: `${ORDER_FLOW}#ChargeCard#2025-02-03T10:11:14.001Z#2#0`
  },
  {
    // JSONata / v1 under _datadog next to user fields; a child execution: the root's id makes the trace.
    file: "step-functions-jsonata.json",
    kind: "nested",
    traceInput: PARENT_FLOW,
    parentInput: `${CHILD_FLOW}#Ship#2025-02-03T10:12:00.000Z`
  },
  {
    // Payload._datadog, RedriveCount 1.
    file: "step-functions-redrive.json",
    kind: "nested",
    traceInput: ORDER_FLOW,
    parentInput: `${ORDER_FLOW}#ChargeCard#2025-02-04T08:00:00.000Z#0#1`
  },
  {
    file: "step-functions-lambda-root.json",
    kind: "lambda-root",
    propagated: { traceId: "5821803790426892636", tid: "6734e7c300000000" },
    parentInput: `${ORDER_FLOW}#ChargeCard#2025-02-03T10:11:12.345Z`
  },
  {
    file: "step-functions-legacy-lambda-root.json",
    kind: "legacy-lambda-root",
    propagated: { traceId: "1473934473734582290", tid: "fedcba9876543210" },
    parentInput: `${ORDER_FLOW}#ChargeCard#2025-02-03T10:11:12.345Z`
  }
]

const expectedIds = (row: Row) =>
  Effect.gen(function*() {
    const parentId = yield* oracle.spanId(row.parentInput)
    if (row.propagated !== undefined) {
      return { traceId: row.propagated.traceId, parentId, samplingPriority: 1, traceIdHigh: row.propagated.tid }
    }
    return {
      traceId: yield* oracle.traceId(row.traceInput!),
      parentId,
      samplingPriority: 1,
      traceIdHigh: yield* oracle.tid(row.traceInput!)
    } satisfies Ids
  })

const extractOrThrow = (event: unknown) =>
  Effect.gen(function*() {
    const extractor = yield* Driver.make(Definitions.stepFunctions)
    const observed = yield* run(extractor, event)
    assert.isTrue(observed.unchanged, "the event is not mutated")
    return observed
  })

describe("Step Functions ids", () => {
  it("spec vector: hash(\"some_testing_random_string\", span) = 4364271812988819936", () => {
    assert.strictEqual(StepFunctionsContext.hashSpanId("some_testing_random_string"), "4364271812988819936")
  })

  it.effect("the independent implementation agrees with the spec vector (so it can judge the rest)", () =>
    Effect.map(
      oracle.spanId("some_testing_random_string"),
      (spanId) => assert.strictEqual(spanId, "4364271812988819936")
    ))

  it.effect("hashes agree with the independent implementation on arbitrary strings", () =>
    Effect.gen(function*() {
      for (const text of ["", "a", "ü#日本#\u0000", "x".repeat(5000), "arn:aws:states:x:1:execution:a:b"]) {
        assert.strictEqual(StepFunctionsContext.hashTraceId(text), yield* oracle.traceId(text))
        assert.strictEqual(StepFunctionsContext.hashSpanId(text), yield* oracle.spanId(text))
        assert.strictEqual(StepFunctionsContext.hashTid(text), yield* oracle.tid(text))
      }
    }))
})

describe("StepFunctionsExtractor conformance", () => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    describe(`with the ${propagatorName} propagator in context`, () => {
      it.effect("states.json (spec §7.1): trace 956857568228103146, span 9076575610449653203, tid 1d9fc009309a1a7b", () =>
        Effect.gen(function*() {
          const { accepted, result } = yield* extractOrThrow(fixture("states.json"))
          assert.isTrue(accepted)
          const context = Option.getOrThrow(Either.getOrThrow(result).context)
          assert.deepStrictEqual(idsOf(context), {
            traceId: "956857568228103146",
            parentId: "9076575610449653203",
            samplingPriority: 1,
            traceIdHigh: "1d9fc009309a1a7b"
          })
          assert.deepStrictEqual(context.tags, { "_dd.p.tid": "1d9fc009309a1a7b" })
          assert.strictEqual(context.source, "step-functions")
        }).pipe(Effect.provide(propagatorLayer)))

      for (const row of rows) {
        it.effect(`${row.file} (${row.kind})`, () =>
          Effect.gen(function*() {
            const { accepted, result } = yield* extractOrThrow(fixture(row.file))
            assert.isTrue(accepted)
            const extracted = Either.getOrThrow(result)
            assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), yield* expectedIds(row))
            assert.deepStrictEqual(extracted.notes, [`${row.kind} context object`])
          }).pipe(Effect.provide(propagatorLayer)))
      }

      it.effect("v1 without a root execution or propagated headers: no context, with a note", () =>
        Effect.gen(function*() {
          const { result } = yield* extractOrThrow(fixture("step-functions-v1-no-trace.json"))
          const extracted = Either.getOrThrow(result)
          assert.isTrue(Option.isNone(extracted.context))
          assert.match(extracted.notes[0]!, /neither RootExecutionId/)
        }).pipe(Effect.provide(propagatorLayer)))
    })
  }
})

describe("StepFunctionsExtractor against datadog-lambda-js", () => {
  it("states.json: the reference gives the spec's ids", () => {
    assert.deepStrictEqual(reference.stepFunctions(fixture("states.json")), {
      traceId: "956857568228103146",
      parentId: "9076575610449653203",
      samplingPriority: 1,
      traceIdHigh: "1d9fc009309a1a7b"
    })
  })

  for (const row of rows) {
    it(`${row.file}: same trace and parent ids${row.propagated ? "; the reference mangles the tid" : ""}`, () => {
      const event = fixture(row.file)
      const ours = StepFunctionsContext.fromPayload(event, "step-functions")!
      const theirs = reference.stepFunctions(event)!
      assert.deepStrictEqual([theirs.traceId, theirs.parentId], [ours.traceId, ours.parentId])
      if (row.propagated === undefined) {
        assert.strictEqual(theirs.traceIdHigh, ours.traceIdHigh)
      } else {
        // The reference parses the hex tid as decimal (§4.7 defect); we carry it through unchanged.
        assert.strictEqual(ours.traceIdHigh, row.propagated.tid)
        assert.notStrictEqual(theirs.traceIdHigh, row.propagated.tid)
      }
    })
  }

  it("v1 without a trace: the reference finds nothing either", () => {
    assert.isNull(reference.stepFunctions(fixture("step-functions-v1-no-trace.json")))
  })
})

describe("StepFunctionsContext.fromPayload", () => {
  it("recognises a context object found inside another trigger's _datadog carrier, attributed to that source", () => {
    const carrier = (fixture("states.json") as { _datadog: unknown })._datadog
    const context = StepFunctionsContext.fromPayload(carrier, "sqs")!
    assert.strictEqual(context.source, "sqs")
    assert.strictEqual(context.traceId, "956857568228103146")
  })

  it("Payload wins only when it holds _datadog or a context object", () => {
    const legacy = fixture("step-functions-legacy.json") as Record<string, unknown>
    const withUnrelatedPayload = { ...legacy, Payload: { some: "user data" } }
    assert.strictEqual(
      StepFunctionsContext.fromPayload(withUnrelatedPayload, "step-functions")?.traceId,
      StepFunctionsContext.fromPayload(legacy, "step-functions")?.traceId
    )
  })

  it("RootExecutionId wins over propagated headers in a v1 object", () => {
    const lambdaRoot = (fixture("step-functions-lambda-root.json") as { _datadog: Record<string, unknown> })._datadog
    const both = { ...lambdaRoot, RootExecutionId: PARENT_FLOW }
    assert.strictEqual(StepFunctionsContext.parse(both)?.kind, "nested")
    assert.strictEqual(
      StepFunctionsContext.fromPayload(both, "step-functions")?.traceId,
      StepFunctionsContext.hashTraceId(PARENT_FLOW)
    )
  })

  it("counts: numbers and digit strings are used, anything else counts as 0", () => {
    const base = fixture("step-functions-legacy.json") as { State: Record<string, unknown> }
    const withCount = (count: unknown) =>
      StepFunctionsContext.parse({ ...base, State: { ...base.State, RetryCount: count } })?.retryCount
    assert.deepStrictEqual([withCount(3), withCount("3"), withCount(null), withCount({}), withCount(-1)], [
      "3",
      "3",
      "0",
      "0",
      "0"
    ])
  })
})

describe("StepFunctionsExtractor failures and bounds", () => {
  it.effect("a Lambda root with a non-decimal propagated trace id is a typed MalformedCarrier failure", () =>
    Effect.gen(function*() {
      const event = fixture("step-functions-lambda-root.json") as { _datadog: Record<string, unknown> }
      event._datadog["x-datadog-trace-id"] = "6734e7c300000000"
      const { result } = yield* extractOrThrow(event)
      assert.isTrue(Either.isLeft(result))
      const error = Either.getLeft(result).pipe(Option.getOrThrow)
      assert.strictEqual(error._tag, "ExtractionError")
      assert.strictEqual((error as { reason: string }).reason, "MalformedCarrier")
    }).pipe(Effect.provide(NativePropagator.layer())))

  it.effect("fields over the length bound are not hashed", () =>
    Effect.gen(function*() {
      const event = fixture("step-functions-legacy.json") as { Execution: Record<string, unknown> }
      event.Execution["Id"] = "x".repeat(StepFunctionsContext.limits.maxFieldLength + 1)
      const { result } = yield* extractOrThrow(event)
      assert.isTrue(Option.isNone(Either.getOrThrow(result).context))
    }).pipe(Effect.provide(NativePropagator.layer())))

  it.effect("work does not grow with the user's input around the context: only the context's fields are read", () =>
    Effect.gen(function*() {
      const event = fixture("step-functions-jsonata.json") as Record<string, unknown>
      const big: Record<string, string> = {}
      for (let i = 0; i < 200_000; i++) big[`k${i}`] = "v"
      const payload = watchKeys({ ...event, ...big, items: Array.from({ length: 100_000 }, (_, i) => ({ i })) })
      const extracted = yield* overNative(Driver.make(Definitions.stepFunctions)).extract(payload.object, undefined)
      assert.strictEqual(payload.stats.listed, 0, "the payload's keys are never listed")
      assert.sameMembers([...payload.stats.read], ["Payload", "_datadog"], "only the context's fields are read")
      assert.isTrue(Option.isSome(extracted.context))
    }))

  it("the guard rejects non-objects and objects without Payload/_datadog/Execution+State", () => {
    for (const event of [null, 1, "x", [], {}, { Execution: {} }, { State: {} }, { headers: {} }]) {
      assert.isFalse(Definitions.stepFunctions.accepts!(event, undefined))
    }
    assert.isTrue(Definitions.stepFunctions.accepts!(fixture("step-functions-legacy.json"), undefined))
    assert.isTrue(Definitions.stepFunctions.accepts!(fixture("states.json"), undefined))
    assert.isTrue(Definitions.stepFunctions.accepts!(fixture("step-functions-payload.json"), undefined))
  })

  propertySuite(Driver.make(Definitions.stepFunctions), ["states.json", ...rows.map((row) => row.file)])
})
