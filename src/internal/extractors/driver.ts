/**
 * Runs the shared trigger programs (`triggers/program.ts`) on Effect 3: a request is answered by the propagator
 * or the X-Ray header reader, and the program resumes at once when the answer is an already completed effect, so a
 * built-in extractor costs no step of the runtime unless a service is asynchronous.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import type { ExtractorName } from "../extractorName.js"
import type * as Program from "../triggers/program.js"
import * as Schemas from "../triggers/schemas.js"
import type { Trigger } from "../triggers/trigger.js"
import * as Programs from "./programs.js"
import * as XRay from "./xRay.js"

/** What the Effect 3 line gives the programs. */
export const env: Program.Env<TraceContext.TraceContext> = { make: TraceContext.make, decoders: Schemas.decoders }

/** The services that answer a program's requests. */
export interface Services {
  readonly propagator: Propagator.Service
  readonly readXRayHeader: XRay.HeaderReader
}

/** The answer to a trigger program's request: a context from the propagator, or the X-Ray header. */
const answer = (source: ExtractorName, services: Services) => (request: Program.Request) =>
  Completed.map(
    request._tag === "Propagate" ? services.propagator.extract(request.carrier, source) : services.readXRayHeader(),
    Option.getOrUndefined<unknown>
  )

/** Runs a trigger program for the extractor `source` (see {@link Programs.run}). Propagator failures are passed on. */
export const run = (
  source: ExtractorName,
  program: Program.Start<TraceContext.TraceContext>,
  services: Services
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => Programs.run(source, program, answer(source, services))

/** A trigger's extractor over the given services. */
export const extractor = (trigger: Trigger, services: Services): TraceExtractor.TraceExtractor => {
  const answerRequest = answer(trigger.name, services)
  return TraceExtractor.make({
    name: trigger.name,
    accepts: trigger.accepts,
    textGuard: trigger.textGuard,
    group: trigger.group,
    extract: Programs.extract(
      trigger.name,
      (event, lambdaContext) => trigger.program(env, event, lambdaContext),
      () => answerRequest
    )
  })
}

/** A trigger's extractor over the propagator in context, reading `_X_AMZN_TRACE_ID` through the `ConfigProvider`. */
export const make = (trigger: Trigger): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> =>
  Effect.zipWith(
    Propagator,
    XRay.headerReader,
    (propagator, readXRayHeader) => extractor(trigger, { propagator, readXRayHeader })
  )
