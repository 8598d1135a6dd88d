// The real SDK and LocalDurableTestRunner in this process (its own test file, because the runner installs global
// fake timers): extraction runs inside each invocation on the raw in-process event — a class instance with `Date`
// timestamps and the runner's `durableExecutionClient` — and pages through that client with
// `DurableState.withClient`, as a handler wrapper inside the durable runtime would.
import { withDurableExecution } from "@aws/durable-execution-sdk-js"
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as DurableState from "../../src/services/DurableState.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"

const chain = DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer()))

const CHECKPOINT = {
  "x-datadog-trace-id": "5791109302893801913",
  "x-datadog-parent-id": "8490924558609087153",
  "x-datadog-tags": "_dd.p.tid=6b067c1000000000"
}

interface Seen {
  readonly plain: ExtractionResult
  readonly paged: ExtractionResult
  readonly dateTimestamps: boolean
}

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }))
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment())

describe("in-process durable runs", () => {
  it.live("extracts inside every invocation, and pages through the runner's own client", () =>
    Effect.gen(function*() {
      const seen: Array<Seen> = []
      const durable = withDurableExecution(async (_event: unknown, ctx) => {
        await ctx.step("_datadog_0", async () => CHECKPOINT)
        await ctx.wait("pause", { seconds: 2 })
        return await ctx.step("finish", async () => "done")
      })
      const handler = async (event: any, lambdaContext: any) => {
        const operations: Array<any> = event.InitialExecutionState.Operations
        // The same envelope cut down to its EXECUTION operation, as if the service had sent one short page.
        const firstPageOnly = {
          DurableExecutionArn: event.DurableExecutionArn,
          CheckpointToken: event.CheckpointToken,
          InitialExecutionState: { Operations: operations.slice(0, 1), NextMarker: "page-2" }
        }
        const plain = await Effect.runPromise(ExtractorChain.extract(event, lambdaContext).pipe(Effect.provide(chain)))
        const paged = await Effect.runPromise(
          ExtractorChain.extract(firstPageOnly, lambdaContext).pipe(
            DurableState.withClient(event.durableExecutionClient),
            Effect.provide(chain)
          )
        )
        seen.push({ plain, paged, dateTimestamps: operations.every((op) => op.StartTimestamp instanceof Date) })
        return durable(event, lambdaContext)
      }
      const runner = new LocalDurableTestRunner({ handlerFunction: handler })
      const result = yield* Effect.promise(() =>
        runner.run({ payload: { _datadog: { "x-datadog-trace-id": "11", "x-datadog-parent-id": "12" } } })
      )
      assert.strictEqual(result.getStatus(), "SUCCEEDED")
      assert.strictEqual(seen.length, 2)
      assert.isTrue(seen.every((s) => s.dateTimestamps), "in-process timestamps are Dates")

      const [first, resumed] = seen
      for (const result of [first!.plain, first!.paged]) {
        assert.deepStrictEqual(
          Option.map(result.context, (c) => [c.source, c.traceId]),
          Option.some(["durable-input", "11"])
        )
      }
      for (const result of [resumed!.plain, resumed!.paged]) {
        const context = Option.getOrThrow(result.context)
        assert.deepStrictEqual([context.source, context.traceId, context.parentId], [
          "durable-checkpoint",
          CHECKPOINT["x-datadog-trace-id"],
          CHECKPOINT["x-datadog-parent-id"]
        ])
      }
      assert.strictEqual(
        resumed!.paged.attempts.find((a) => a.extractor === "durable-checkpoint")?.detail,
        "read 1 later page(s); used _datadog_0"
      )
    }))
})
