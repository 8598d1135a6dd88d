import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterEach, vi } from "vitest"
import * as ExtractionResult from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import type { ExtractorName } from "../../src/internal/extractorName.js"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as XRay from "../../src/internal/extractors/xRay.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as Program from "../../src/internal/triggers/program.js"
import * as RecordBatch from "../../src/internal/triggers/recordBatch.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { Propagator } from "../../src/services/Propagator.js"
import { fixture, idsOf, propagators, reference as httpReference } from "./http-support.js"

const referenceStepFunctions = httpReference.stepFunctions

const ctx = (traceId: string, parentId = "1") => TraceContext.make({ traceId, parentId, source: "sqs" })

const carrier = (traceId: number | string, parentId: number | string = 1) =>
  RecordBatch.carrier("test", { "x-datadog-trace-id": String(traceId), "x-datadog-parent-id": String(parentId) })

const native = NativePropagator.layer()

/** Scans `items` for the extractor `source` over `propagator`, as the Effect 3 driver runs a trigger's scan. */
const extract = (
  propagator: Propagator.Service,
  source: ExtractorName,
  items: ReadonlyArray<unknown>,
  candidatesOf: Program.CandidatesOf,
  options: Program.ScanOptions = {}
) =>
  Driver.run(source, Program.scanOutcome(Driver.env, source, items, candidatesOf, options), {
    propagator,
    readXRayHeader: XRay.envHeaderReader
  })

const runScan = (items: ReadonlyArray<unknown>, options: Program.ScanOptions = {}) =>
  Effect.flatMap(
    Propagator,
    (propagator) =>
      extract(
        propagator,
        "sqs",
        items,
        (item) => item as ReadonlyArray<RecordBatch.Candidate>,
        options
      )
  ).pipe(Effect.provide(native))

describe("RecordBatch (pure)", () => {
  it("the first context is the parent; repeats of the parent or of a link are dropped; the cap stops the scan", () => {
    const scan = RecordBatch.makeScan(10)
    assert.isTrue(RecordBatch.addContext(scan, 2, "a", ctx("5"), 2))
    assert.isTrue(RecordBatch.addContext(scan, 3, "a", ctx("5"), 2), "same trace and parent: not a link")
    assert.isTrue(RecordBatch.addContext(scan, 4, "a", ctx("5", "2"), 2), "same trace, other parent: a link")
    assert.isTrue(RecordBatch.addContext(scan, 5, "a", ctx("6"), 2))
    assert.isTrue(RecordBatch.addContext(scan, 6, "a", ctx("6"), 2), "a repeated link")
    assert.isFalse(RecordBatch.addContext(scan, 7, "a", ctx("7"), 2), "one more distinct context than the cap")
    assert.strictEqual(scan.parent?.index, 2)
    assert.deepStrictEqual(scan.links.map((link) => [link.traceId, link.parentId]), [["5", "2"], ["6", "1"]])
    assert.isTrue(scan.capped)
  })

  it("outcome notes: parent location, links, ignored malformed records, bounds; malformed wins over nothing", () => {
    const budget = RecordBatch.makeBudget(10)
    assert.isTrue(RecordBatch.spend(budget, 10))
    assert.isFalse(RecordBatch.spend(budget, 1))
    RecordBatch.skipOversized(budget)
    const found = RecordBatch.makeScan(20_000)
    found.scanned = 10_000
    RecordBatch.addMiss(found, 0, true, RecordBatch.malformed("m", "bad"))
    RecordBatch.addContext(found, 1, "where", ctx("5"))
    RecordBatch.addContext(found, 2, "where", ctx("6"))
    assert.deepStrictEqual(RecordBatch.outcome(found, budget), {
      _tag: "Found",
      context: ctx("5"),
      links: [ctx("6")],
      notes: [
        "from record 1: where",
        "1 span links from other records",
        "1 records with an unreadable carrier ignored (first: record 0: m: bad)",
        "scanned the first 10000 of 20000 records",
        "decode budget spent: larger payloads were skipped",
        "1 payloads over their size bound were not read"
      ]
    })
    const broken = RecordBatch.makeScan(2)
    broken.scanned = 2
    RecordBatch.addMiss(broken, 0, true, undefined)
    RecordBatch.addMiss(broken, 1, false, RecordBatch.tooLarge("m", "too long"))
    assert.deepStrictEqual(RecordBatch.outcome(broken, RecordBatch.makeBudget()), {
      _tag: "Malformed",
      reason: "LimitExceeded",
      detail: "record 1: m: too long"
    })
    const empty = RecordBatch.makeScan(3)
    empty.scanned = 3
    RecordBatch.addMiss(empty, 0, true, undefined)
    assert.deepStrictEqual(RecordBatch.outcome(empty, RecordBatch.makeBudget()), {
      _tag: "Nothing",
      notes: ["1 records with a carrier that holds no trace context"]
    })
    assert.deepStrictEqual(RecordBatch.outcome(RecordBatch.makeScan(0), RecordBatch.makeBudget(), { single: true }), {
      _tag: "Nothing",
      notes: ["no carrier"]
    })
  })

  it("candidates keeps the present ones in order without allocating for none", () => {
    const a = carrier(1)
    assert.strictEqual(RecordBatch.candidates(undefined, undefined), RecordBatch.noCandidates)
    assert.deepStrictEqual(RecordBatch.candidates(undefined, a, undefined, a), [a, a])
  })
})

