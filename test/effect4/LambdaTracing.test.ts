// The Effect 4 line's LambdaTracing.withExtraction on Effect's own tracer: the same behaviours as
// test/tracing/LambdaTracing.test.ts (the handler's spans under the extracted context, the invocation span with the
// batch links, the serverless view and its settings read through Config).
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import { vi } from "vitest"
import {
  CurrentExtraction,
  DefaultChain,
  ExtractorChain,
  LambdaTracing,
  TraceContext,
  TraceExtractor
} from "../../src/effect4/index.js"
import { example, fixture } from "../support/fixtures.js"
import { runtimeContext } from "../support/lambdaContext.js"

const upstream = TraceContext.make({ traceId: "42", parentId: "43", samplingPriority: 1, source: "custom" })

const chain = ExtractorChain.make([
  TraceExtractor.make({
    name: "custom",
    extract: (event) =>
      Effect.succeed(
        (event as { readonly traced: boolean }).traced ? TraceExtractor.found(upstream) : TraceExtractor.none
      )
  })
])

const handler = (_event: { readonly traced: boolean }, _context: { readonly awsRequestId: string }) =>
  Effect.zip(Effect.withSpan(Effect.currentSpan, "handler-work"), CurrentExtraction.context)

const parent = (span: Tracer.AnySpan): Tracer.AnySpan => {
  assert.strictEqual(span._tag, "Span")
  return Option.getOrThrow((span as Tracer.Span).parent)
}

const provider = (values: Record<string, string>) => ConfigProvider.fromUnknown(values)

