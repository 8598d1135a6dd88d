import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as DurableCheckpointExtractor from "../../src/internal/extractors/durableCheckpoint.js"
import * as DurableInputExtractor from "../../src/internal/extractors/durableInput.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as DurableState from "../../src/services/DurableState.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as Extractors from "../../src/services/Extractors.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import { checkpoint, durableChain, envelope, execution, headers, step } from "../support/durable/events.js"
import { fakeTransport, withDates } from "../support/durable/pages.js"

const good = (traceId: string) => headers(traceId, "2", { "x-datadog-sampling-priority": "1" })

const chainWith = (state?: Layer.Layer<DurableState.DurableState>) =>
  (state === undefined ? durableChain : durableChain.pipe(Layer.provide(state))).pipe(
    Layer.provide(NativePropagator.layer())
  )

const run = (event: unknown, state?: Layer.Layer<DurableState.DurableState>) =>
  ExtractorChain.extract(event, {}).pipe(Effect.provide(chainWith(state)))

const found = (result: ExtractionResult) =>
  Option.match(result.context, { onNone: () => undefined, onSome: (c) => [c.source, c.traceId] })

const detailOf = (result: ExtractionResult, extractor = "durable-checkpoint") =>
  result.attempts.find((a) => a.extractor === extractor)?.detail

const firstPage = envelope([execution(), checkpoint(0, good("10"))], { NextMarker: "page-2" })

const threePages = () =>
  fakeTransport({
    "page-2": { Operations: [step("a"), checkpoint(2, good("30"))].map(withDates), NextMarker: "page-3" },
    "page-3": { Operations: [checkpoint(1, good("20")), step("b")], NextMarker: "" }
  })

