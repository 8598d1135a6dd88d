import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as DurableArn from "../../src/internal/durable/durableArn.js"

describe("DurableArn", () => {
  it("parses name and id from real ARNs (datadog-lambda-python's cases)", () => {
    assert.deepStrictEqual(
      DurableArn.parse(
        "arn:aws:lambda:us-east-1:123456789012:function:my-func:$LATEST/durable-execution/order-123/550e8400-e29b-41d4-a716-446655440001"
      ),
      { executionName: "order-123", executionId: "550e8400-e29b-41d4-a716-446655440001" }
    )
    assert.deepStrictEqual(
      DurableArn.parse("arn:aws:lambda:us-east-2:123456789012:function:demo:1/durable-execution/my-execution/abc"),
      { executionName: "my-execution", executionId: "abc" }
    )
  })

  it("rejects ARNs without both parts, and non-strings", () => {
    for (
      const arn of [
        "b598cf74-75db-4191-848a-aa3c3f0c81ce", // the local runner's bare UUID
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/only-name",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution//id",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/name/",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/a/b/c",
        "x".repeat(DurableArn.maxLength) + "/durable-execution/a/b"
      ]
    ) assert.isUndefined(DurableArn.parse(arn), arn)
    for (const arn of [undefined, null, 12345, {}, ["a"]]) assert.isUndefined(DurableArn.parse(arn))
  })

  it("round-trips any slash-free name and id", () =>
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !s.includes("/")),
        fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !s.includes("/")),
        (name, id) => {
          const parsed = DurableArn.parse(`arn:aws:lambda:us-east-1:1:function:f:1/durable-execution/${name}/${id}`)
          assert.deepStrictEqual(parsed, { executionName: name, executionId: id })
          assert.strictEqual(DurableArn.executionId(`x/durable-execution/${name}/${id}`), id)
        }
      )
    ))
})
