// The inferred spans against datadog-lambda-js's SpanInferrer (driven in process over a recording tracer), on every
// real event: name, service, resource, type, tags, start and end times, and the parent chain.
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as EventSource from "../../src/internal/serverless/eventSource.js"
import * as InferredSpans from "../../src/internal/serverless/inferredSpans.js"
import * as LambdaContext from "../../src/internal/serverless/lambdaContext.js"
import * as ServerlessSpans from "../../src/internal/serverless/serverlessSpans.js"
import type { InferredSpan } from "../../src/internal/serverless/spanDescription.js"
import * as Schemas from "../../src/internal/triggers/schemas.js"
import { mutationsOf } from "../support/mutations.js"
import {
  anyContext,
  anyEvent,
  contexts,
  event,
  eventFiles,
  NOW,
  referenceInferred,
  type ReferenceSpan
} from "./support.js"

const infer = (input: unknown, context: unknown, options: Partial<ServerlessSpans.Options> = {}) => {
  const lambdaContext = LambdaContext.read(context)
  return InferredSpans.infer(
    input,
    EventSource.detect(input),
    lambdaContext,
    { ...ServerlessSpans.defaults, ...options },
    NOW,
    Schemas.decoders
  )
}

/** Our spans in the reference's shape: the parent is the previous span (the first one's, the upstream context). */
const asReference = (spans: ReadonlyArray<InferredSpan>): ReadonlyArray<ReferenceSpan> =>
  spans.map((span, index) => ({
    name: span.name,
    service: span.service,
    resource: span.resource,
    type: span.type,
    tags: span.tags,
    parent: index - 1,
    startTime: span.startTime,
    endTime: span.endTime,
    isAsync: index === spans.length - 1 && span.synchronicity === "async"
  }))

const assertSame = (input: unknown, context: unknown, options: {
  readonly env?: Readonly<Record<string, string>>
  readonly decodeAuthorizerContext?: boolean
  readonly label?: string
} = {}) => {
  const env = options.env ?? {}
  const reference = referenceInferred(input, context as Record<string, unknown>, options)
  assert.isDefined(reference, `the reference reads it (${options.label})`)
  const ours = infer(input, context, {
    ...ServerlessSpans.fromEnv(env),
    decodeAuthorizerContext: options.decodeAuthorizerContext ?? true
  })
  assert.deepStrictEqual(asReference(ours), reference, options.label)
  return ours
}

/** Environments datadog-lambda-js's naming reads. */
const environments: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ["default", {}],
  ["DD_SERVICE", { DD_SERVICE: " checkout " }],
  ["DD_SERVICE_MAPPING", {
    DD_SERVICE_MAPPING:
      "lambda_sqs:queues,lambda_api_gateway:apis,lambda_sns:topics,lambda_eventbridge:buses,1234567890:rest-orders,"
      + "lambda_kinesis:streams,lambda_dynamodb:tables,lambda_s3:buckets,lambda_url:urls,orders-queue:the-queue"
  }],
  ["representation off", { DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED: "false", DD_SERVICE: "checkout" }],
  ["integration names removed", { DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED: "true", DD_SERVICE: "checkout" }]
]