describe("DurableState paging", () => {
  it.effect("pages through to the newest checkpoint, whatever page it is on", () =>
    Effect.gen(function*() {
      const transport = threePages()
      const result = yield* run(firstPage, DurableState.layerFromClient(transport))
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "30"])
      assert.strictEqual(detailOf(result), "read 2 later page(s); used _datadog_2")
      assert.deepStrictEqual(transport.requests, [
        {
          DurableExecutionArn: firstPage.DurableExecutionArn as string,
          CheckpointToken: "dG9rZW4tMQ==",
          Marker: "page-2",
          MaxItems: 1000
        },
        {
          DurableExecutionArn: firstPage.DurableExecutionArn as string,
          CheckpointToken: "dG9rZW4tMQ==",
          Marker: "page-3",
          MaxItems: 1000
        }
      ])
    }))

  it.effect("without the service: the first page only, said in the attempts", () =>
    Effect.gen(function*() {
      const result = yield* run(firstPage)
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "10"])
      assert.strictEqual(
        detailOf(result),
        "NextMarker set: later pages not read (no DurableState service); used _datadog_0"
      )
    }))

  it.effect("a failing page keeps what was read before it; the error is noted by name and code, never fatal", () =>
    Effect.gen(function*() {
      // An SDK error's message can quote the request (its token); only its name and code are noted.
      const throttled = Object.assign(new Error("Rate exceeded for CheckpointToken=c2VjcmV0LXRva2Vu"), {
        name: "ThrottlingException",
        code: "Throttling"
      })
      const transport = fakeTransport({
        "page-2": { Operations: [checkpoint(1, good("20"))], NextMarker: "page-3" },
        "page-3": async () => {
          throw throttled
        }
      })
      const result = yield* run(firstPage, DurableState.layerFromClient(transport))
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "20"])
      assert.strictEqual(
        detailOf(result),
        "read 1 later page(s); reading page 3 failed (RequestFailed: ThrottlingException, code Throttling); " +
          "used _datadog_1"
      )
      for (const thrown of ["c2VjcmV0LXRva2Vu", { message: "c2VjcmV0LXRva2Vu" }]) {
        const other = fakeTransport({
          "page-2": async () => {
            throw thrown
          }
        })
        const detail = detailOf(yield* run(firstPage, DurableState.layerFromClient(other)))
        assert.include(detail, "reading page 2 failed (RequestFailed: ")
        assert.notInclude(detail, "c2VjcmV0LXRva2Vu")
      }
    }))

  it.effect("malformed responses stop paging with a note", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [() => Promise<unknown>, string]> = [
        [async () => "nope", "reading page 2 failed (MalformedResponse: the response is not an object)"],
        [async () => ({ Operations: 7 }), "page 2 unusable: Operations is a number, expected a list or a map"],
        [async () => ({ Operations: [], NextMarker: 5 }), "page 2 NextMarker ignored: it is a number"]
      ]
      for (const [response, note] of cases) {
        const result = yield* run(firstPage, DurableState.layerFromClient(fakeTransport({ "page-2": response })))
        assert.deepStrictEqual(found(result), ["durable-checkpoint", "10"])
        assert.include(detailOf(result), note)
      }
    }))

  it.effect("bounded: max pages, repeated markers, max operations", () =>
    Effect.gen(function*() {
      let n = 2
      const endless = DurableState.layerFromClient(
        { getExecutionState: async () => ({ Operations: [step("x")], NextMarker: `page-${++n}` }) },
        { maxPages: 3 }
      )
      assert.include(detailOf(yield* run(firstPage, endless)), "stopped after 3 pages (limit): later pages not read")

      const loop = DurableState.layerFromClient(fakeTransport({ "page-2": { Operations: [], NextMarker: "page-2" } }))
      assert.include(detailOf(yield* run(firstPage, loop)), "page 3 repeated an earlier NextMarker: paging stopped")

      const big = DurableState.layerFromClient(
        fakeTransport({ "page-2": { Operations: Array.from({ length: 50 }, () => step("x")), NextMarker: "" } }),
        { maxOperations: 10 }
      )
      assert.include(detailOf(yield* run(firstPage, big)), "stopped at 0 operations from later pages (limit 10)")
    }))

  it.live("a page that never answers times out", () =>
    Effect.gen(function*() {
      const hang = DurableState.layerFromClient(
        { getExecutionState: () => new Promise(() => {}) },
        { pageTimeout: "50 millis" }
      )
      const result = yield* run(firstPage, hang)
      assert.include(detailOf(result), "reading page 2 failed (Timeout: no response within 50ms)")
    }))

  it.effect("no CheckpointToken: pages cannot be requested", () =>
    Effect.gen(function*() {
      const transport = threePages()
      const event = envelope([execution(), checkpoint(0, good("10"))], {
        NextMarker: "page-2",
        CheckpointToken: undefined
      })
      const result = yield* run(event, DurableState.layerFromClient(transport))
      assert.include(detailOf(result), "NextMarker set but the envelope has no CheckpointToken: later pages not read")
      assert.strictEqual(transport.requests.length, 0)
    }))

  it.effect("a per-invocation client (withClient) wins over the layer, and needs no layer", () =>
    Effect.gen(function*() {
      const perInvocation = threePages()
      const layerTransport = threePages()
      const result = yield* ExtractorChain.extract(firstPage, {}).pipe(
        DurableState.withClient(perInvocation),
        Effect.provide(chainWith(DurableState.layerFromClient(layerTransport)))
      )
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "30"])
      assert.strictEqual(perInvocation.requests.length, 2)
      assert.strictEqual(layerTransport.requests.length, 0)

      const noLayer = threePages()
      const alone = yield* ExtractorChain.extract(firstPage, {}).pipe(
        DurableState.withClient(noLayer),
        Effect.provide(chainWith())
      )
      assert.deepStrictEqual(found(alone), ["durable-checkpoint", "30"])
    }))

  it.effect("the input extractor pages only until it finds the EXECUTION operation (empty first page)", () =>
    Effect.gen(function*() {
      const transport = fakeTransport({
        "page-2": { Operations: [execution({ _datadog: good("70") })], NextMarker: "page-3" },
        "page-3": { Operations: [step("a")], NextMarker: "" }
      })
      const event = envelope([], { NextMarker: "page-2" })
      const result = yield* ExtractorChain.extract(event, {}).pipe(
        DurableState.withClient(transport),
        Effect.provide(chainWith())
      )
      // The checkpoint extractor read both pages; the input extractor found the EXECUTION operation on what was read.
      assert.deepStrictEqual(found(result), ["durable-input", "70"])
      assert.deepStrictEqual(transport.requests.map((r) => r.Marker), ["page-2", "page-3"])
      assert.strictEqual(detailOf(result, "durable-input"), "read 2 later page(s); from _datadog")
    }))

  it.effect("each page is requested once per invocation, whichever durable extractor needs it first", () =>
    Effect.gen(function*() {
      const pages = (input: unknown) =>
        fakeTransport({
          "page-2": { Operations: [step("a")], NextMarker: "page-3" },
          "page-3": { Operations: [execution(input)], NextMarker: "page-4" },
          "page-4": { Operations: [step("b")], NextMarker: "" }
        })
      const event = envelope([], { NextMarker: "page-2" })
      // Checkpoint extractor first (it reads every page), then the input extractor (it needs page 3).
      const transport = pages({ _datadog: good("80") })
      const result = yield* ExtractorChain.extract(event, {}).pipe(
        DurableState.withClient(transport),
        Effect.provide(chainWith())
      )
      assert.deepStrictEqual(found(result), ["durable-input", "80"])
      assert.deepStrictEqual(transport.requests.map((r) => r.Marker), ["page-2", "page-3", "page-4"])
      // The input extractor first (it stops at page 3), then the checkpoint extractor (it goes on from page 4).
      const reversed = ExtractorChain.layerFromServices([
        Extractors.DurableInputExtractor,
        Extractors.DurableCheckpointExtractor
      ]).pipe(
        Layer.provide(Layer.mergeAll(DurableCheckpointExtractor.layer, DurableInputExtractor.layer)),
        Layer.provide(NativePropagator.layer())
      )
      const noCarrier = pages({ userId: "u-1" })
      const none = yield* ExtractorChain.extract(event, {}).pipe(
        DurableState.withClient(noCarrier),
        Effect.provide(reversed)
      )
      assert.isUndefined(found(none))
      assert.deepStrictEqual(noCarrier.requests.map((r) => r.Marker), ["page-2", "page-3", "page-4"])
      // A second invocation reads again: nothing is kept between invocations.
      yield* ExtractorChain.extract(event, {}).pipe(DurableState.withClient(transport), Effect.provide(chainWith()))
      assert.deepStrictEqual(transport.requests.map((r) => r.Marker), [
        "page-2",
        "page-3",
        "page-4",
        "page-2",
        "page-3",
        "page-4"
      ])
    }))

  it.effect("an invocation wrongly reused for another envelope never gives it the first one's pages", () =>
    Effect.gen(function*() {
      const transport = fakeTransport({
        "page-a": { Operations: [checkpoint(0, good("81"))], NextMarker: "" },
        "page-b": { Operations: [checkpoint(0, good("82"))], NextMarker: "" }
      })
      const invocation = new TraceExtractor.Invocation()
      const run = (marker: string) => ExtractorChain.extract(envelope([], { NextMarker: marker }), {}, invocation)
      // One chain and one DurableState service for both runs, as in a Lambda process.
      const [first, second] = yield* Effect.all([run("page-a"), run("page-b")]).pipe(
        Effect.provide(chainWith(DurableState.layerFromClient(transport)))
      )
      assert.deepStrictEqual(found(first), ["durable-checkpoint", "81"])
      assert.deepStrictEqual(found(second), ["durable-checkpoint", "82"])
      assert.deepStrictEqual(transport.requests.map((r) => r.Marker), ["page-a", "page-b"])
    }))

  it.live("a paging budget per invocation: past it, the chain goes on with what it has and says pages timed out", () =>
    Effect.gen(function*() {
      const transport = fakeTransport({
        "page-2": { Operations: [checkpoint(1, good("20"))], NextMarker: "page-3" },
        "page-3": () => new Promise(() => {})
      })
      const result = yield* ExtractorChain.extract(firstPage, {}).pipe(
        DurableState.withClient(transport, { budget: "60 millis" }),
        Effect.provide(chainWith())
      )
      // What was read before the budget ran out is used; page 3 is not asked for again by the input extractor.
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "20"])
      assert.include(detailOf(result), "later pages timed out: the paging budget (60ms) ran out reading page 3")
      assert.deepStrictEqual(transport.requests.map((r) => r.Marker), ["page-2", "page-3"])
    }))

  it.live("the budget is never more than a quarter of the invocation's remaining time", () =>
    Effect.gen(function*() {
      const hang = fakeTransport({ "page-2": () => new Promise(() => {}) })
      // An empty first page: both durable extractors need page 2.
      const event = envelope([], { NextMarker: "page-2" })
      const lambdaContext = { getRemainingTimeInMillis: () => 200 }
      const result = yield* ExtractorChain.extract(event, lambdaContext).pipe(
        DurableState.withClient(hang),
        Effect.provide(chainWith())
      )
      assert.isUndefined(found(result))
      for (const extractor of ["durable-checkpoint", "durable-input"]) {
        assert.include(
          detailOf(result, extractor),
          "later pages timed out: the paging budget (50ms, a quarter of the 200ms remaining) ran out reading page 2"
        )
      }
      assert.strictEqual(hang.requests.length, 1)
      // A context whose clock reads nothing usable leaves the configured budget.
      for (
        const broken of [{ getRemainingTimeInMillis: () => Number.NaN }, { getRemainingTimeInMillis: 5 }, {
          getRemainingTimeInMillis: () => {
            throw new Error("no clock")
          }
        }]
      ) {
        const again = fakeTransport({ "page-2": () => new Promise(() => {}) })
        const outcome = yield* ExtractorChain.extract(event, broken).pipe(
          DurableState.withClient(again, { budget: "30 millis" }),
          Effect.provide(chainWith())
        )
        assert.include(detailOf(outcome), "the paging budget (30ms) ran out reading page 2")
      }
    }))

  it.effect("layerLambda sends GetDurableExecutionStateCommand through the given client", () =>
    Effect.gen(function*() {
      const sent: Array<{ readonly name: string; readonly input: unknown }> = []
      const client = {
        send: async (command: { constructor: { name: string }; input: unknown }) => {
          sent.push({ name: command.constructor.name, input: command.input })
          return { Operations: [checkpoint(3, good("40"))], NextMarker: undefined }
        }
      }
      const result = yield* run(firstPage, DurableState.layerLambda({ client }))
      assert.deepStrictEqual(found(result), ["durable-checkpoint", "40"])
      assert.deepStrictEqual(sent, [{
        name: "GetDurableExecutionStateCommand",
        input: {
          DurableExecutionArn: firstPage.DurableExecutionArn,
          CheckpointToken: "dG9rZW4tMQ==",
          Marker: "page-2",
          MaxItems: 1000
        }
      }])
    }))
})
