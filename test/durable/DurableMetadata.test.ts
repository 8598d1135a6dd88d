import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as DurableMetadata from "../../src/internal/durable/durableMetadata.js"
import { readRuns, toWire } from "../support/durable/wire.js"

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-func:$LATEST/durable-execution/order-123/550e8400-0001"
const event = (Operations: unknown, extra: Record<string, unknown> = {}) => ({
  DurableExecutionArn: ARN,
  CheckpointToken: "t",
  InitialExecutionState: { Operations, ...extra }
})

describe("DurableMetadata", () => {
  it("gives the span attributes of a first invocation", () => {
    const metadata = Option.getOrThrow(DurableMetadata.fromEvent(event([{ Type: "EXECUTION" }])))
    assert.deepStrictEqual(DurableMetadata.toAttributes(metadata), {
      "aws.durable.execution_name": "order-123",
      "aws.durable.execution_id": "550e8400-0001",
      "aws.durable.first_invocation": "true"
    })
  })

  it("is not a first invocation once another operation exists, or when more pages are announced", () => {
    const replay = event([{ Type: "EXECUTION" }, { Type: "STEP", Name: "s" }])
    assert.isFalse(Option.getOrThrow(DurableMetadata.fromEvent(replay)).firstInvocation)
    const paged = event([{ Type: "EXECUTION" }], { NextMarker: "page-2" })
    assert.isFalse(Option.getOrThrow(DurableMetadata.fromEvent(paged)).firstInvocation)
    const map = event({ "0": { Type: "EXECUTION" }, "1": { Name: "_datadog_0" } })
    assert.isFalse(Option.getOrThrow(DurableMetadata.fromEvent(map)).firstInvocation)
  })

  it("omits name and id for an ARN without them (the local runner's UUID)", () => {
    const metadata = Option.getOrThrow(DurableMetadata.fromEvent({
      DurableExecutionArn: "b598cf74-75db-4191-848a-aa3c3f0c81ce",
      InitialExecutionState: { Operations: [{ Type: "EXECUTION" }] }
    }))
    assert.deepStrictEqual(DurableMetadata.toAttributes(metadata), { "aws.durable.first_invocation": "true" })
  })

  it("is None for non-durable or unreadable events", () => {
    for (
      const input of [
        null,
        "not-a-dict",
        {},
        { headers: {} },
        { DurableExecutionArn: 12345 },
        { DurableExecutionArn: ARN, InitialExecutionState: null },
        { DurableExecutionArn: ARN, InitialExecutionState: { Operations: 7 } }
      ]
    ) assert.isTrue(Option.isNone(DurableMetadata.fromEvent(input)))
  })

  it("reads the invocation status of handler results", () => {
    for (const Status of ["SUCCEEDED", "FAILED", "PENDING"] as const) {
      assert.deepStrictEqual(DurableMetadata.invocationStatus({ Status }), Option.some(Status))
      assert.deepStrictEqual(DurableMetadata.statusAttributes({ Status }), {
        "aws.durable.invocation_status": Status.toLowerCase()
      })
    }
    for (
      const result of [null, undefined, "SUCCEEDED", {}, { Status: "RETRY" }, { Status: "succeeded" }, { Status: 1 }]
    ) {
      assert.isTrue(Option.isNone(DurableMetadata.invocationStatus(result)))
      assert.deepStrictEqual(DurableMetadata.statusAttributes(result), {})
    }
  })

  it("matches every captured invocation: first only for the first, status as returned", () => {
    let count = 0
    for (const file of ["local-runner.json", "ddtrace-writer.json"]) {
      for (const run of readRuns(file)) {
        run.invocations.forEach((invocation, i) => {
          const wire = toWire(invocation.envelope, { functionName: "f", executionName: `run-${i}` })
          const metadata = Option.getOrThrow(DurableMetadata.fromEvent(wire))
          assert.strictEqual(metadata.firstInvocation, i === 0, `${run.scenario} #${i}`)
          assert.deepStrictEqual(Option.getOrThrow(metadata.executionName), `run-${i}`)
          assert.deepStrictEqual(
            Option.getOrThrow(metadata.executionId),
            wire.InitialExecutionState.Operations[0].Id
          )
          assert.deepStrictEqual(
            DurableMetadata.invocationStatus(invocation.output),
            Option.some(invocation.output.Status)
          )
          count++
        })
      }
    }
    assert.strictEqual(count, 12)
  })

  // The names are Datadog's: pinned to the installed dd-trace (status on its `aws.durable.execute` span) and
  // datadog-lambda-js (name, id and first invocation).
  it("uses the attribute names of the installed dd-trace and datadog-lambda-js", () => {
    const read = (...path: Array<string>) => Fs.readFileSync(Path.join("node_modules", ...path), "utf8")
    const ddTraceHandler = read(
      "dd-trace",
      "packages",
      "datadog-plugin-aws-durable-execution-sdk-js",
      "src",
      "handler.js"
    )
    assert.include(ddTraceHandler, `span.setTag('${DurableMetadata.attributeNames.status}', status.toLowerCase())`)
    assert.include(ddTraceHandler, `meta['${DurableMetadata.attributeNames.executionArn}'] = arn`)
    const lambdaTags = read("datadog-lambda-js", "dist", "trace", "durable-function-context.js")
    for (const name of ["executionName", "executionId", "firstInvocation"] as const) {
      assert.include(lambdaTags, `"${DurableMetadata.attributeNames[name]}"`)
    }
    assert.strictEqual(DurableMetadata.statusValue("PENDING"), "pending")
  })
})
