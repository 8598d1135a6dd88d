// Users' sampling rules, end to end: the same Datadog-header cases as traces.test.ts through real dd-trace with
// DD_TRACE_SAMPLE_RATE=0, sending with protocol 0.5, in one child process. An upstream decision is kept; an upstream
// without one is rejected by dd-trace's sampler, as under datadog-lambda-js.
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { cases, expectedRuns } from "../support/e2e/cases.js"
import { chunkOf, hasAll, type Outcome, runDriver } from "../support/e2e/spawn.js"

const all = cases("0")

let outcome: Outcome

beforeAll(async () => {
  outcome = await runDriver({
    sampleRate: "0",
    protocol: "0.5",
    complete: (chunks) => hasAll(chunks, expectedRuns(all))
  })
}, 90_000)

const root = (name: string, run: string) => chunkOf(outcome.chunks, name, run).spans[0]!

describe("DD_TRACE_SAMPLE_RATE=0 (protocol 0.5)", () => {
  it("arrives over /v0.5/traces", () => {
    assert.isTrue(outcome.chunks.length > 0)
    assert.isTrue(outcome.chunks.every((chunk) => chunk.version === "v0.5"))
  })

  it("rejects an undecided upstream (-1) as datadog() does, and keeps upstream decisions", () => {
    assert.strictEqual(root("datadog-undecided", "ours").metrics._sampling_priority_v1, -1)
    for (const testCase of all) {
      const ours = root(testCase.name, "ours")
      for (const run of ["peer", "joined"]) {
        const other = root(testCase.name, run)
        assert.strictEqual(ours.trace_id, other.trace_id, `${testCase.name} ${run}`)
        assert.strictEqual(ours.metrics._sampling_priority_v1, other.metrics._sampling_priority_v1, testCase.name)
        for (const key of ["_dd.origin", "_dd.p.tid", "_dd.p.dm"]) {
          assert.strictEqual(ours.meta[key], other.meta[key], `${testCase.name} ${run} ${key}`)
        }
      }
      if (testCase.upstream.priority !== undefined) {
        assert.strictEqual(ours.metrics._sampling_priority_v1, testCase.upstream.priority, testCase.name)
      }
    }
  })

  it("the OpenTelemetry path keeps the undecided upstream at 1: the rule is silently ignored there", () => {
    assert.strictEqual(root("datadog-undecided", "otel").metrics._sampling_priority_v1, 1)
  })
})
