// Builders for durable envelopes in the real service's wire shape, and a runner for the durable extractors.
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DurableCheckpointExtractor from "../../../src/internal/extractors/durableCheckpoint.js"
import * as DurableInputExtractor from "../../../src/internal/extractors/durableInput.js"
import * as NativePropagator from "../../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../../src/services/ExtractorChain.js"
import * as Extractors from "../../../src/services/Extractors.js"
import type { Propagator } from "../../../src/services/Propagator.js"

export const EXECUTION_ID = "0e230abf-5776-46dc-9e0f-77c816e26afa"
export const ARN =
  `arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/my-exec/${EXECUTION_ID}`

export const execution = (input: unknown = { userId: "u-123" }): Record<string, unknown> => ({
  Id: EXECUTION_ID,
  Name: "my-exec",
  Type: "EXECUTION",
  Status: "STARTED",
  StartTimestamp: 1795584939148,
  ExecutionDetails: { InputPayload: typeof input === "string" ? input : JSON.stringify(input) }
})

export const step = (name: string, result: unknown = "21", extra: Record<string, unknown> = {}) => ({
  Id: `step-${name}`,
  Name: name,
  Type: "STEP",
  SubType: "Step",
  Status: "SUCCEEDED",
  StartTimestamp: 1795584939186,
  EndTimestamp: 1795584939187,
  StepDetails: { Attempt: 1, Result: result },
  ...extra
})

export const headers = (traceId: string, parentId: string, extra: Record<string, unknown> = {}) => ({
  "x-datadog-trace-id": traceId,
  "x-datadog-parent-id": parentId,
  ...extra
})

/** A `_datadog_{N}` checkpoint as dd-trace-js writes it (STEP, SubType "STEP", JSON string result). */
export const checkpoint = (
  name: string | number,
  payload: unknown,
  extra: Record<string, unknown> = {}
): Record<string, unknown> =>
  step(
    typeof name === "number" ? `_datadog_${name}` : name,
    typeof payload === "string" ? payload : JSON.stringify(payload),
    {
      SubType: "STEP",
      ...extra
    }
  )

export const envelope = (
  operations: unknown,
  extra: { readonly NextMarker?: unknown; readonly CheckpointToken?: unknown; readonly arn?: unknown } = {}
): Record<string, unknown> => ({
  DurableExecutionArn: "arn" in extra ? extra.arn : ARN,
  CheckpointToken: "CheckpointToken" in extra ? extra.CheckpointToken : "dG9rZW4tMQ==",
  InitialExecutionState: {
    Operations: operations,
    ...("NextMarker" in extra ? { NextMarker: extra.NextMarker } : { NextMarker: "" })
  }
})

/** The durable part of the default chain (checkpoint, then input payload) over a propagator. */
export const durableChain: Layer.Layer<ExtractorChain.ExtractorChain, never, Propagator> = ExtractorChain
  .layerFromServices([
    Extractors.DurableCheckpointExtractor,
    Extractors.DurableInputExtractor
  ])
  .pipe(Layer.provide(Layer.mergeAll(DurableCheckpointExtractor.layer, DurableInputExtractor.layer)))

export const nativeDurableChain = durableChain.pipe(Layer.provide(NativePropagator.layer()))

export const extract = (event: unknown) => ExtractorChain.extract(event, {})

export const runNative = (event: unknown) => extract(event).pipe(Effect.provide(nativeDurableChain))
