// DdTraceTracer in a process where dd-trace is loaded but never initialised (this file's worker never calls
// init()): the typed error, and an app that keeps running on the tracer it had before.
import { assert, describe, it } from "@effect/vitest"
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as DdTraceSpans from "../../src/internal/ddTrace/tracer.js"
import * as SpanContext from "../../src/internal/tracing/spanContext.js"
import * as DdTraceTracer from "../../src/layers/DdTraceTracer.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import * as LambdaTracing from "../../src/wrappers/LambdaTracing.js"
import * as Tracing from "../../src/wrappers/Tracing.js"

const upstream = TraceContext.make({ traceId: "42", parentId: "43", samplingPriority: 2, source: "custom" })

const chain = ExtractorChain.make([
  TraceExtractor.make({ name: "custom", extract: () => Effect.succeed(TraceExtractor.found(upstream)) })
])

describe("DdTraceTracer before dd-trace is initialised", () => {
  it.effect("resolveGlobal fails with TracerUnavailable (NotInitialised)", () =>
    Effect.gen(function*() {
      assert.isDefined(tracer)
      const error = yield* Effect.flip(DdTraceTracer.resolveGlobal)
      assert.strictEqual(error._tag, "TracerUnavailable")
      assert.strictEqual(error.reason, "NotInitialised")
      assert.include(error.message, "init()")
    }))

  it.effect("layerGlobal builds, says why at debug level, and the handler runs on Effect's own spans", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const logger = Logger.make(({ cause, message }) => {
        logs.push(`${String(message)} ${cause._tag === "Empty" ? "" : String(cause)}`)
      })
      const handler = LambdaTracing.withExtraction(
        () => Effect.zip(Effect.currentSpan, Tracing.currentSpanContext).pipe(Effect.withSpan("work")),
        { spanName: "aws.lambda" }
      )
      const [span, injected] = yield* handler({}, {}).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain),
        Effect.provide(DdTraceTracer.layerGlobal),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      assert.strictEqual(span.traceId, upstream.w3cTraceId)
      assert.isFalse(SpanContext.SpanContextSourceTypeId in span)
      assert.deepStrictEqual(Option.map(injected, (context) => context.traceId), Option.some("42"))
      assert.isUndefined(DdTraceSpans.activeSpan())
      assert.isTrue(
        logs.some((line) => line.includes("DdTraceTracer") && line.includes("NotInitialised")),
        logs.join("\n")
      )
    }))
})
