/**
 * Runs the shared durable programs (`durable/durableProgram.ts`) on Effect 3: a request is answered by the
 * propagator, the `DurableState` service (through `paging.ts`) or the trigger extractors, and the program resumes at
 * once when the answer is an already completed effect, so an envelope of one page costs no step of the runtime
 * unless a service is asynchronous.
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { ExtractorFailure, PropagatorError, TracerUnavailable } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import type { DurableState } from "../../services/DurableState.js"
import type { ExtractorChain } from "../../services/ExtractorChain.js"
import type { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import type * as Durable from "../durable/durableProgram.js"
import * as OperationFields from "../durable/operationFields.js"
import * as Paging from "../durable/paging.js"
import type { ExtractorName } from "../extractorName.js"
import type { Invocation } from "../invocation.js"
import { err, ok } from "../result.js"
import { durable } from "../triggers/trigger.js"
import * as Programs from "./programs.js"

/** What the Effect 3 line gives the durable programs. */
export const env: Durable.Env<TraceContext.TraceContext> = {
  withSource: TraceContext.withSource,
  decodeFields: OperationFields.decodeFields
}

/** A durable program's start on the Effect 3 line. */
export type Program = Durable.Start<TraceContext.TraceContext, PropagatorError | TracerUnavailable>

/** The services that answer a program's requests. */
export interface Services {
  readonly propagator: Propagator.Service
  /** The layer-provided `DurableState` service (a per-invocation one wins). */
  readonly state: Option.Option<DurableState.Service>
  /** The trigger extractors, for an input payload's original event. */
  readonly triggers?: ExtractorChain.Service | undefined
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
      return Completed.map(services.propagator.extract(request.carrier, source), Option.getOrUndefined)
    case "PropagateDatadog": {
      // Checkpoints are Datadog-style: a propagator that can read them whatever the configured styles does so.
      const extract = services.propagator.extractDatadog ?? services.propagator.extract
      return Completed.matchEither(
        extract(request.carrier, source),
        (result) => Exit.succeed(Either.isLeft(result) ? err(result.left) : ok(Option.getOrUndefined(result.right)))
      )
    }
    case "ReadPages":
      return Paging.read(services.state, request, lambdaContext, invocation)
    case "RunTriggers":
      return services.triggers === undefined
        ? Exit.succeed({ context: undefined, links: [], attempts: [] })
        : Completed.map(services.triggers.run(request.event, request.lambdaContext), (result) => ({
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
