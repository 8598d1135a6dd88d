/**
 * Runs the shared trigger programs (`triggers/program.ts`) on Effect 3: a request is answered by the propagator
 * or the X-Ray header reader, and the program resumes at once when the answer is an already completed effect, so a
 * built-in extractor costs no step of the runtime unless a service is asynchronous.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import type { ExtractorName } from "../extractorName.js"
import type * as Program from "../triggers/program.js"
import * as Schemas from "../triggers/schemas.js"
import type { Trigger } from "../triggers/trigger.js"
import * as XRay from "./xRay.js"

/** What the Effect 3 line gives the programs. */
export const env: Program.Env<TraceContext.TraceContext> = { make: TraceContext.make, decoders: Schemas.decoders }

/** The services that answer a program's requests. */
export interface Services {
  readonly propagator: Propagator.Service
  readonly readXRayHeader: XRay.HeaderReader
}

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

/**
 * Runs `program` for the extractor `source`. Propagator failures are passed on. The effect resumes `program`, so
 * unless it is completed it runs once (the extractor starts the program again for a later run).
 */
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
      if (!Completed.isCompleted(pending)) {
        return Effect.flatMap(pending, (value) => resume(Option.getOrUndefined(value)))
      }
      if (Exit.isFailure(pending)) return Exit.failCause(pending.cause)
      answer = Option.getOrUndefined(pending.value)
    }
  }
  return resume(undefined)
}

/**
 * Runs `trigger` on an event. The effect can be run again, as any effect: a generator resumes only once, so when
 * the program waited on a service (the effect {@link run} returns is then not completed, and its first run resumes
 * the program it started), every later run starts the program anew.
 */
const extractWith = (trigger: Trigger, services: Services) =>
(
  event: unknown,
  lambdaContext: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const start = () => run(trigger.name, trigger.program(env, event, lambdaContext), services)
  const first = start()
  if (Completed.isCompleted(first)) return first
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

/** A trigger's extractor over the propagator in context, reading `_X_AMZN_TRACE_ID` through the `ConfigProvider`. */
export const make = (trigger: Trigger): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> =>
  Effect.zipWith(
    Propagator,
    XRay.headerReader,
    (propagator, readXRayHeader) => extractor(trigger, { propagator, readXRayHeader })
  )