describe("LambdaTracing.withExtraction (Effect 4)", () => {
  it.effect("parents the handler's spans on the extracted context", () =>
    Effect.gen(function*() {
      const [span, seen] = yield* LambdaTracing.withExtraction(handler)({ traced: true }, { awsRequestId: "1" }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      assert.strictEqual(span.traceId, upstream.w3cTraceId)
      assert.strictEqual(parent(span).spanId, upstream.w3cParentId)
      assert.deepStrictEqual(seen, Option.some(upstream))
    }))

  it.effect("optionally wraps the invocation in a server span under the upstream", () =>
    Effect.gen(function*() {
      const wrapped = LambdaTracing.withExtraction(handler, { spanName: "aws.lambda" })
      const [span] = yield* wrapped({ traced: true }, { awsRequestId: "1" }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      const invocation = parent(span) as Tracer.Span
      assert.strictEqual(invocation.name, "aws.lambda")
      assert.strictEqual(invocation.kind, "server")
      assert.strictEqual(invocation.attributes.get("datadog.extractor"), "custom")
      assert.strictEqual(parent(invocation).spanId, upstream.w3cParentId)
    }))

  it.effect("puts the batch links on the invocation span only", () =>
    Effect.gen(function*() {
      const record = TraceContext.make({ traceId: "52", parentId: "53", source: "sqs" })
      const batch = ExtractorChain.make([
        TraceExtractor.make({
          name: "sqs",
          extract: () => Effect.succeed(TraceExtractor.found(upstream, { links: [record] }))
        })
      ])
      const wrapped = LambdaTracing.withExtraction(handler, { spanName: "aws.lambda" })
      const [span] = yield* wrapped({ traced: true }, { awsRequestId: "1" }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, batch)
      )
      const invocation = parent(span) as Tracer.Span
      assert.deepStrictEqual(invocation.links.map((link) => link.span.spanId), [record.w3cParentId])
      assert.deepStrictEqual(invocation.links.map((link) => link.attributes["datadog.source"]), ["sqs"])
      assert.lengthOf((span as Tracer.Span).links, 0)
    }))

  it.effect("runs untraced events as new traces and keeps the handler's failures", () =>
    Effect.gen(function*() {
      const [span, seen] = yield* LambdaTracing.withExtraction(handler)({ traced: false }, { awsRequestId: "1" }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      assert.isTrue(Option.isNone(span.parent))
      assert.isTrue(Option.isNone(seen))
      const failing = LambdaTracing.withExtraction((_: unknown, __: unknown) => Effect.fail("boom" as const))
      const exit = yield* Effect.exit(failing({}, {}).pipe(Effect.provideService(ExtractorChain.ExtractorChain, chain)))
      assert.deepStrictEqual(exit, Exit.fail("boom"))
    }))
})

describe("LambdaTracing.withExtraction with spanName (Effect 4): the serverless view through Effect's tracer", () => {
  const sqsEvent = (): Record<string, unknown> => ({ ...fixture("triggers", "sqs"), traced: true })
  const wrapped = LambdaTracing.withExtraction(
    (_event: Record<string, unknown>, _context: unknown) => Effect.withSpan(Effect.currentSpan, "handler-work"),
    { spanName: "aws.lambda" }
  )

  it.effect("opens the inferred aws.sqs span at the message's time, under the upstream, over aws.lambda", () =>
    Effect.gen(function*() {
      const event = sqsEvent()
      const before = JSON.stringify(event)
      const startedAt = Date.now()
      const span = yield* wrapped(event, runtimeContext(undefined)).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain)
      )
      const invocation = parent(span) as Tracer.Span
      const inferred = parent(invocation) as Tracer.Span
      assert.strictEqual(invocation.name, "aws.lambda")
      assert.strictEqual(invocation.attributes.get("resource.name"), "orders")
      assert.strictEqual(invocation.attributes.get("span.type"), "serverless")
      assert.strictEqual(invocation.attributes.get("function_trigger.event_source"), "sqs")
      assert.strictEqual(invocation.attributes.get("_dd.parent_source"), "event")
      assert.strictEqual(inferred.name, "aws.sqs")
      assert.strictEqual(inferred.attributes.get("span.type"), "web")
      assert.strictEqual(parent(inferred).spanId, upstream.w3cParentId)
      assert.strictEqual(inferred.status.startTime, 1733143826016n * 1_000_000n)
      // Asynchronous: it ends when the invocation starts (the wall clock's, whatever Effect's clock says).
      assert.strictEqual(inferred.status._tag, "Ended")
      const ended = inferred.status._tag === "Ended" ? inferred.status.endTime / 1_000_000n : 0n
      assert.isTrue(ended >= BigInt(startedAt) && ended <= BigInt(Date.now()), String(ended))
      assert.strictEqual(JSON.stringify(event), before)
    }))

  // An API Gateway event through `withExtraction` with a handler that returns `response`: what came back, and the
  // invocation span.
  const apiInvocation = (response: unknown, options: LambdaTracing.Options) =>
    Effect.gen(function*() {
      let invocation: Tracer.Span | undefined
      const api = LambdaTracing.withExtraction(
        (_event: unknown, _context: unknown) =>
          Effect.map(Effect.currentSpan, (span) => {
            invocation = span
            return response
          }),
        options
      )
      const returned = yield* api(fixture("triggers", "apigw-v1"), runtimeContext(undefined)).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, ExtractorChain.make([]))
      )
      assert.strictEqual(invocation?.name, "aws.lambda")
      return { returned, invocation: invocation! }
    })

  it.effect("writes the response's status code on aws.lambda and the inferred span of an HTTP trigger", () =>
    Effect.gen(function*() {
      const { invocation, returned } = yield* apiInvocation({ statusCode: 503 }, { spanName: "aws.lambda" })
      assert.deepStrictEqual(returned, { statusCode: 503 })
      const inferred = parent(invocation) as Tracer.Span
      assert.strictEqual(invocation.attributes.get("datadog.extractor"), "none")
      assert.strictEqual(invocation.attributes.get("http.status_code"), "503")
      assert.strictEqual(invocation.attributes.get("error"), 1)
      assert.strictEqual(inferred.name, "aws.apigateway")
      assert.isTrue(Option.isNone(inferred.parent))
      assert.strictEqual(inferred.attributes.get("http.status_code"), "503")
      assert.strictEqual(inferred.status._tag, "Ended")
    }))

  it.effect("writes an invocation that returns nothing as a 200 when the handler streams, a 502 otherwise", () =>
    Effect.gen(function*() {
      const statusOf = (responseStreaming: boolean | undefined) =>
        Effect.map(
          apiInvocation(undefined, { spanName: "aws.lambda", responseStreaming }),
          ({ invocation }) => invocation.attributes.get("http.status_code")
        )
      assert.strictEqual(yield* statusOf(true), "200")
      assert.strictEqual(yield* statusOf(false), "502")
      assert.strictEqual(yield* statusOf(undefined), "502")
    }))

  it.effect("reads DD_TRACE_MANAGED_SERVICES through Config: false infers nothing", () =>
    Effect.gen(function*() {
      const under = (managed: string) =>
        wrapped(sqsEvent(), runtimeContext(undefined)).pipe(
          Effect.provideService(ExtractorChain.ExtractorChain, chain),
          Effect.provideService(ConfigProvider.ConfigProvider, provider({ DD_TRACE_MANAGED_SERVICES: managed }))
        )
      const off = parent(yield* under("false")) as Tracer.Span
      assert.strictEqual(off.name, "aws.lambda")
      assert.strictEqual(off.attributes.get("resource.name"), "orders")
      assert.strictEqual(
        parent(off).spanId,
        upstream.w3cParentId,
        "aws.lambda is the upstream's child: no inferred span"
      )
      // The same wrapper under a provider that turns them on again infers aws.sqs (each provider is read once).
      const on = parent(yield* under("true")) as Tracer.Span
      assert.strictEqual((parent(on) as Tracer.Span).name, "aws.sqs")
    }))

  it.effect("reads AWS_LAMBDA_FUNCTION_NAME and DD_SERVICE through Config", () =>
    Effect.gen(function*() {
      const span = yield* wrapped(sqsEvent(), { awsRequestId: "1", invokedFunctionArn: "arn:aws:lambda:x" }).pipe(
        Effect.provideService(ExtractorChain.ExtractorChain, chain),
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          provider({ AWS_LAMBDA_FUNCTION_NAME: "from-config", DD_SERVICE: "svc" })
        )
      )
      const invocation = parent(span) as Tracer.Span
      assert.strictEqual(invocation.attributes.get("resource.name"), "from-config")
      assert.strictEqual(invocation.attributes.get("service.name"), "svc")
    }))

  it.effect("starts a new trace for an X-Ray context unless DD_MERGE_XRAY_TRACES=true (as datadog-lambda-js)", () =>
    Effect.gen(function*() {
      const xray = ExtractorChain.make([
        TraceExtractor.make({ name: "xray", extract: () => Effect.succeed(TraceExtractor.found(upstream)) })
      ])
      const [alone, joined] = yield* Effect.all(
        ["false", "true"].map((merge) =>
          wrapped(sqsEvent(), runtimeContext(undefined)).pipe(
            Effect.provideService(ExtractorChain.ExtractorChain, xray),
            Effect.provideService(ConfigProvider.ConfigProvider, provider({ DD_MERGE_XRAY_TRACES: merge }))
          )
        )
      )
      const aloneInferred = parent(parent(alone!)) as Tracer.Span
      assert.strictEqual(aloneInferred.name, "aws.sqs")
      assert.isTrue(Option.isNone(aloneInferred.parent))
      assert.isUndefined((parent(alone!) as Tracer.Span).attributes.get("_dd.parent_source"))
      const joinedInferred = parent(parent(joined!)) as Tracer.Span
      assert.strictEqual(parent(joinedInferred).spanId, upstream.w3cParentId)
      assert.strictEqual((parent(joined!) as Tracer.Span).attributes.get("_dd.parent_source"), "xray")
    }))
})

