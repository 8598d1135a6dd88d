/**
 * The inject side of durable tracing: saves the current trace context as a `_datadog_{N}` STEP operation when a
 * durable invocation suspends, byte-compatible with dd-trace-js and dd-trace-py (see `CheckpointPlan` for the
 * numbering, diff and anchor rules, `CheckpointPayload` for the payload).
 *
 * It never fails and never slows the workflow much: every error is logged at debug level and reported as a
 * `Failed` outcome, and the checkpoint call is bounded by a timeout (default 1 second, never past the invocation's
 * remaining time minus a safety margin). A call that times out is abandoned, not cancelled: the write may still
 * land, which is harmless (its operation id is deterministic).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import type { TraceContext } from "../domain/TraceContext.js"
import * as CheckpointPayload from "../internal/durable/checkpointPayload.js"
import * as CheckpointPlan from "../internal/durable/checkpointPlan.js"

/**
 * The one call the writer makes: the durable SDK's `DurableExecutionClient.checkpoint` (or anything with that
 * shape).
 *
 * @since 0.1.0
 * @category models
 */
export interface Transport {
  readonly checkpoint: (params: {
    readonly DurableExecutionArn: string
    readonly CheckpointToken: string
    readonly Updates: Array<CheckpointPlan.Update>
  }) => Promise<unknown>
}

/**
 * What a save needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface SaveRequest {
  readonly executionArn: string
  /** The latest checkpoint token of the invocation (each checkpoint call rotates it). */
  readonly checkpointToken: string
  /** The execution's operations (every page), or at least its `_datadog_{N}` ones. */
  readonly operations: Iterable<unknown>
  /** The context to save: the current invocation span's (`Tracing.spanContext`). */
  readonly context: TraceContext
  readonly transport: Transport
  /** The invocation's remaining time (`context.getRemainingTimeInMillis()`), when known. */
  readonly remainingTimeMillis?: number | undefined
}

/**
 * Why nothing was written: the plan's reasons, `Disabled` (writer off) or `NoTime` (too close to the deadline).
 *
 * @since 0.1.0
 * @category models
 */
export type SkipReason = CheckpointPlan.SkipReason | "Disabled" | "NoTime"

/**
 * The result of a save.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome =
  | { readonly _tag: "Written"; readonly name: string; readonly number: number; readonly anchor: "current" | "prior" }
  | { readonly _tag: "Skipped"; readonly reason: SkipReason }
  | { readonly _tag: "Failed"; readonly reason: "Timeout" | "CheckpointFailed" }

/**
 * @since 0.1.0
 * @category services
 */
export class CheckpointWriter extends Context.Tag("effect-datadog-lambda/CheckpointWriter")<
  CheckpointWriter,
  CheckpointWriter.Service
>() {}

/**
 * @since 0.1.0
 * @category services
 */
export declare namespace CheckpointWriter {
  /**
   * @since 0.1.0
   * @category services
   */
  export interface Service {
    /** Plans and, when needed, writes one checkpoint. Never fails. */
    readonly save: (request: SaveRequest) => Effect.Effect<Outcome>
  }
}

/**
 * Options of the writer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Write checkpoints at all (default `true`). */
  readonly enabled?: boolean | undefined
  /** Longest wait for the checkpoint call (default 1 second). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Time left unused before the invocation's deadline (default 500 ms). */
  readonly deadlineMarginMillis?: number | undefined
}

/**
 * Defaults of {@link Options}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = { timeoutMillis: 1000, deadlineMarginMillis: 500 } as const

const skipped = (reason: SkipReason): Outcome => ({ _tag: "Skipped", reason })

/**
 * Builds the writer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): CheckpointWriter.Service => {
  const enabled = options.enabled ?? true
  const timeoutMillis = options.timeout === undefined
    ? defaults.timeoutMillis
    : Duration.toMillis(Duration.decode(options.timeout))
  const margin = options.deadlineMarginMillis ?? defaults.deadlineMarginMillis

  const save = Effect.fnUntraced(function*(request: SaveRequest) {
    if (!enabled) return skipped("Disabled")
    const plan = CheckpointPlan.plan(request.operations, CheckpointPayload.fromContext(request.context))
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

  return CheckpointWriter.of({
    save: (request) =>
      save(request).pipe(
        Effect.catchAllDefect((defect) =>
          Effect.as(
            Effect.logDebug("durable trace checkpoint failed", defect),
            { _tag: "Failed", reason: "CheckpointFailed" } satisfies Outcome
          )
        )
      )
  })
}

/**
 * The writer with explicit options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<CheckpointWriter> =>
  Layer.succeed(CheckpointWriter, make(options))

/**
 * The writer configured from the environment: `DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED` (default `true`, the
 * flag both Datadog tracers use for their own writers) turns it on or off.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<CheckpointWriter> = Layer.effect(
  CheckpointWriter,
  Config.boolean("DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED").pipe(
    Config.withDefault(true),
    Effect.map((enabled) => make({ enabled })),
    Effect.orElseSucceed(() => make())
  )
)
