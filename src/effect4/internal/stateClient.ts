/**
 * The durable state service over a client on Effect 4: page requests with typed errors and a timeout, and the
 * per-invocation service set by `DurableState.withClient`. What is not Effect (the words of a failure, the lazy
 * `@aws-sdk/client-lambda` client) is shared with the Effect 3 line (`internal/durable/executionState.ts`).
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ExecutionState from "../../internal/durable/executionState.js"
import { DurableStateError } from "../domain/Errors.js"
import type { DurableState, ExecutionStateClient, Limits } from "../services/DurableState.js"

/** The service over a client, with resolved limits. */
export const make = (client: ExecutionStateClient, limits: Limits): DurableState.Service => ({
  limits,
  getExecutionState: (request) =>
    Effect.tryPromise({
      try: () => Promise.resolve(client.getExecutionState(request)),
      catch: (cause) => new DurableStateError({ ...ExecutionState.rejected(cause), cause })
    }).pipe(
      Effect.flatMap((value) => {
        const response = ExecutionState.response(value)
        return response !== undefined
          ? Effect.succeed(response)
          : Effect.fail(new DurableStateError(ExecutionState.malformedResponse))
      }),
      Effect.timeoutOrElse({
        duration: limits.pageTimeout,
        orElse: () => Effect.fail(new DurableStateError(ExecutionState.timedOut(Duration.toMillis(limits.pageTimeout))))
      })
    )
})

/** The per-invocation service set by `DurableState.withClient`, which wins over a layer's. */
export const CurrentOverride = Context.Reference<Option.Option<DurableState.Service>>(
  "effect-datadog-lambda/DurableState/override",
  { defaultValue: () => Option.none() }
)

/**
 * The service to use now: the per-invocation override, else the one given (captured from the context when the
 * extractor was built).
 */
export const resolve = (
  fallback: Option.Option<DurableState.Service>
): Effect.Effect<Option.Option<DurableState.Service>> =>
  Effect.map(Effect.service(CurrentOverride), (override) => Option.isSome(override) ? override : fallback)
