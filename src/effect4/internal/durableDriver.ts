/**
 * Runs the shared durable programs (`internal/durable/durableProgram.ts`) on Effect 4: a request is answered by the
 * propagator, the `DurableState` service (through `paging.ts`) or the trigger extractors, and the program resumes
 * at once when the answer is already an `Exit`.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as DurableOperations from "../../internal/durable/durableOperations.js"
import type * as Durable from "../../internal/durable/durableProgram.js"
import type { ExtractorName } from "../../internal/extractorName.js"
import type { Invocation } from "../../internal/invocation.js"
import { err, ok, type Result } from "../../internal/result.js"
import { durable } from "../../internal/triggers/trigger.js"
import type { ExtractorFailure, PropagatorError, TracerUnavailable } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import type { DurableState } from "../services/DurableState.js"
import type { ExtractorChain } from "../services/ExtractorChain.js"
import type { Propagator } from "../services/Propagator.js"
import * as TraceExtractor from "../services/TraceExtractor.js"
import * as Paging from "./paging.js"
import * as Programs from "./programs.js"

/**
 * What the Effect 4 line gives the durable programs. Operations are read without Schema
 * (`DurableOperations.decodeFields`, worded as the Effect 3 line's Schema view), so both lines word a malformed
 * operation alike.
 */
export const env: Durable.Env<TraceContext.TraceContext> = {
  withSource: TraceContext.withSource,
  decodeFields: DurableOperations.decodeFields
}

type Failure = PropagatorError | TracerUnavailable

/** A durable program's start on the Effect 4 line. */
export type Program = Durable.Start<TraceContext.TraceContext, Failure>

/** The services that answer a program's requests. */
export interface Services {
  readonly propagator: Propagator.Service
  /** The layer-provided `DurableState` service (a per-invocation one wins). */
  readonly state: Option.Option<DurableState.Service>
  /** The trigger extractors, for an input payload's original event. */
  readonly triggers?: ExtractorChain.Service | undefined
}

/** The propagator's answer with its typed failure as a value; defects and interruptions pass through. */
const settle = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<Result<A, E>> => {
  if (Exit.isExit(effect)) {
    const exit = effect as Exit.Exit<A, E>
    if (Exit.isSuccess(exit)) return Exit.succeed(ok(exit.value))
    const [reason, ...others] = exit.cause.reasons
    if (reason !== undefined && others.length === 0 && Cause.isFailReason(reason)) {
      return Exit.succeed(err(reason.error))
    }
  }
  return Effect.match(effect, { onFailure: err, onSuccess: ok })
}

/** The answer to one request. */
const answer = (
  source: ExtractorName,
  request: Durable.Request,
  services: Services,
  lambdaContext: unknown,
  invocation: Invocation | undefined
): Effect.Effect<unknown, ExtractorFailure> => {
  switch (request._tag) {
    case "Propagate":
      return Programs.map(services.propagator.extract(request.carrier, source), Option.getOrUndefined)
    case "PropagateDatadog": {
      // Checkpoints are Datadog-style: a propagator that can read them whatever the configured styles does so.
      const extract = services.propagator.extractDatadog ?? services.propagator.extract
      return Programs.map(
        settle(extract(request.carrier, source)),
        (result) => result._tag === "Ok" ? ok(Option.getOrUndefined(result.value)) : result
      )
    }
    case "ReadPages":
      return Paging.read(services.state, request, lambdaContext, invocation)
    case "RunTriggers":
      return services.triggers === undefined
        ? Exit.succeed({ context: undefined, links: [], attempts: [] })
        : Programs.map(services.triggers.run(request.event, request.lambdaContext), (result) => ({
          context: Option.getOrUndefined(result.context),
          links: result.links,
          attempts: result.attempts
        }))
  }
}

/**
 * A durable extractor over the given services, running the program `programOf` makes for each event. The effect
 * can be run again, as any effect: a generator resumes only once, so when the program waited on a service, every
 * run after the first starts the program anew.
 */
export const extractor = (
  name: ExtractorName,
  programOf: (event: unknown, lambdaContext: unknown, invocation: Invocation | undefined) => Program,
  services: Services
): TraceExtractor.TraceExtractor =>
  TraceExtractor.make({
    name,
    group: durable,
    extract: Programs.extract(
      name,
      programOf,
      (lambdaContext, invocation) => (request) => answer(name, request, services, lambdaContext, invocation)
    )
  })
