/**
 * Runs the shared trigger programs (`internal/triggers/program.ts`) on Effect 4: a request is answered by the
 * propagator or the X-Ray header reader, and the program resumes at once when the answer is already an `Exit`.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractorName } from "../../internal/extractorName.js"
import * as XRayHeader from "../../internal/propagation/xRayHeader.js"
import type * as Program from "../../internal/triggers/program.js"
import type { Trigger } from "../../internal/triggers/trigger.js"
import type { ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"
import * as TraceExtractor from "../services/TraceExtractor.js"
import * as Programs from "./programs.js"
import { decoders } from "./triggerSchemas.js"

/** What the Effect 4 line gives the programs. */
export const env: Program.Env<TraceContext.TraceContext> = { make: TraceContext.make, decoders }

/** Reads `_X_AMZN_TRACE_ID`: `None` when unset or unreadable. */
export type HeaderReader = () => Effect.Effect<Option.Option<string>>

/** The services that answer a program's requests. */
export interface Services {
  readonly propagator: Propagator.Service
  readonly readXRayHeader: HeaderReader
}

const configuredHeader = Config.option(Config.String(XRayHeader.ENV)).pipe(
  Effect.orElseSucceed(() => Option.none<string>())
)

/** `_X_AMZN_TRACE_ID` through the `ConfigProvider` in place. */
export const configHeaderReader: HeaderReader = () => configuredHeader

/** The answer to a trigger program's request: a context from the propagator, or the X-Ray header. */
const answer = (source: ExtractorName, services: Services) => (request: Program.Request) =>
  Programs.map(
    request._tag === "Propagate" ? services.propagator.extract(request.carrier, source) : services.readXRayHeader(),
    Option.getOrUndefined<unknown>
  )

/** Runs a trigger program for the extractor `source`. Propagator failures are passed on. */
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

/** A trigger's extractor over the propagator in context. */
export const make = (trigger: Trigger): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> =>
  Effect.map(Propagator, (propagator) => extractor(trigger, { propagator, readXRayHeader: configHeaderReader }))
