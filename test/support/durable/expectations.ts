// What extraction must give for a captured invocation, worked out from the capture itself (the scenario's input
// and the raw checkpoint payloads), independently of the code under test.
import { assert } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../../src/domain/ExtractionResult.js"
import * as ExtractorChain from "../../../src/services/ExtractorChain.js"
import type { Propagator } from "../../../src/services/Propagator.js"
import type { Invocation, Run } from "./wire.js"

export interface Expected {
  readonly source: "durable-checkpoint" | "durable-input" | undefined
  readonly traceId?: string
  readonly parentId?: string
  readonly traceIdHigh?: string
}

const CHECKPOINT = /^_datadog_(0|[1-9][0-9]*)$/

/** The newest checkpoint's raw headers, found with a regex and a plain loop. */
export const newestCheckpoint = (invocation: Invocation): Record<string, string> | undefined => {
  let best: { n: number; result: string } | undefined
  for (const op of invocation.envelope.InitialExecutionState.Operations as Array<Record<string, any>>) {
    const match = typeof op.Name === "string" ? CHECKPOINT.exec(op.Name) : null
    if (match !== null && (best === undefined || Number(match[1]) > best.n)) {
      best = { n: Number(match[1]), result: op.StepDetails.Result }
    }
  }
  return best === undefined ? undefined : JSON.parse(best.result)
}

const tidOf = (headers: Record<string, string>): string | undefined =>
  /(?:^|,)_dd\.p\.tid=([0-9a-f]{16})/.exec(headers["x-datadog-tags"] ?? "")?.[1]

const lower = (record: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), String(v)]))

/** The expected result of the durable extractors for one invocation of a run. */
export const expected = (run: Run, invocation: Invocation): Expected => {
  const newest = newestCheckpoint(invocation)
  if (newest !== undefined) {
    const tid = tidOf(newest)
    return {
      source: "durable-checkpoint",
      traceId: newest["x-datadog-trace-id"]!,
      parentId: newest["x-datadog-parent-id"]!,
      ...(tid === undefined ? {} : { traceIdHigh: tid })
    }
  }
  const input = run.input as Record<string, any> | undefined
  const carrier = input?._datadog ?? input?.headers
  if (carrier !== undefined) {
    const headers = lower(carrier)
    return {
      source: "durable-input",
      traceId: headers["x-datadog-trace-id"]!,
      parentId: headers["x-datadog-parent-id"]!
    }
  }
  return { source: undefined }
}

/** Checks a chain result against the expectation. `viaTriggers` is what the trigger section gives on the input. */
export const check = (
  label: string,
  result: ExtractionResult,
  expectation: Expected,
  viaTriggers: Option.Option<string>
): void => {
  const context = Option.getOrUndefined(result.context)
  if (expectation.source === undefined) {
    // Only a trigger shape of the original event can supply it: the same trace the trigger section finds alone.
    assert.deepStrictEqual(
      Option.fromNullable(context).pipe(
        Option.filter((c) => c.source === "durable-input"),
        Option.map((c) => c.traceId)
      ),
      viaTriggers,
      label
    )
    return
  }
  assert.isDefined(context, label)
  assert.strictEqual(context!.source, expectation.source, label)
  assert.strictEqual(context!.traceId, expectation.traceId, label)
  assert.strictEqual(context!.parentId, expectation.parentId, label)
  if (expectation.traceIdHigh !== undefined) {
    assert.deepStrictEqual(context!.traceIdHigh, Option.some(expectation.traceIdHigh), label)
  }
}

/** Runs a chain over the original input (the trigger section of the default chain, say). */
export const traceOf = (input: unknown): Effect.Effect<Option.Option<string>, never, ExtractorChain.ExtractorChain> =>
  Effect.map(ExtractorChain.extract(input, {}), (r) => Option.map(r.context, (c) => c.traceId))

export type { Propagator }