describe("BatchExtraction", () => {
  it.effect("records without carriers are skipped; the first context is the parent, later ones links", () =>
    Effect.gen(function*() {
      const extracted = yield* runScan([[], [RecordBatch.carrier("x", { unrelated: "1" })], [carrier(10)], [], [
        carrier(11)
      ]])
      assert.strictEqual(Option.getOrThrow(extracted.context).traceId, "10")
      assert.deepStrictEqual(extracted.links.map((link) => link.traceId), ["11"])
      assert.deepStrictEqual(extracted.notes, ["from record 2: test", "1 span links from other records"])
    }))

  it.effect("within a record, a carrier without ids falls through to the next candidate", () =>
    Effect.gen(function*() {
      const extracted = yield* runScan([[
        RecordBatch.malformed("first", "broken"),
        RecordBatch.carrier("second", { "x-datadog-trace-id": "5" }),
        RecordBatch.context("third", { traceId: "8", parentId: "9", source: "sqs" })
      ]])
      assert.deepStrictEqual(idsOf(Option.getOrThrow(extracted.context)), { traceId: "8", parentId: "9" })
      assert.deepStrictEqual(extracted.notes, ["from record 0: third"])
    }))

  it.effect("a Step Functions context object is read before the propagator, even with complete headers", () =>
    Effect.gen(function*() {
      const contextObject = fixture("step-functions-legacy.json") as Record<string, unknown>
      const withHeaders = { ...contextObject, "x-datadog-trace-id": "77", "x-datadog-parent-id": "78" }
      const extracted = yield* runScan([[RecordBatch.carrier("c", withHeaders)]])
      const expected = referenceStepFunctions(contextObject)!
      assert.deepStrictEqual(
        [Option.getOrThrow(extracted.context).traceId, Option.getOrThrow(extracted.context).parentId],
        [expected.traceId, expected.parentId]
      )
    }))

  it.effect("links are capped at 100 and the scan stops at the 101st distinct context, with a note", () =>
    Effect.gen(function*() {
      let read = 0
      const items = Array.from({ length: 5000 }, (_, i) => [carrier(1000 + i)])
      const extracted = yield* Effect.flatMap(
        Propagator,
        (propagator) =>
          extract(propagator, "sqs", items, (item) => {
            read++
            return item as ReadonlyArray<RecordBatch.Candidate>
          })
      ).pipe(Effect.provide(native))
      assert.strictEqual(extracted.links.length, 100)
      assert.strictEqual(read, 102, "parent + 100 links + the one that passed the cap")
      assert.include(extracted.notes, "more than 100 other contexts: kept the first 100 links")
    }))

  it.effect("duplicates do not count against the cap", () =>
    Effect.gen(function*() {
      const items = Array.from({ length: 3000 }, (_, i) => [carrier(1 + (i % 50))])
      const extracted = yield* runScan(items)
      assert.strictEqual(extracted.links.length, 49)
      assert.notInclude(extracted.notes.join(";"), "more than")
    }))

  it.effect("an extraction that waited on an asynchronous propagator runs again to the same result", () =>
    Effect.gen(function*() {
      const direct = NativePropagator.make()
      const propagator = Propagator.of({
        ...direct,
        extract: (carrier, source) => Effect.suspend(() => direct.extract(carrier, source))
      })
      const cases = [[Definitions.sqs, "sqs-batch-mixed.json"], [
        Definitions.http(),
        "authorizer-request-v1.json"
      ]] as const
      for (const [trigger, file] of cases) {
        const extractor = Driver.extractor(trigger, { propagator, readXRayHeader: XRay.envHeaderReader })
        const effect = extractor.extract(fixture(file), {})
        const first = yield* effect
        assert.isTrue(Option.isSome(first.context), file)
        assert.deepStrictEqual(yield* effect, first, file)
      }
    }))

  it.effect("a record limit and the total of a pre-bounded list are honoured", () =>
    Effect.gen(function*() {
      const items = Array.from({ length: 20 }, () => [])
      const limited = yield* runScan(items, { maxRecords: 5 })
      assert.deepStrictEqual(limited.notes, ["no carrier in 5 records", "scanned the first 5 of 20 records"])
      const bounded = yield* runScan(items, { total: 70 })
      assert.deepStrictEqual(bounded.notes, ["no carrier in 20 records", "scanned the first 20 of 70 records"])
    }))
})

