/**
 * The checkpoint writer's save on Effect 4: the call `CheckpointSave.prepare` decides, bounded by its budget, and an
 * outcome for every path (errors and defects are logged at debug level, never raised). The decisions are the
 * Effect-free `internal/durable/checkpointSave.ts`, shared with the Effect 3 line.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as CheckpointSave from "../../../internal/durable/checkpointSave.js"
import * as TraceContext from "../../domain/TraceContext.js"
import type { CheckpointWriter, Options, Outcome, SaveRequest } from "../../services/CheckpointWriter.js"

const failedOnDefect = (defect: unknown): Effect.Effect<Outcome> =>
  Effect.as(Effect.logDebug(CheckpointSave.messages.failed, defect), CheckpointSave.failed("CheckpointFailed"))

/** Builds the writer's service. */
export const make = (options: Options): CheckpointWriter.Service => {
  const settings = CheckpointSave.settings({
    enabled: options.enabled,
    timeoutMillis: options.timeout === undefined ? undefined : Duration.toMillis(options.timeout),
    deadlineMarginMillis: options.deadlineMarginMillis
  })

  const save = (request: SaveRequest): Effect.Effect<Outcome> =>
    Effect.suspend(() => {
      const step = CheckpointSave.prepare(settings, { ...request, context: TraceContext.toFields(request.context) })
      if (step._tag === "Skip") {
        const outcome = CheckpointSave.skipped(step.reason)
        return step.planned
          ? Effect.as(
            Effect.logDebug(CheckpointSave.messages.notWritten).pipe(Effect.annotateLogs("reason", step.reason)),
            outcome
          )
          : Effect.succeed(outcome)
      }
      const name = step.write.name
      return Effect.tryPromise(step.call).pipe(
        Effect.timeoutOption(Duration.millis(step.budgetMillis)),
        Effect.exit,
        Effect.flatMap((exit): Effect.Effect<Outcome> => {
          if (Exit.isFailure(exit)) {
            return Effect.as(
              Effect.logDebug(CheckpointSave.messages.failed, exit.cause).pipe(Effect.annotateLogs("checkpoint", name)),
              CheckpointSave.failed("CheckpointFailed")
            )
          }
          if (exit.value._tag === "None") {
            return Effect.as(
              Effect.logDebug(CheckpointSave.messages.timedOut).pipe(
                Effect.annotateLogs({ checkpoint: name, budgetMillis: step.budgetMillis })
              ),
              CheckpointSave.failed("Timeout")
            )
          }
          return Effect.as(
            Effect.logDebug(CheckpointSave.messages.written).pipe(
              Effect.annotateLogs({ checkpoint: name, anchor: step.write.anchor })
            ),
            CheckpointSave.written(step.write)
          )
        })
      )
    })

  return { save: (request) => save(request).pipe(Effect.catchDefect(failedOnDefect)) }
}
