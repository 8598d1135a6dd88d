// The real durable SDK and our paging read the same paged state through the same fake transport: the SDK replays
// what it fetched (proving the pages are real-shaped) and our extractor finds the checkpoint dd-trace wrote, which
// only the last page holds.
import { withDurableExecution } from "@aws/durable-execution-sdk-js"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as DurableState from "../../src/services/DurableState.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { durableChain } from "../support/durable/events.js"
import { fakeTransport, withDates } from "../support/durable/pages.js"
import { readRuns, toWire } from "../support/durable/wire.js"

const [run] = readRuns("ddtrace-writer.json")
const resumed = toWire(run!.invocations[1]!.envelope, { functionName: "durable-demo", executionName: "paged" })
const [executionOp, ...rest] = resumed.InitialExecutionState.Operations as Array<Record<string, any>>
const checkpointOp = rest.find((op) => op.Name === "_datadog_0")!
const others = rest.filter((op) => op !== checkpointOp)

const pagedEnvelope = () => ({
  ...resumed,
  InitialExecutionState: { Operations: [executionOp], NextMarker: "page-2" }
})

const transport = () =>
  fakeTransport({
    "page-2": { Operations: others.map(withDates), NextMarker: "page-3" },
    "page-3": { Operations: [withDates(checkpointOp)], NextMarker: "" }
  })

describe("paging against the real durable SDK", () => {
  it.live("the SDK replays the fetched pages; our extractor finds the checkpoint on the last one", () =>
    Effect.gen(function*() {
      const sdkTransport = transport()
      const ran: Array<string> = []
      const durable = withDurableExecution(async (event: { userId: string }, ctx) => {
        const user = await ctx.step("fetch-user", async () => {
          ran.push("fetch-user")
          return { id: event.userId, name: "Ada" }
        })
        await ctx.wait("pause", { seconds: 2 })
        return await ctx.step("greet", async () => {
          ran.push("greet")
          return `hello ${user.name}`
        })
      }, { durableExecutionClient: sdkTransport as never })
      const output = yield* Effect.promise(() => durable(pagedEnvelope() as never, {} as never))
      assert.deepStrictEqual(output as unknown, { Status: "SUCCEEDED", Result: JSON.stringify("hello Ada") })
      assert.deepStrictEqual(ran, ["greet"]) // fetch-user came from page 2, replayed without running
      assert.deepStrictEqual(sdkTransport.requests.map((r) => [r.Marker, r.MaxItems]), [["page-2", 1000], [
        "page-3",
        1000
      ]])

      const ours = transport()
      const result = yield* ExtractorChain.extract(pagedEnvelope(), {}).pipe(
        Effect.provide(
          durableChain.pipe(Layer.provide(DurableState.layerFromClient(ours)), Layer.provide(NativePropagator.layer()))
        )
      )
      const context = Option.getOrThrow(result.context)
      assert.strictEqual(context.source, "durable-checkpoint")
      assert.strictEqual(context.traceId, run!.invocations[0]!.rootSpan!.traceId)
      assert.deepStrictEqual(ours.requests, sdkTransport.requests)
    }))
})
