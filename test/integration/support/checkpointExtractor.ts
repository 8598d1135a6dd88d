// Whether the chain's durable-checkpoint extractor reads `_datadog_{N}` checkpoints yet (it is built in parallel;
// until then the round-trip suites that depend on it are skipped, not failed).
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as DefaultChain from "../../../src/layers/DefaultChain.js"
import * as ExtractorChain from "../../../src/services/ExtractorChain.js"

const probe = {
  DurableExecutionArn: "arn:aws:lambda:us-east-1:123456789012:function:demo:1/durable-execution/probe/1",
  CheckpointToken: "token",
  InitialExecutionState: {
    Operations: [
      { Id: "1", Type: "EXECUTION", Status: "STARTED", ExecutionDetails: { InputPayload: "{}" } },
      {
        Id: "2",
        Name: "_datadog_0",
        Type: "STEP",
        SubType: "STEP",
        Status: "SUCCEEDED",
        StepDetails: {
          Result: "{\"x-datadog-trace-id\":\"7\",\"x-datadog-parent-id\":\"8\",\"x-datadog-sampling-priority\":\"1\"}"
        }
      }
    ]
  }
}

export const checkpointExtractorReady: boolean = Effect.runSync(
  ExtractorChain.extract(probe, {}).pipe(
    Effect.map((result) => Option.exists(result.context, (context) => context.source === "durable-checkpoint")),
    Effect.provide(DefaultChain.layerNative)
  )
)
