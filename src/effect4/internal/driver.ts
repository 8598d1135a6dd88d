/**
 * Runs the shared trigger programs (`internal/triggers/program.ts`) on Effect 4: a request is answered by the
 * propagator or the X-Ray header reader, and the program resumes at once when the answer is already an `Exit`.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { ExtractorName } from "../../internal/extractorName.js"
import * as XRayHeader from "../../internal/propagation/xRayHeader.js"
import type * as Program from "../../internal/triggers/program.js"
import type { Trigger } from "../../internal/triggers/trigger.js"
import { ExtractionError, type ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"
import * as TraceExtractor from "../services/TraceExtractor.js"
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

/** A program's outcome as the extractor's result, or its typed error. */
export const toExtracted = (
  source: ExtractorName,
  outcome: Program.Outcome<TraceContext.TraceContext>
): Effect.Effect<TraceExtractor.Extracted, ExtractionError> => {
  switch (outcome._tag) {
    case "Found":
      return Exit.succeed(TraceExtractor.found(outcome.context, { links: outcome.links, notes: outcome.notes }))
    case "Malformed":
      return Exit.fail(new ExtractionError({ extractor: source, reason: outcome.reason, detail: outcome.detail }))
    case "Nothing":
      return Exit.succeed(TraceExtractor.noneWith(...outcome.notes))
  }
}

/** Runs `program` for the extractor `source`. Propagator failures are passed on. */
export const run = (
  source: ExtractorName,
  program: Program.Program<TraceContext.TraceContext>,
  services: Services
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const resume = (answer: unknown): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    for (;;) {
      const step = program.next(answer)
      if (step.done === true) return toExtracted(source, step.value)
      const request = step.value
      const pending: Effect.Effect<Option.Option<unknown>, ExtractorFailure> = request._tag === "Propagate"
        ? services.propagator.extract(request.carrier, source)
        : services.readXRayHeader()
      if (!Exit.isExit(pending)) return Effect.flatMap(pending, (value) => resume(Option.getOrUndefined(value)))
      const exit = pending as Exit.Exit<Option.Option<unknown>, ExtractorFailure>
      if (Exit.isFailure(exit)) return Exit.failCause(exit.cause)
      answer = Option.getOrUndefined(exit.value)
    }
  }
  return resume(undefined)
}

// A program runs once: an extraction that had to wait runs a fresh program when its effect is run again.
const extractWith = (trigger: Trigger, services: Services) =>
(
  event: unknown,
  lambdaContext: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const start = () => run(trigger.name, trigger.program(env, event, lambdaContext), services)
  const first = start()
  if (Exit.isExit(first)) return first
  let started = false
  return Effect.suspend(() => {
    if (started) return start()
    started = true
    return first
  })
}

/** A trigger's extractor over the given services. */
export const extractor = (trigger: Trigger, services: Services): TraceExtractor.TraceExtractor =>
  TraceExtractor.make({
    name: trigger.name,
    accepts: trigger.accepts,
    textGuard: trigger.textGuard,
    group: trigger.group,
    extract: extractWith(trigger, services)
  })

/** A trigger's extractor over the propagator in context. */
export const make = (trigger: Trigger): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> =>
  Effect.map(Propagator, (propagator) => extractor(trigger, { propagator, readXRayHeader: configHeaderReader }))
