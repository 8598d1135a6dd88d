import { assert, describe, it } from "@effect/vitest"
import type { APIGatewayProxyEvent, Context } from "aws-lambda"
import * as Effect from "effect/Effect"
import { handler } from "../../examples/http-handler.js"
import * as Fixtures from "../support/fixtures.js"

const fixture = (name: string): APIGatewayProxyEvent => Fixtures.fixture("triggers", name)

const lambdaContext = {
  functionName: "http-handler",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 3000
} as unknown as Context

const invoke = (event: APIGatewayProxyEvent) =>
  Effect.promise(async () => {
    const result = await handler(event, { ...lambdaContext })
    assert.strictEqual(result.statusCode, 200)
    return JSON.parse(result.body) as {
      readonly traceId: string
      readonly extractedFrom: string | null
      readonly downstreamParentId: string | null
    }
  })

describe("examples/http-handler", () => {
  it.effect("continues the caller's Datadog trace (128-bit id from x-datadog-* headers)", () =>
    Effect.gen(function*() {
      const event = fixture("apigw-v1")
      const headers = event.headers
      const body = yield* invoke(event)
      const high = /_dd\.p\.tid=([0-9a-f]{16})/.exec(headers["X-Datadog-Tags"] ?? "")?.[1]
      const low = BigInt(headers["X-Datadog-Trace-Id"] ?? "0").toString(16).padStart(16, "0")
      assert.strictEqual(body.traceId, `${high}${low}`)
      assert.strictEqual(body.extractedFrom, "http")
      assert.isNotNull(body.downstreamParentId)
      assert.notStrictEqual(body.downstreamParentId, headers["X-Datadog-Parent-Id"])
    }))

  it.effect("starts a new trace when the request carries no context", () =>
    Effect.gen(function*() {
      const first = yield* invoke(fixture("apigw-v1-no-trace"))
      const second = yield* invoke(fixture("apigw-v1-no-trace"))
      assert.isNull(first.extractedFrom)
      assert.match(first.traceId, /^[0-9a-f]{32}$/)
      assert.notStrictEqual(first.traceId, second.traceId)
    }))
})
