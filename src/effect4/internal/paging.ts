/**
 * Paging on Effect 4: the shared pager (`internal/durable/pager.ts`) decides what to read and when to stop; this
 * answers its requests with the clock and the `DurableState` service (each page within the time the pager gives
 * it). Never fails.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ReadPages } from "../../internal/durable/durableProgram.js"
import * as Pager from "../../internal/durable/pager.js"
import type { Invocation } from "../../internal/invocation.js"
import type { DurableState, Limits } from "../services/DurableState.js"
import * as StateClient from "./stateClient.js"

/** A service's limits as the pager reads them. */
const pagerLimits = (limits: Limits): Pager.Limits => ({
  maxPages: limits.maxPages,
  maxOperations: limits.maxOperations,
  maxItems: limits.maxItems,
  budgetMillis: Duration.toMillis(limits.budget),
  maxShareOfRemainingTime: limits.maxShareOfRemainingTime
})

const fetch = (service: DurableState.Service, step: Pager.Fetch): Effect.Effect<Pager.Fetched> =>
  service.getExecutionState(step.request).pipe(
    Effect.match({
      onFailure: (failure): Pager.Fetched => ({ _tag: "Failed", failure }),
      onSuccess: (response): Pager.Fetched => ({ _tag: "Page", response })
    }),
    Effect.timeoutOrElse({
      duration: Duration.millis(step.timeoutMillis),
      orElse: () => Effect.succeed(Pager.timedOut)
    })
  )

/** Runs a read of the pager, answering its steps. */
const run = (read: Pager.Read, service: DurableState.Service): Effect.Effect<Pager.PagesRead> => {
  const resume = (answer: unknown): Effect.Effect<Pager.PagesRead> => {
    const step = read.next(answer)
    if (step.done === true) return Effect.succeed(step.value)
    return Effect.flatMap(step.value._tag === "Now" ? Clock.currentTimeMillis : fetch(service, step.value), resume)
  }
  return resume(undefined)
}

/**
 * Answers a program's {@link ReadPages}: the pages read with the service in use (the per-invocation one, else
 * `state`), shared by the invocation's durable extractors; `undefined` without a service.
 */
export const read = (
  state: Option.Option<DurableState.Service>,
  request: ReadPages,
  lambdaContext: unknown,
  invocation: Invocation | undefined
): Effect.Effect<Pager.PagesRead | undefined> =>
  Effect.flatMap(StateClient.resolve(state), (service) => {
    if (Option.isNone(service)) return Effect.succeed(undefined)
    const pager = Pager.of(
      invocation,
      service.value,
      request.start,
      () => pagerLimits(service.value.limits),
      lambdaContext
    )
    return Effect.suspend(() => run(pager.read(request.until), service.value))
  })