describe("SQS body memo: each body is parsed at most once per invocation across the chain", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  const bodiesOf = (event: unknown) =>
    new Set((event as { Records: Array<{ body: string }> }).Records.map((record) => record.body))

  const parsesOfBodies = (event: unknown, run: () => void): number => {
    const bodies = bodiesOf(event)
    const parse = vi.spyOn(JSON, "parse")
    run()
    const count = parse.mock.calls.filter(([text]) => typeof text === "string" && bodies.has(text)).length
    parse.mockRestore()
    return count
  }

  const chain = Effect.runSync(
    Effect.map(ExtractorChain.ExtractorChain, (c) => c).pipe(
      Effect.provide(DefaultChain.layer),
      Effect.provide(native)
    )
  )

  const cases: ReadonlyArray<readonly [string, string, number]> = [
    // file, extractor that finds the context, body parses
    ["snssqs.json", "sns-sqs", 1],
    ["snssqs-batch.json", "sns-sqs", 3],
    ["eventbridge-sqs.json", "eventbridge-sqs", 1],
    ["eventbridge-sqs-batch.json", "eventbridge-sqs", 3],
    ["sqs.json", "sqs", 0],
    ["sqs-batch-mixed.json", "sqs", 0]
  ]
  for (const [file, extractor, parses] of cases) {
    it(`${file}: found by ${extractor}, ${parses} body parses, none on a second run of the same event`, () => {
      const event = fixture(file)
      let result: ExtractionResult.ExtractionResult | undefined
      assert.strictEqual(
        parsesOfBodies(event, () => (result = Effect.runSync(chain.extract(event, {})))),
        parses
      )
      assert.deepStrictEqual(Option.getOrThrow(ExtractionResult.extractor(result!)), extractor)
      assert.strictEqual(parsesOfBodies(event, () => Effect.runSync(chain.extract(event, {}))), 0)
    })
  }

  it("a body mentioning both TopicArn and detail-type is parsed once by SNS→SQS and reused by EventBridge→SQS", () => {
    const event = fixture("eventbridge-sqs.json") as { Records: Array<{ body: string }> }
    const body = JSON.parse(event.Records[0]!.body) as { detail: Record<string, unknown> }
    body.detail["TopicArn"] = "arn:aws:sns:us-east-1:425362996713:order-events"
    event.Records[0]!.body = JSON.stringify(body)
    let result: ExtractionResult.ExtractionResult | undefined
    assert.strictEqual(parsesOfBodies(event, () => (result = Effect.runSync(chain.extract(event, {})))), 1)
    assert.deepStrictEqual(Option.getOrThrow(ExtractionResult.extractor(result!)), "eventbridge-sqs")
  })

  it("a body changed between runs is parsed again (the memo is keyed by record and text)", () => {
    const event = fixture("snssqs.json") as { Records: Array<{ body: string }> }
    const first = Effect.runSync(chain.extract(event, {}))
    assert.strictEqual(Option.getOrThrow(first.context).traceId, "2776434475358637757")
    event.Records[0]!.body = (fixture("snssqs-binary.json") as typeof event).Records[0]!.body
    const second = Effect.runSync(chain.extract(event, {}))
    assert.strictEqual(Option.getOrThrow(second.context).traceId, "5953031553780290079")
  })
})

