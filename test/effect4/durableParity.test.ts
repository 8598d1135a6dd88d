// The durable extractors of the Effect 4 line against the Effect 3 line's, on envelopes with later pages: the same
// fake `GetDurableExecutionState` pages are served to both default chains (each through its own `DurableState`),
// and both must give the same result and ask for the same pages, whatever the pages do (fail, hang past the budget,
// loop through markers, break the limits). The captured durable runs' envelopes are compared as well.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "fast-check"
import * as V4 from "../../src/effect4/index.js"
import * as V3 from "../../src/index.js"
import { checkpoint, envelope, execution, headers, step } from "../support/durable/events.js"
import { type FakeTransport, fakeTransport, type Page, withDates } from "../support/durable/pages.js"
import { readRuns, toWire } from "../support/durable/wire.js"
// The Effect 3 line runs on its own runtime: its effects are not Effect 4 values.
import * as Effect3 from "../support/effect3.js"

type Pages = Readonly<Record<string, Page | ((request: V3.DurableState.GetStateRequest) => Promise<unknown>)>>
type Limits = Partial<{
  readonly maxPages: number
  readonly maxOperations: number
  readonly pageTimeout: "50 millis"
  readonly budget: "30 millis" | "60 millis"
}>

/** How the state service is given: per invocation, as a layer (over the client or a `LambdaClient`), or not at all. */
type Via = "withClient" | "layer" | "lambda" | "none"

/** A `LambdaClient` sending `GetDurableExecutionStateCommand`s to the fake transport. */
const lambdaClient = (transport: FakeTransport) => ({
  send: (command: { readonly input: V3.DurableState.GetStateRequest }) => transport.getExecutionState(command.input)
})

const v3Runtime = Effect3.ManagedRuntime.make(V3.DefaultChain.layerNative)

const v3Result = async (event: unknown, pages: Pages, options: Options) => {
  const transport = fakeTransport(pages)
  const extract = V3.ExtractorChain.extract(event, options.lambdaContext ?? {})
  const state = options.via === "lambda"
    ? V3.DurableState.layerLambda({ client: lambdaClient(transport), limits: options.limits })
    : V3.DurableState.layerFromClient(transport, options.limits)
  const result = options.via === "layer" || options.via === "lambda"
    ? await Effect3.Effect.runPromise(Effect3.Effect.provide(
      extract,
      V3.DefaultChain.layer.pipe(Effect3.Layer.provide(Effect3.Layer.merge(V3.NativePropagator.layer(), state)))
    ))
    : await v3Runtime.runPromise(
      options.via === "none" ? extract : extract.pipe(V3.DurableState.withClient(transport, options.limits))
    )
  return { result: V3.ExtractionResult.encode(result), markers: transport.requests.map((r) => r.Marker) }
}

const v4Result = async (event: unknown, pages: Pages, options: Options) => {
  const transport = fakeTransport(pages)
  const extract = V4.ExtractorChain.extract(event, options.lambdaContext ?? {})
  const state = options.via === "lambda"
    ? V4.DurableState.layerLambda({ client: lambdaClient(transport), limits: options.limits })
    : V4.DurableState.layerFromClient(transport, options.limits)
  const result = await Effect.runPromise(
    options.via === "layer" || options.via === "lambda"
      ? Effect.provide(
        extract,
        V4.DefaultChain.layer.pipe(Layer.provide(Layer.merge(V4.NativePropagator.layer(), state)))
      )
      : Effect.provide(
        options.via === "none" ? extract : extract.pipe(V4.DurableState.withClient(transport, options.limits)),
        V4.DefaultChain.layerNative
      )
  )
  return { result: V4.ExtractionResult.encode(result), markers: transport.requests.map((r) => r.Marker) }
}

interface Options {
  readonly via?: Via
  readonly limits?: Limits
  readonly lambdaContext?: unknown
}

/** Runs both lines on the same event and pages; they must agree. The durable attempts' details, for a case's checks. */
const agree = async (event: unknown, pages: Pages, options: Options = {}) => {
  const [v3, v4] = [await v3Result(event, pages, options), await v4Result(event, pages, options)]
  assert.deepStrictEqual(v4, v3)
  return v3.result.attempts.filter((a) => a.extractor.startsWith("durable")).map((a) => a.detail ?? "").join(" | ")
}

const good = (traceId: string) => headers(traceId, "2", { "x-datadog-sampling-priority": "1" })
const firstPage = envelope([execution(), checkpoint(0, good("10"))], { NextMarker: "page-2" })
const emptyFirstPage = envelope([], { NextMarker: "page-2" })
const never = () => new Promise<unknown>(() => {})

