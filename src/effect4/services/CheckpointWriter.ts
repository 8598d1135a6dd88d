/**
 * The inject side of durable tracing: saves the current trace context as a `_datadog_{N}` STEP operation when a
 * durable invocation suspends, byte-compatible with dd-trace-js and dd-trace-py. It never fails the workflow:
 * errors are logged at debug level and reported as a `Failed` outcome, and the call is bounded by a timeout and the
 * invocation's remaining time. A call that times out is abandoned, not cancelled; the write may still land, which is
 * harmless (its operation id is deterministic). `DurableTracing` writes through it.
 *
 * @example
 * ```ts
 * import { CheckpointWriter } from "effect-datadog-lambda/effect4"
 *
 * // On unless DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED=false; or CheckpointWriter.layer({ timeout: "500 millis" }).
 * const writer = CheckpointWriter.layerConfig
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as CheckpointSave from "../../internal/durable/checkpointSave.js"
import type { TraceContext } from "../domain/TraceContext.js"
import * as internal from "../internal/durable/checkpointWriter.js"

/**
 * The one call the writer makes: the durable SDK's `DurableExecutionClient.checkpoint` (or anything with that
 * shape).
 *
 * @since 0.2.0
 * @category models
 */
export type Transport = CheckpointSave.Transport

/**
 * What a save needs.
 *
 * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export type SkipReason = CheckpointSave.SkipReason

/**
 * The result of a save.
 *
 * @since 0.2.0
 * @category models
 */
export type Outcome = CheckpointSave.Outcome

/**
 * @since 0.2.0
 * @category services
 */
export class CheckpointWriter extends Context.Service<CheckpointWriter, CheckpointWriter.Service>()(
  "effect-datadog-lambda/CheckpointWriter"
) {}

/**
 * @since 0.2.0
 * @category services
 */
export declare namespace CheckpointWriter {
  /**
   * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Write checkpoints at all (default `true`). */
  readonly enabled?: boolean | undefined
  /** Longest wait for the checkpoint call (default 1 second). */
  readonly timeout?: Duration.Input | undefined
  /** Time left unused before the invocation's deadline (default 500 ms). */
  readonly deadlineMarginMillis?: number | undefined
}

/**
 * Defaults of {@link Options}.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaults: { readonly timeoutMillis: 1000; readonly deadlineMarginMillis: 500 } = CheckpointSave.defaults

/**
 * Builds the writer.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): CheckpointWriter.Service => internal.make(options)

/**
 * The writer with explicit options.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<CheckpointWriter> =>
  Layer.succeed(CheckpointWriter, make(options))

/**
 * The writer configured from the environment: `DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED` (default `true`, the
 * flag both Datadog tracers use for their own writers) turns it on or off; an unreadable value keeps it on.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig: Layer.Layer<CheckpointWriter> = Layer.effect(
  CheckpointWriter,
  Config.Boolean("DD_DURABLE_CROSS_INVOCATION_TRACING_ENABLED").pipe(
    Config.withDefault(true),
    Effect.map((enabled) => make({ enabled })),
    Effect.orElseSucceed(() => make())
  )
)
