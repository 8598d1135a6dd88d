// The trigger tags of the invocation span against datadog-lambda-js's trigger.js, on every real event.
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { gzipSync } from "node:zlib"
import * as EventSource from "../../src/internal/serverless/eventSource.js"
import * as LambdaContext from "../../src/internal/serverless/lambdaContext.js"
import { mutationsOf } from "../support/mutations.js"
import {
  anyContext,
  anyEvent,
  contexts,
  event,
  eventFiles,
  referenceStatusCode,
  referenceTrigger,
  THROWS
} from "./support.js"

const tagsOf = (input: unknown, context: unknown) => EventSource.trigger(input, LambdaContext.read(context))?.tags ?? {}

/**
 * Intended difference: datadog-lambda-js recognises no Kafka trigger (its `parseEventSource` returns nothing for
 * MSK and self-managed Kafka events). The invocation is tagged `kafka`, with the MSK cluster's ARN, so that
 * Datadog's serverless view has a trigger for every source the extractor chain knows.
 */
const kafkaTags = (input: unknown) => {
  const arn = (input as { readonly eventSourceArn?: unknown }).eventSourceArn
  return typeof arn === "string"
    ? { "function_trigger.event_source": "kafka", "function_trigger.event_source_arn": arn }
    : { "function_trigger.event_source": "kafka" }
}

const isKafka = (input: unknown): boolean => {
  const source = (input as { readonly eventSource?: unknown } | null)?.eventSource
  return source === "aws:kafka" || source === "SelfManagedKafka"
}

const httpFiles = eventFiles.filter((file) => EventSource.isHttp(EventSource.detect(event(file))))

