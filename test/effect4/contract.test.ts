import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { DefaultChain, ExtractorChain } from "../../src/effect4/index.js"

describe("effect4 contract", () => {
  it.effect("extracts an API Gateway event's Datadog headers with the native default chain", () =>
    Effect.gen(function*() {
      const event = {
        resource: "/",
        path: "/",
        httpMethod: "GET",
        headers: { "x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678" },
        requestContext: { requestId: "r", stage: "prod" }
      }
      const result = yield* Effect.provide(ExtractorChain.extract(event, {}), DefaultChain.layerNative)
      assert.isTrue(Option.isSome(result.context))
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.traceId, "1234")
      assert.strictEqual(context.parentId, "5678")
      assert.strictEqual(context.source, "http")
    }))
})