describe("LambdaTracing.withExtraction with spanName (Effect 4) on a durable execution's first invocation", () => {
  it.effect("parses the original event once per run for the input extractor and the serverless view", () =>
    Effect.gen(function*() {
      const original = example("apigw-v1")
      const payload = JSON.stringify(original)
      const event = example("durable-first-invocation-apigw")
      event.InitialExecutionState.Operations[0].ExecutionDetails.InputPayload = payload
      const parse = vi.spyOn(JSON, "parse")
      let parses = 0
      const wrapped = LambdaTracing.withExtraction(
        (_event: unknown, _context: unknown) => Effect.zip(CurrentExtraction.context, Effect.currentSpan),
        { spanName: "aws.lambda" }
      )
      // One effect run twice (a retry): each run has work of its own, so each parses the payload once.
      const invocation = wrapped(event, runtimeContext(undefined)).pipe(Effect.provide(DefaultChain.layerNative))
      const [[seen, span]] = yield* Effect.all([invocation, invocation]).pipe(
        Effect.ensuring(Effect.sync(() => {
          parses = parse.mock.calls.filter(([text]) => text === payload).length
          parse.mockRestore()
        }))
      )
      assert.strictEqual(parses, 2)
      const found = Option.getOrThrow(seen)
      assert.strictEqual(found.source, "durable-input")
      assert.strictEqual(found.traceId, original.headers["X-Datadog-Trace-Id"])
      assert.strictEqual(span._tag === "Span" ? span.name : undefined, "aws.lambda")
      assert.strictEqual((parent(span) as Tracer.Span).name, "aws.apigateway")
    }))
})
