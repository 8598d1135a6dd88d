/**
 * The checkpoint writer's save, but for running the call: its settings, the plan, the time budget (the timeout,
 * bounded by the invocation's remaining time less a margin), the call to make and every outcome. Each line's
 * `CheckpointWriter` makes the call under the budget, logs, and never fails. Effect-free, shared by both lines.
 */
import type { ContextFields } from "../contextFields.js"
import * as CheckpointPayload from "./checkpointPayload.js"
import * as CheckpointPlan from "./checkpointPlan.js"

/**
 * The one call the writer makes: the durable SDK's `DurableExecutionClient.checkpoint` (or anything with that
 * shape).
 */
export interface Transport {
  readonly checkpoint: (params: {
    readonly DurableExecutionArn: string
    readonly CheckpointToken: string
    readonly Updates: Array<CheckpointPlan.Update>
  }) => Promise<unknown>
}

/** What a save needs, the context as plain fields. */
export interface Request {
  readonly executionArn: string
  /** The latest checkpoint token of the invocation (each checkpoint call rotates it). */
  readonly checkpointToken: string
  /** The execution's operations (every page), or at least its `_datadog_{N}` ones. */
  readonly operations: Iterable<unknown>
  /** The context to save. */
  readonly context: ContextFields
  readonly transport: Transport
  /** The invocation's remaining time (`context.getRemainingTimeInMillis()`), when known. */
  readonly remainingTimeMillis?: number | undefined
}

/** Why nothing was written: the plan's reasons, `Disabled` (writer off) or `NoTime` (too close to the deadline). */
export type SkipReason = CheckpointPlan.SkipReason | "Disabled" | "NoTime"

/** Why a call did not write. */
export type FailureReason = "Timeout" | "CheckpointFailed"

/** The result of a save. */
export type Outcome =
  | { readonly _tag: "Written"; readonly name: string; readonly number: number; readonly anchor: "current" | "prior" }
  | { readonly _tag: "Skipped"; readonly reason: SkipReason }
  | { readonly _tag: "Failed"; readonly reason: FailureReason }

/** The writer's default timeout and deadline margin. */
export const defaults = { timeoutMillis: 1000, deadlineMarginMillis: 500 } as const

/** The writer's options, resolved (each line reads its timeout from its own `Duration`). */
export interface Settings {
  readonly enabled: boolean
  readonly timeoutMillis: number
  readonly deadlineMarginMillis: number
}

/** The settings of options, with {@link defaults}. */
export const settings = (options: {
  readonly enabled?: boolean | undefined
  readonly timeoutMillis?: number | undefined
  readonly deadlineMarginMillis?: number | undefined
}): Settings => ({
  enabled: options.enabled ?? true,
  timeoutMillis: options.timeoutMillis ?? defaults.timeoutMillis,
  deadlineMarginMillis: options.deadlineMarginMillis ?? defaults.deadlineMarginMillis
})

/** What a save does: nothing (`Skip`), or the checkpoint call (`Call`). */
export type Step =
  | {
    readonly _tag: "Skip"
    readonly reason: SkipReason
    /** `true` when the plan decided it (logged at debug level, with the reason). */
    readonly planned: boolean
  }
  | {
    readonly _tag: "Call"
    readonly write: CheckpointPlan.Write
    /** The longest wait for the call. */
    readonly budgetMillis: number
    /** Makes the call (may throw). */
    readonly call: () => Promise<unknown>
  }

/** Decides a save: disabled, the plan's skip, no time left, or the call with its budget. */
export const prepare = (settings: Settings, request: Request): Step => {
  if (!settings.enabled) return { _tag: "Skip", reason: "Disabled", planned: false }
  const plan = CheckpointPlan.plan(request.operations, CheckpointPayload.fromContext(request.context))
  if (plan._tag === "Skip") return { _tag: "Skip", reason: plan.reason, planned: true }
  const remaining = request.remainingTimeMillis
  const budgetMillis = remaining === undefined || !Number.isFinite(remaining)
    ? settings.timeoutMillis
    : Math.min(settings.timeoutMillis, remaining - settings.deadlineMarginMillis)
  if (budgetMillis <= 0) return { _tag: "Skip", reason: "NoTime", planned: false }
  return {
    _tag: "Call",
    write: plan,
    budgetMillis,
    call: () =>
      request.transport.checkpoint({
        DurableExecutionArn: request.executionArn,
        CheckpointToken: request.checkpointToken,
        Updates: [...CheckpointPlan.updates(plan, request.executionArn)]
      })
  }
}

/** The outcome of a skip. */
export const skipped = (reason: SkipReason): Outcome => ({ _tag: "Skipped", reason })

/** The outcome of a call that wrote. */
export const written = (write: CheckpointPlan.Write): Outcome => ({
  _tag: "Written",
  name: write.name,
  number: write.number,
  anchor: write.anchor
})

/** The outcome of a call that did not write. */
export const failed = (reason: FailureReason): Outcome => ({ _tag: "Failed", reason })

/** The debug messages of a save, the same on both lines. */
export const messages = {
  notWritten: "durable trace checkpoint not written",
  failed: "durable trace checkpoint failed",
  timedOut: "durable trace checkpoint timed out",
  written: "durable trace checkpoint written"
} as const
