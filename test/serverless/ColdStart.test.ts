// Cold starts against datadog-lambda-js's utils/cold-start.js, which keeps the same facts in module state.
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { afterAll } from "vitest"
import * as ColdStart from "../../src/internal/serverless/coldStart.js"
import { coldStart as reference } from "./support.js"

/** What datadog-lambda-js decides for each invocation of a process initialised at `initTime`. */
const referenceRun = (initTime: number, starts: ReadonlyArray<number>) => {
  reference._resetColdStart()
  return starts.map((start) => {
    reference.setSandboxInit(initTime, start)
    return {
      coldStart: reference.didFunctionColdStart(),
      proactiveInitialization: reference.isProactiveInitialization()
    }
  })
}

const run = (initTime: number, starts: ReadonlyArray<number>) => {
  let state = ColdStart.make(initTime)
  return starts.map((start) => {
    const [invocation, next] = ColdStart.invoke(state, start)
    state = next
    return invocation
  })
}

/** Invocation starts: a first one within or beyond the 10 s gap, then any later ones (on a shared process). */
const invocations = fc.record({
  initTime: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  gaps: fc.array(
    fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(9_999, 10_000, 10_001), fc.nat()),
    { minLength: 1, maxLength: 6 }
  )
})

afterAll(() => reference._resetColdStart())

describe("ColdStart: as datadog-lambda-js decides", () => {
  it("the same cold_start and proactive_initialization for every invocation of a process (property)", () => {
    fc.assert(
      fc.property(invocations, ({ gaps, initTime }) => {
        const starts = gaps.map((gap) => initTime + gap)
        const ours = run(initTime, starts).map(({ coldStart, proactiveInitialization }) => ({
          coldStart,
          proactiveInitialization
        }))
        assert.deepStrictEqual(ours, referenceRun(initTime, starts))
      }),
      { numRuns: 500 }
    )
  })

  it("keeps nothing but the init time and whether the process was invoked; the state is never mutated", () => {
    const state = ColdStart.make(1_000)
    const frozen = Object.freeze({ ...state })
    const [first, afterFirst] = ColdStart.invoke(frozen, 2_000)
    assert.deepStrictEqual(frozen, { initTime: 1_000, invoked: false })
    assert.deepStrictEqual(afterFirst, { initTime: 1_000, invoked: true })
    assert.isTrue(first.coldStart)
    const [second, afterSecond] = ColdStart.invoke(afterFirst, 3_000)
    assert.isFalse(second.coldStart)
    assert.strictEqual(afterSecond, afterFirst)
  })

  it("concurrent invocations of a managed instance: only the one that takes the first state is a cold start", () => {
    const initial = ColdStart.make(0)
    const [a, shared] = ColdStart.invoke(initial, 5)
    const [b] = ColdStart.invoke(shared, 5)
    const [c] = ColdStart.invoke(shared, 6)
    assert.deepStrictEqual([a.coldStart, b.coldStart, c.coldStart], [true, false, false])
    assert.deepStrictEqual(
      [a.coldStart, b.coldStart, c.coldStart],
      referenceRun(0, [5, 5, 6]).map((r) => r.coldStart)
    )
  })
})