describe("EventSource: trigger tags as datadog-lambda-js's trigger.js", () => {
  for (const file of eventFiles) {
    it(`${file}: the same source and tags, with every Lambda context`, () => {
      for (const [name, context] of contexts) {
        const input = event(file)
        const reference = referenceTrigger(input, context)
        assert.isDefined(reference, `${name}: the reference reads ${file}`)
        if (isKafka(input)) {
          assert.isUndefined(reference!.source)
          assert.deepStrictEqual(tagsOf(input, context), kafkaTags(input), name)
        } else {
          assert.strictEqual(EventSource.detect(input), reference!.source, name)
          assert.deepStrictEqual(tagsOf(input, context), reference!.tags, name)
        }
      }
    })
  }

  it("covers every source datadog-lambda-js recognises, and Kafka", () => {
    const sources = new Set(eventFiles.map((file) => EventSource.detect(event(file))))
    for (
      const source of [
        "api-gateway",
        "application-load-balancer",
        "cloudfront",
        "cloudwatch-events",
        "cloudwatch-logs",
        "dynamodb",
        "eventbridge",
        "kafka",
        "kinesis",
        "lambda-function-url",
        "s3",
        "sns",
        "sqs",
        "states"
      ] as const
    ) assert.isTrue(sources.has(source), source)
  })

  it("leaves the source ARN out, as datadog-lambda-js, when the invoked ARN has no region", () => {
    for (const file of eventFiles.filter((f) => !isKafka(event(f)))) {
      for (const arn of [undefined, "not-an-arn", "arn:aws:lambda"]) {
        const context = { ...contexts[0]![1], invokedFunctionArn: arn }
        const reference = referenceTrigger(event(file), context)
        assert.deepStrictEqual(tagsOf(event(file), context), reference?.tags ?? {}, `${file} ${arn}`)
      }
    }
  })

  it("builds partitioned ARNs for GovCloud and China regions as datadog-lambda-js", () => {
    const files = eventFiles.filter((file) =>
      ["api-gateway", "cloudfront", "cloudwatch-logs"].includes(
        EventSource.detect(event(file)) ?? ""
      )
    )
    assert.isAbove(files.length, 3)
    for (const region of ["us-gov-west-1", "cn-north-1", "eu-west-3"]) {
      const context = { ...contexts[0]![1], invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:f` }
      for (const file of files) {
        const tags = tagsOf(event(file), context)
        assert.deepStrictEqual(tags, referenceTrigger(event(file), context)!.tags, `${file} ${region}`)
        const partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws"
        assert.isTrue(String(tags["function_trigger.event_source_arn"]).startsWith(`arn:${partition}:`), file)
      }
    }
  })

  it("reads a CloudWatch Logs payload only up to its bound (the reference reads any size): no ARN past it", () => {
    const logs = JSON.stringify({ logGroup: "/aws/lambda/huge", padding: " ".repeat(EventSource.limits.maxLogsLength) })
    const huge = { awslogs: { data: gzipSync(Buffer.from(logs)).toString("base64") } }
    const context = contexts[0]![1]
    assert.strictEqual(
      referenceTrigger(huge, context)!.tags["function_trigger.event_source_arn"],
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/huge"
    )
    assert.deepStrictEqual(tagsOf(huge, context), { "function_trigger.event_source": "cloudwatch-logs" })
  })
})

describe("EventSource.statusCode as datadog-lambda-js's extractHTTPStatusCodeTag", () => {
  const responses: ReadonlyArray<unknown> = [
    undefined,
    null,
    {},
    { statusCode: 200 },
    { statusCode: 503, body: "down" },
    { statusCode: "404" },
    { statusCode: 0 },
    { statusCode: "" },
    { statusCode: [500] },
    "plain text",
    42,
    [],
    { body: "{}" }
  ]

  it("on every HTTP event, for buffered and streaming functions", () => {
    assert.isAbove(httpFiles.length, 10)
    for (const file of httpFiles) {
      const source = EventSource.detect(event(file))
      for (const response of responses) {
        for (const streaming of [false, true]) {
          assert.strictEqual(
            EventSource.statusCode(source, response, streaming),
            referenceStatusCode(event(file), contexts[0]![1], response, streaming),
            `${file} ${JSON.stringify(response)} ${streaming}`
          )
        }
      }
    }
  })

  it("gives nothing for other sources", () => {
    for (const file of eventFiles.filter((f) => !httpFiles.includes(f))) {
      const source = EventSource.detect(event(file))
      assert.strictEqual(EventSource.statusCode(source, undefined), undefined, file)
      if (!isKafka(event(file))) {
        assert.strictEqual(referenceStatusCode(event(file), contexts[0]![1], undefined), undefined, file)
      }
    }
  })

  it("agrees on any response (property); 502 where datadog-lambda-js throws", () => {
    const [file] = httpFiles
    const source = EventSource.detect(event(file!))
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ statusCode: fc.jsonValue() })), fc.boolean(), (r, streaming) => {
        const reference = referenceStatusCode(event(file!), contexts[0]![1], r, streaming)
        // Intended difference: a status code JavaScript cannot write as a string (`{"toString": {}}`) makes
        // datadog-lambda-js throw from its wrapper (the invocation fails); API Gateway answers such a response
        // with a 502, which is what the span says.
        assert.strictEqual(EventSource.statusCode(source, r, streaming), reference === THROWS ? "502" : reference)
      }),
      { numRuns: 300 }
    )
    assert.strictEqual(referenceStatusCode(event(file!), contexts[0]![1], { statusCode: { toString: {} } }), THROWS)
    assert.strictEqual(EventSource.statusCode(source, { statusCode: { toString: {} } }), "502")
  })

  it("calls 3-digit codes starting with 5 server errors", () => {
    for (const [code, expected] of [["500", true], ["599", true], ["5", false], ["5000", false], ["404", false]]) {
      assert.strictEqual(EventSource.isServerError(code as string), expected, String(code))
    }
    assert.isFalse(EventSource.isServerError(undefined))
  })
})

describe("EventSource on malformed events", () => {
  it("never throws and never mutates, on any JSON value and Lambda context (property)", () => {
    fc.assert(
      fc.property(anyEvent, anyContext, (input, context) => {
        const before = structuredClone(input)
        EventSource.trigger(input, LambdaContext.read(context))
        assert.deepStrictEqual(input, before)
      }),
      { numRuns: 500 }
    )
  })

  it("agrees with datadog-lambda-js on mutated real events wherever it does not throw (property)", () => {
    for (const file of eventFiles.filter((f) => !isKafka(event(f)))) {
      fc.assert(
        fc.property(mutationsOf(event(file)), fc.constantFrom(...contexts), (input, [, context]) => {
          const before = structuredClone(input)
          const reference = referenceTrigger(input, context)
          const mine = tagsOf(input, context)
          assert.deepStrictEqual(input, before)
          if (reference !== undefined) assert.deepStrictEqual(mine, reference.tags, JSON.stringify(input))
        }),
        { numRuns: 25 }
      )
    }
  })
})
