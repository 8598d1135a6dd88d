/**
 * The checkpoint writer's save: plan, a call bounded by the timeout and the invocation's remaining time, and an
 * outcome for every path (errors and defects are logged at debug level, never raised).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as TraceContext from "../../domain/TraceContext.js"
import type { CheckpointWriter, Options, Outcome, SaveRequest, SkipReason } from "../../services/CheckpointWriter.js"
import * as CheckpointPayload from "./checkpointPayload.js"
import * as CheckpointPlan from "./checkpointPlan.js"

/** The writer's default timeout and deadline margin. */
export const defaults = { timeoutMillis: 1000, deadlineMarginMillis: 500 } as const

const skipped = (reason: SkipReason): Outcome => ({ _tag: "Skipped", reason })

/** Builds the writer's service. */
export const make = (options: Options): CheckpointWriter.Service => {
  const enabled = options.enabled ?? true
  const timeoutMillis = options.timeout === undefined
    ? defaults.timeoutMillis
    : Duration.toMillis(Duration.decode(options.timeout))
  const margin = options.deadlineMarginMillis ?? defaults.deadlineMarginMillis

  const save = Effect.fnUntraced(function*(request: SaveRequest) {
    if (!enabled) return skipped("Disabled")
    const plan = CheckpointPlan.plan(
      request.operations,
      CheckpointPayload.fromContext(TraceContext.toFields(request.context))
    )
    if (plan._tag === "Skip") {
      yield* Effect.logDebug("durable trace checkpoint not written").pipe(Effect.annotateLogs("reason", plan.reason))
      return skipped(plan.reason)
    }
    const remaining = request.remainingTimeMillis
    const budget = remaining === undefined || !Number.isFinite(remaining)
      ? timeoutMillis
      : Math.min(timeoutMillis, remaining - margin)
    if (budget <= 0) return skipped("NoTime")
    const call = Effect.tryPromise(() =>
      request.transport.checkpoint({
        DurableExecutionArn: request.executionArn,
        CheckpointToken: request.checkpointToken,
        Updates: [...CheckpointPlan.updates(plan, request.executionArn)]
      })
    )
    const exit = yield* Effect.exit(Effect.timeoutOption(call, Duration.millis(budget)))
    if (Exit.isFailure(exit)) {
      yield* Effect.logDebug("durable trace checkpoint failed", exit.cause).pipe(
        Effect.annotateLogs("checkpoint", plan.name)
      )
      return { _tag: "Failed", reason: "CheckpointFailed" } satisfies Outcome
    }
    if (exit.value._tag === "None") {
      yield* Effect.logDebug("durable trace checkpoint timed out").pipe(
        Effect.annotateLogs({ checkpoint: plan.name, budgetMillis: budget })
      )
      return { _tag: "Failed", reason: "Timeout" } satisfies Outcome
    }
    yield* Effect.logDebug("durable trace checkpoint written").pipe(
      Effect.annotateLogs({ checkpoint: plan.name, anchor: plan.anchor })
    )
    return { _tag: "Written", name: plan.name, number: plan.number, anchor: plan.anchor } satisfies Outcome
  })

  return {
    save: (request) =>
      save(request).pipe(
        Effect.catchAllDefect((defect) =>
          Effect.as(
            Effect.logDebug("durable trace checkpoint failed", defect),
            { _tag: "Failed", reason: "CheckpointFailed" } satisfies Outcome
          )
        )
      )
  }
}
