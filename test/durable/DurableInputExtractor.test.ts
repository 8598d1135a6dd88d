import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { vi } from "vitest"
import { ExtractionError } from "../../src/domain/Errors.js"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as DurableInputExtractor from "../../src/internal/extractors/durableInput.js"
import * as BuiltinLayers from "../../src/internal/extractors/layers.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { HttpExtractor } from "../../src/services/Extractors.js"
import { SnsExtractor } from "../../src/services/Extractors.js"
import { SqsExtractor } from "../../src/services/Extractors.js"
import * as Extractors from "../../src/services/Extractors.js"
import type { Propagator } from "../../src/services/Propagator.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import { envelope, execution, EXECUTION_ID, headers, runNative, step } from "../support/durable/events.js"

const attempt = (result: ExtractionResult) => result.attempts.find((a) => a.extractor === "durable-input")

const traceOf = (result: ExtractionResult) =>
  Option.match(result.context, { onNone: () => undefined, onSome: (c) => [c.source, c.traceId, c.parentId] })

const sqsEvent = {
  Records: [{
    messageId: "m-1",
    eventSource: "aws:sqs",
    body: "{}",
    messageAttributes: { _datadog: { dataType: "String", stringValue: "{}" } }
  }]
}

/** The input extractor alone, over the given trigger extractor layers (the real ones are someone else's). */
const inputOnly = (triggers: Layer.Layer<never> | Layer.Layer<any, never, Propagator> = Layer.empty) =>
  ExtractorChain.layerFromServices([Extractors.DurableInputExtractor]).pipe(
    Layer.provide(DurableInputExtractor.layer),
    Layer.provide(triggers),
    Layer.provide(NativePropagator.layer())
  )

const runInput = (event: unknown, triggers?: Layer.Layer<any, never, Propagator>, lambdaContext: unknown = {}) =>
  ExtractorChain.extract(event, lambdaContext).pipe(Effect.provide(inputOnly(triggers)))

