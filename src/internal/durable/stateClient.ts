/**
 * The durable state service over a client on Effect 3: page requests with typed errors and a timeout. What is not
 * Effect (the words of a failure, the lazy `@aws-sdk/client-lambda` client behind `DurableState.layerLambda`) is
 * shared with the Effect 4 line (`executionState.ts`).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { DurableStateError } from "../../domain/Errors.js"
import type { DurableState, ExecutionStateClient, Limits } from "../../services/DurableState.js"
import * as ExecutionState from "./executionState.js"

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
      Effect.timeoutFail({
        duration: limits.pageTimeout,
        onTimeout: () =>
          new DurableStateError(ExecutionState.timedOut(Duration.toMillis(Duration.decode(limits.pageTimeout))))
      })
    )
})