describe("Effect 4 line: durable paging parity with the Effect 3 line", () => {
  it("pages through to the newest checkpoint, per invocation and as a layer; without a service, the first page", async () => {
    const pages: Pages = {
      "page-2": { Operations: [step("a"), checkpoint(2, good("30"))].map(withDates), NextMarker: "page-3" },
      "page-3": { Operations: [checkpoint(1, good("20")), step("b")], NextMarker: "" }
    }
    for (const via of ["withClient", "layer", "lambda"] as const) {
      assert.include(await agree(firstPage, pages, { via }), "read 2 later page(s); used _datadog_2")
    }
    assert.include(await agree(firstPage, pages, { via: "none" }), "later pages not read (no DurableState service)")
  })

  it("a page read that fails, and malformed responses", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", code: "Throttling" })
    const failing: Pages = {
      "page-2": { Operations: [checkpoint(1, good("20"))], NextMarker: "page-3" },
      "page-3": async () => {
        throw throttled
      }
    }
    assert.include(
      await agree(firstPage, failing),
      "reading page 3 failed (RequestFailed: ThrottlingException, code Throttling)"
    )
    for (const thrown of ["a string", { message: "an object" }, null]) {
      const detail = await agree(firstPage, {
        "page-2": async () => {
          throw thrown
        }
      })
      assert.include(detail, "reading page 2 failed (RequestFailed: ")
    }
    for (
      const response of [
        "nope",
        { Operations: 7 },
        { Operations: [], NextMarker: 5 },
        { Operations: [7, checkpoint(4, good("40"))] },
        { Operations: [{ ...checkpoint(5, good("50")), Payload: 42 }, { ...checkpoint(4, good("40")), Status: 1 }] }
      ]
    ) {
      await agree(firstPage, { "page-2": async () => response })
      await agree(emptyFirstPage, { "page-2": async () => response })
    }
  })

  it("NextMarker loops, and the limits on pages and operations", async () => {
    const loop: Pages = { "page-2": { Operations: [step("x")], NextMarker: "page-2" } }
    assert.include(await agree(firstPage, loop), "page 3 repeated an earlier NextMarker: paging stopped")
    const cycle: Pages = {
      "page-2": { Operations: [checkpoint(1, good("20"))], NextMarker: "page-3" },
      "page-3": { Operations: [step("y")], NextMarker: "page-2" }
    }
    assert.include(await agree(emptyFirstPage, cycle), "page 4 repeated an earlier NextMarker: paging stopped")
    const endless: Pages = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`page-${i + 2}`, { Operations: [step("x")], NextMarker: `page-${i + 3}` }])
    )
    assert.include(
      await agree(firstPage, endless, { limits: { maxPages: 3 } }),
      "stopped after 3 pages (limit): later pages not read"
    )
    const big: Pages = { "page-2": { Operations: Array.from({ length: 50 }, () => step("x")), NextMarker: "" } }
    assert.include(
      await agree(firstPage, big, { limits: { maxOperations: 10 } }),
      "stopped at 0 operations from later pages (limit 10)"
    )
  })

  it("the paging budget runs out (a page that never answers), whole or cut to a share of the remaining time", async () => {
    const hanging: Pages = {
      "page-2": { Operations: [checkpoint(1, good("20"))], NextMarker: "page-3" },
      "page-3": never
    }
    assert.include(
      await agree(firstPage, hanging, { limits: { budget: "60 millis" } }),
      "later pages timed out: the paging budget (60ms) ran out reading page 3"
    )
    assert.include(
      await agree(emptyFirstPage, { "page-2": never }, { lambdaContext: { getRemainingTimeInMillis: () => 200 } }),
      "the paging budget (50ms, a quarter of the 200ms remaining) ran out reading page 2"
    )
    assert.include(
      await agree(firstPage, { "page-2": never }, { limits: { pageTimeout: "50 millis" } }),
      "reading page 2 failed (Timeout: no response within 50ms)"
    )
  })

  it("the input extractor finds the EXECUTION operation on a later page; no CheckpointToken reads none", async () => {
    const pages: Pages = {
      "page-2": { Operations: [step("a")], NextMarker: "page-3" },
      "page-3": { Operations: [execution({ _datadog: good("80") })], NextMarker: "page-4" },
      "page-4": { Operations: [step("b")], NextMarker: "" }
    }
    assert.include(await agree(emptyFirstPage, pages), "read 3 later page(s); from _datadog")
    const noToken = envelope([execution(), checkpoint(0, good("10"))], { NextMarker: "page-2", CheckpointToken: 7 })
    assert.include(await agree(noToken, pages), "NextMarker set but the envelope has no CheckpointToken")
  })

  it("agrees on arbitrary later pages", async () => {
    const operation = fc.oneof(
      fc.constantFrom(step("a"), execution({ _datadog: good("90") }), execution({ userId: "u" })),
      fc.nat({ max: 5 }).map((n) => checkpoint(n, good(String(100 + n)))),
      fc.jsonValue()
    )
    const page = fc.record({
      Operations: fc.oneof(fc.array(operation, { maxLength: 4 }), fc.jsonValue()),
      NextMarker: fc.oneof(fc.constantFrom("page-2", "page-3", "page-4", "", undefined), fc.jsonValue())
    }, { requiredKeys: [] })
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("page-2", "page-3", "page-4"), page),
        async (first, pages) => {
          await agree(envelope(first, { NextMarker: "page-2" }), pages as Pages)
        }
      ),
      { numRuns: 100 }
    )
  })

  it("agrees on the captured durable runs' envelopes, in the runner's and the wire form", async () => {
    let checked = 0
    for (const run of [...readRuns("local-runner.json"), ...readRuns("ddtrace-writer.json")]) {
      for (const [i, invocation] of run.invocations.entries()) {
        await agree(invocation.envelope, {})
        await agree(toWire(invocation.envelope, { functionName: "f", executionName: `${run.scenario}-${i}` }), {})
        checked++
      }
    }
    assert.isAbove(checked, 10)
  })
})