describe("the default chain on message triggers", () => {
  const expectations: ReadonlyArray<readonly [string, string | null, number]> = [
    ["sqs.json", "sqs", 0],
    ["sqs-sns-raw-delivery.json", "sqs", 0],
    ["sqs-batch-mixed.json", "sqs", 2],
    ["sqs-aws-trace-header.json", "sqs", 0],
    ["sqs-step-functions.json", "sqs", 0],
    ["sns.json", "sns", 0],
    ["sns-binary.json", "sns", 0],
    ["snssqs.json", "sns-sqs", 0],
    ["snssqs-batch.json", "sns-sqs", 1],
    ["eventbridge.json", "eventbridge", 0],
    ["eventbridge-lifted.json", "eventbridge", 0],
    ["eventbridge-step-functions.json", "eventbridge", 0],
    ["eventbridge-sqs.json", "eventbridge-sqs", 0],
    ["eventbridge-sqs-lifted.json", "eventbridge-sqs", 0],
    ["kinesis.json", "kinesis", 0],
    ["kinesis-batch.json", "kinesis", 1],
    ["kafka-msk.json", "kafka", 1],
    ["kafka-self-managed.json", "kafka", 0],
    ["sqs-no-trace.json", null, 0],
    ["eventbridge-scheduled.json", null, 0],
    ["kafka-no-trace.json", null, 0],
    // The Step Functions extractor, not EventBridge, owns a top-level context object.
    ["step-functions-lambda-root.json", "step-functions", 0]
  ]
  for (const [propagatorName, propagatorLayer] of propagators) {
    it.effect(`names the extractor and forwards the links (${propagatorName})`, () =>
      Effect.gen(function*() {
        const chain = yield* ExtractorChain.ExtractorChain
        for (const [file, extractor, links] of expectations) {
          const result = yield* chain.extract(fixture(file), {})
          assert.deepStrictEqual(Option.getOrNull(ExtractionResult.extractor(result)), extractor, file)
          assert.strictEqual(result.links.length, links, file)
        }
        // A failing SQS extractor (malformed carrier) is recorded and the chain goes on.
        const malformed = yield* chain.extract(fixture("sqs-malformed.json"), {})
        assert.isTrue(Option.isNone(malformed.context))
        const attempt = malformed.attempts.find((a) => a.extractor === "sqs")!
        assert.deepStrictEqual([attempt.outcome, attempt.reason], ["failed", "ExtractionError.MalformedCarrier"])
      }).pipe(Effect.provide(DefaultChain.layer), Effect.provide(propagatorLayer)))
  }

  it.effect("a batch without a Datadog context falls through to X-Ray (the spec's vector)", () =>
    Effect.gen(function*() {
      const chain = yield* ExtractorChain.ExtractorChain
      const result = yield* chain.extract(fixture("sqs-no-trace.json"), {})
      const context = Option.getOrThrow(result.context)
      assert.deepStrictEqual([context.source, context.traceId, context.parentId], [
        "xray",
        "3995693151288333088",
        "10713633173203262661"
      ])
    }).pipe(
      Effect.provide(DefaultChain.layer),
      Effect.provide(native),
      // The extractors read the X-Ray header from the provider in place when they are built.
      Effect.withConfigProvider(ConfigProvider.fromMap(
        new Map([["_X_AMZN_TRACE_ID", "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1"]])
      ))
    ))

  it.effect("plain SQS bodies never run SNS→SQS or EventBridge→SQS: their guards search the bodies first", () =>
    Effect.gen(function*() {
      const chain = yield* ExtractorChain.ExtractorChain
      const family = ["sns-sqs", "eventbridge-sqs", "sqs"]
      const attemptsOf = (result: ExtractionResult.ExtractionResult) =>
        result.attempts.filter((a) => family.includes(a.extractor)).map((a) => [a.extractor, a.outcome, a.detail])
      assert.deepStrictEqual(attemptsOf(yield* chain.extract(fixture("sqs.json"), {})), [
        ["sns-sqs", "none", undefined],
        ["eventbridge-sqs", "none", undefined],
        ["sqs", "found", "from record 0: messageAttributes._datadog"]
      ])
      assert.isFalse(Definitions.snsSqs.accepts!(fixture("sqs.json"), undefined))
      assert.isFalse(Definitions.eventBridgeSqs.accepts!(fixture("sqs.json"), undefined))
      // A notification body without a carrier runs SNS→SQS, which says why it found nothing.
      const bare = fixture("snssqs-batch.json") as { Records: Array<unknown> }
      assert.deepStrictEqual(attemptsOf(yield* chain.extract({ Records: [bare.Records[0]] }, {})), [
        ["sns-sqs", "none", "no carrier in 1 records"],
        ["eventbridge-sqs", "none", undefined],
        ["sqs", "none", "no carrier in 1 records"]
      ])
    }).pipe(Effect.provide(DefaultChain.layer), Effect.provide(native)))
})