describe("InferredSpans: as datadog-lambda-js's SpanInferrer", () => {
  for (const file of eventFiles) {
    it(`${file}: the same spans, parents and times`, () => {
      for (const [name, context] of contexts) assertSame(event(file), context, { label: name })
      for (const [name, env] of environments) assertSame(event(file), contexts[0]![1], { env, label: name })
      assertSame(event(file), contexts[0]![1], { decodeAuthorizerContext: false, label: "authorizer off" })
    })
  }

  it("the environments above change the services (the comparison is not vacuous)", () => {
    const services = (env: Record<string, string>) =>
      eventFiles.flatMap((file) => infer(event(file), contexts[0]![1], ServerlessSpans.fromEnv(env)))
        .map((span) => `${span.service} ${span.tags["peer.service"]}`).join()
    const defaults = services({})
    for (const [name, env] of environments.slice(1)) assert.notStrictEqual(services(env), defaults, name)
  })

  it("infers every kind of span the reference does", () => {
    const names = new Set(eventFiles.flatMap((file) => infer(event(file), contexts[0]![1]).map((span) => span.name)))
    for (
      const name of [
        "aws.apigateway",
        "aws.apigateway.authorizer",
        "aws.httpapi",
        "aws.lambda.url",
        "aws.sqs",
        "aws.sns",
        "aws.eventbridge",
        "aws.kinesis",
        "aws.dynamodb",
        "aws.s3"
      ]
    ) assert.isTrue(names.has(name), name)
  })

  it("names a WebSocket API's span aws.apigateway, as datadog-lambda-js 12.143 does (aws.apigateway.websocket is datadog-lambda-python's name)", () => {
    const files = eventFiles.filter((file) => EventSource.apiGatewayKind(event(file)) === "websocket")
    assert.isAbove(files.length, 1)
    for (const file of files) {
      const spans = infer(event(file), contexts[0]![1])
      assert.strictEqual(spans[spans.length - 1]!.name, "aws.apigateway", file)
      assert.strictEqual(referenceInferred(event(file), contexts[0]![1])!.at(-1)!.name, "aws.apigateway", file)
    }
  })

  it("ends asynchronous spans when the invocation starts and leaves synchronous ones open", () => {
    for (const file of eventFiles) {
      const spans = infer(event(file), contexts[0]![1])
      const last = spans[spans.length - 1]
      if (last === undefined) continue
      assert.strictEqual(last.endTime, last.synchronicity === "async" ? NOW : undefined, file)
      for (const upstream of spans.slice(0, -1)) assert.isNumber(upstream.endTime, file)
    }
  })

  it("reads an SQS body for its SNS hop only up to the SQS message size (intended: the reference parses any size)", () => {
    const input = event("examples/events/snssqs.json") as { Records: Array<{ body: string }> }
    const notification = JSON.parse(input.Records[0]!.body)
    input.Records[0]!.body = JSON.stringify({ ...notification, Message: "x".repeat(1024 * 1024) })
    assert.deepStrictEqual(referenceInferred(input, contexts[0]![1])!.map((span) => span.name), ["aws.sns", "aws.sqs"])
    assert.deepStrictEqual(infer(input, contexts[0]![1]).map((span) => span.name), ["aws.sqs"])
  })

  it("a batch of 10,000 records: the span of its first record, as the reference", () => {
    const input = event("examples/events/sqs.json") as { Records: Array<unknown> }
    const record = input.Records[0]
    input.Records = Array.from({ length: 10_000 }, () => record)
    assert.deepStrictEqual(asReference(infer(input, contexts[0]![1])), referenceInferred(input, contexts[0]![1]))
  })

  it("infers nothing with DD_TRACE_MANAGED_SERVICES=false", () => {
    const options = ServerlessSpans.fromEnv({ DD_TRACE_MANAGED_SERVICES: "false" })
    for (const file of eventFiles) {
      const description = ServerlessSpans.describe({
        event: event(file),
        context: contexts[0]![1],
        extraction: undefined,
        coldStart: { coldStart: false, proactiveInitialization: false },
        now: NOW
      }, options)
      assert.deepStrictEqual(description.inferred, [], file)
    }
  })
})

describe("InferredSpans on malformed events", () => {
  it("never throws and never mutates, on any JSON value and Lambda context (property)", () => {
    fc.assert(
      fc.property(anyEvent, anyContext, (input, context) => {
        const before = structuredClone(input)
        const spans = infer(input, context)
        assert.deepStrictEqual(input, before)
        for (const span of spans) {
          assert.isFalse(Number.isNaN(span.startTime))
          assert.isTrue(span.endTime === undefined || !Number.isNaN(span.endTime))
        }
      }),
      { numRuns: 1000 }
    )
  })

  /**
   * Intended difference on malformed events, excluded here: datadog-lambda-js adds `requestTimeEpoch` and the
   * authorizer's `integrationLatency` with `+` and compares the latency with `> 0`, so a string there is
   * concatenated or coerced; the library reads both only as numbers.
   */
  const authorizerTimesAreNumbers = (input: unknown): boolean => {
    const context = (input as { readonly requestContext?: unknown } | null)?.requestContext
    const read = (value: unknown, key: string) =>
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined
    return [read(context, "requestTimeEpoch"), read(read(context, "authorizer"), "integrationLatency")]
      .every((value) => value === undefined || typeof value === "number")
  }

  it("agrees with datadog-lambda-js on mutated real events wherever it does not throw (property)", () => {
    for (const file of eventFiles) {
      fc.assert(
        fc.property(mutationsOf(event(file)), (input) => {
          fc.pre(authorizerTimesAreNumbers(input))
          const before = structuredClone(input)
          const reference = referenceInferred(input, contexts[0]![1])
          const ours = infer(input, contexts[0]![1])
          assert.deepStrictEqual(input, before)
          if (reference !== undefined) assert.deepStrictEqual(asReference(ours), reference, JSON.stringify(input))
        }),
        { numRuns: 30 }
      )
    }
  })
})