describe("DurableInputExtractor", () => {
  it.effect("a top-level _datadog carrier in the original event", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution({ orderId: "o-1", _datadog: headers("77", "88", { "x-datadog-sampling-priority": "2" }) })
      ]))
      assert.deepStrictEqual(traceOf(result), ["durable-input", "77", "88"])
      assert.deepStrictEqual(Option.getOrThrow(result.context).samplingPriority, Option.some(2))
      assert.deepStrictEqual(attempt(result), { extractor: "durable-input", outcome: "found", detail: "from _datadog" })
    }))

  it.effect("a top-level headers carrier (any case, as API Gateway sends it)", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution({ headers: { "X-Datadog-Trace-Id": "5", "X-Datadog-Parent-Id": "6", Host: "example.com" } })
      ]))
      assert.deepStrictEqual(traceOf(result), ["durable-input", "5", "6"])
      assert.strictEqual(attempt(result)?.detail, "from headers")
    }))

  it.effect("an incomplete _datadog falls through to headers, and the notes say so", () =>
    Effect.gen(function*() {
      const result = yield* runNative(envelope([
        execution({ _datadog: { "x-datadog-trace-id": "1" }, headers: headers("5", "6") })
      ]))
      assert.deepStrictEqual(traceOf(result), ["durable-input", "5", "6"])
      assert.strictEqual(attempt(result)?.detail, "_datadog holds no complete context; from headers")
    }))

  it.effect("runs the trigger section on the original event (a fake SQS extractor proves it)", () =>
    Effect.gen(function*() {
      const seen: Array<readonly [unknown, unknown]> = []
      const fakeSqs = Layer.succeed(
        SqsExtractor,
        TraceExtractor.make({
          name: "sqs",
          extract: (event, lambdaContext) =>
            Effect.sync(() => {
              seen.push([event, lambdaContext])
              const link = TraceContext.make({ traceId: "300", parentId: "301", source: "sqs" })
              return TraceExtractor.found(TraceContext.make({ traceId: "100", parentId: "101", source: "sqs" }), {
                links: [link]
              })
            }),
          accepts: (event) => typeof event === "object" && event !== null && "Records" in event
        })
      )
      const lambdaContext = { awsRequestId: "req-1" }
      const result = yield* runInput(envelope([execution(sqsEvent), step("s")]), fakeSqs, lambdaContext)
      assert.deepStrictEqual(seen, [[sqsEvent, lambdaContext]])
      assert.deepStrictEqual(traceOf(result), ["durable-input", "100", "101"])
      assert.deepStrictEqual(result.links.map((l) => l.traceId), ["300"])
      assert.strictEqual(attempt(result)?.detail, "from the sqs trigger shape")
    }))

  it.effect("an input that names no carrier is not parsed; a trigger extractor without a textGuard parses it", () =>
    Effect.gen(function*() {
      const plain = envelope([execution({ orderId: "o-1", items: 3 })])
      const parse = vi.spyOn(JSON, "parse")
      try {
        const screened = yield* ExtractorChain.extract(plain, {}).pipe(
          Effect.provide(inputOnly(BuiltinLayers.layerTriggers))
        )
        assert.strictEqual(attempt(screened)?.detail, "no trace carrier in the original event (not parsed)")
        assert.strictEqual(parse.mock.calls.length, 0)
        // A fake (an app's own extractor) declares nothing about the text: the payload is parsed and run through it.
        const fakeSqs = Layer.succeed(
          SqsExtractor,
          TraceExtractor.make({
            name: "sqs",
            extract: () =>
              Effect.succeed(
                TraceExtractor.found(TraceContext.make({ traceId: "100", parentId: "101", source: "sqs" }))
              )
          })
        )
        const found = yield* runInput(plain, Layer.merge(BuiltinLayers.layerTriggers, fakeSqs))
        assert.deepStrictEqual(traceOf(found), ["durable-input", "100", "101"])
        assert.strictEqual(parse.mock.calls.length, 1)
      } finally {
        parse.mockRestore()
      }
    }))

  it.effect("trigger extractors run in chain order; failures and defects are noted, not fatal", () =>
    Effect.gen(function*() {
      const triggers = Layer.mergeAll(
        Layer.succeed(
          HttpExtractor,
          TraceExtractor.make({
            name: "http",
            extract: () =>
              Effect.fail(new ExtractionError({ extractor: "http", reason: "MalformedCarrier", detail: "bad" }))
          })
        ),
        Layer.succeed(SnsExtractor, TraceExtractor.make({ name: "sns", extract: () => Effect.die("bug") })),
        Layer.succeed(
          SqsExtractor,
          TraceExtractor.make({ name: "sqs", extract: () => Effect.succeed(TraceExtractor.none) })
        )
      )
      const result = yield* runInput(envelope([execution(sqsEvent)]), triggers)
      assert.deepStrictEqual(attempt(result), {
        extractor: "durable-input",
        outcome: "none",
        detail: "http ExtractionError.MalformedCarrier, sns Defect"
      })
    }))

  it.effect("finds the EXECUTION operation by Type, not position; else by the ARN's execution id", () =>
    Effect.gen(function*() {
      const late = yield* runNative(envelope([step("a"), step("b"), execution({ _datadog: headers("9", "9") })]))
      assert.deepStrictEqual(traceOf(late), ["durable-input", "9", "9"])
      const { Type: _, ...untyped } = execution({ _datadog: headers("8", "8") })
      const byId = yield* runNative(envelope([step("a"), untyped]))
      assert.deepStrictEqual(traceOf(byId), ["durable-input", "8", "8"])
      assert.strictEqual(untyped.Id, EXECUTION_ID)
    }))

  it.effect("nothing to read → none with the reason", () =>
    Effect.gen(function*() {
      const { ExecutionDetails: _, ...noPayload } = execution()
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [envelope([step("a")]), "no EXECUTION operation"],
        [envelope([]), "no EXECUTION operation"],
        [envelope([noPayload]), "no InputPayload"],
        [envelope([execution("\"_datadog\"")]), "the original event is not an object"],
        [envelope([execution("[{\"headers\":{}}]")]), "the original event is not an object"],
        [envelope([execution({ userId: "u" })]), "no trace carrier in the original event (not parsed)"],
        [envelope([execution("{not json")]), "no trace carrier in the original event (not parsed)"],
        [envelope([execution({ userId: "u", note: "datadog" })]), "no trigger shape matched"],
        [
          envelope([execution({ headers: { host: "x" } })]),
          "headers holds no complete context; no trigger shape matched"
        ]
      ]
      for (const [event, detail] of cases) {
        const result = yield* runInput(event)
        assert.deepStrictEqual(attempt(result), { extractor: "durable-input", outcome: "none", detail })
      }
    }))

  it.effect("a broken EXECUTION operation or InputPayload is a typed failure", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [unknown, string, string]> = [
        [envelope([execution("{\"_datadog\": not json")]), "MalformedEvent", "InputPayload is not valid JSON"],
        [
          envelope([{ ...execution(), ExecutionDetails: "noon" }]),
          "MalformedEvent",
          "malformed EXECUTION operation (ExecutionDetails: expected an object)"
        ],
        [
          envelope([{ ...execution(), ExecutionDetails: { InputPayload: { a: 1 } } }]),
          "MalformedEvent",
          "malformed EXECUTION operation (ExecutionDetails.InputPayload: expected a string)"
        ],
        [
          envelope([execution(" ".repeat(DurableInputExtractor.maxInputPayloadLength + 1))]),
          "LimitExceeded",
          `InputPayload longer than ${DurableInputExtractor.maxInputPayloadLength} characters`
        ],
        [envelope([execution(), 7]), "MalformedEvent", "Operations[1] is not an object"]
      ]
      for (const [event, reason, detail] of cases) {
        const result = yield* runInput(event)
        assert.deepStrictEqual(attempt(result), {
          extractor: "durable-input",
          outcome: "failed",
          reason: `ExtractionError.${reason}`,
          detail
        })
      }
    }))

  it.effect("is not consulted for non-durable events, even ones with _datadog", () =>
    Effect.gen(function*() {
      const result = yield* runInput({ _datadog: headers("1", "2"), headers: headers("1", "2") })
      assert.deepStrictEqual(attempt(result), { extractor: "durable-input", outcome: "none" })
    }))
})
