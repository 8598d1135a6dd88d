/**
 * What a custom extractor returned, read into an extraction result.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"
import * as TraceExtractor from "../services/TraceExtractor.js"
import * as ContextLike from "./contextLike.js"

/** The custom extractor's typed failure. */
export const fail = (reason: ExtractionError["reason"], detail: string, cause?: unknown) =>
  new ExtractionError({ extractor: "custom", reason, detail, ...(cause === undefined ? {} : { cause }) })

const isTraceContext = (value: unknown): value is TraceContext.TraceContext =>
  value instanceof TraceContext.TraceContext

/**
 * Interprets what a custom extractor returned: a context, a context-like object (checked), a header map (through
 * the propagator) or nothing.
 */
export const interpret = (
  result: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> =>
  Effect.suspend((): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> => {
    const value = Option.isOption(result) ? Option.getOrNull(Option.filter(result, isTraceContext)) : result
    const classified = ContextLike.classify(value, isTraceContext)
    switch (classified._tag) {
      case "Nothing":
        return Effect.succeed(TraceExtractor.none)
      case "Context":
        return Effect.succeed(TraceExtractor.found(classified.context))
      case "Fields":
        return Effect.succeed(TraceExtractor.found(TraceContext.make(classified.fields)))
      case "Incomplete":
        return Effect.fail(fail("IncompleteContext", ContextLike.INCOMPLETE))
      case "NotAnObject":
        return Effect.fail(fail("MalformedCarrier", `expected an object, got ${classified.type}`))
      case "Carrier":
        return Effect.flatMap(Propagator, (propagator) => propagator.extract(classified.carrier, "custom")).pipe(
          Effect.map(TraceExtractor.fromOption)
        )
    }
  })
