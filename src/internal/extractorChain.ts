/**
 * The chain's run: guards first (an extractor's, and its groups' once per run of members), then each extractor in
 * order, isolated, so a failure or defect becomes an attempt and the chain goes on.
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { Attempt, ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
import type { ExtractorChain } from "../services/ExtractorChain.js"
import { type Extracted, Invocation, type TraceExtractor } from "../services/TraceExtractor.js"
import * as Guards from "./chainGuards.js"
import * as Completed from "./completed.js"

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.failureOption(cause)
  return Option.isSome(failure)
    ? Guards.failedAttempt(extractor.name, failure.value)
    : Guards.defectAttempt(
      extractor.name,
      Option.getOrUndefined(Option.map(Cause.dieOption(cause), (value) => ({ value })))
    )
}

const successAttempt = (extractor: TraceExtractor, extracted: Extracted): Attempt =>
  Guards.ranAttempt(extractor.name, Option.isSome(extracted.context), extracted.notes)

/** Builds a chain's service from an ordered list of extractors. */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => {
  const runs = Guards.runsOf(extractors)
  const noneAttempts: ReadonlyArray<Attempt> = extractors.map((extractor) =>
    Object.freeze({ extractor: extractor.name, outcome: "none" as const })
  )

  const found = (index: number, extracted: Extracted, attempts: Array<Attempt>): ExtractionResult => {
    const extractor = extractors[index]!
    attempts.push(successAttempt(extractor, extracted))
    const context = Option.getOrThrow(extracted.context)
    return {
      context: Option.some(TraceContext.withSource(context, extractor.name)),
      links: extracted.links.length === 0 ? Guards.NO_LINKS : extracted.links.slice(),
      attempts
    }
  }

  // A plain loop over the extractors: guards decide without an effect, and an extractor whose effect is already
  // completed (an `Exit`, as every built-in one is unless it reads later pages) is read here, without a step of the
  // runtime. The chain waits only on an effect that is not completed, and then resumes the loop after it.
  const from = (
    index: number,
    attempts: Array<Attempt>,
    invocation: Invocation,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    while (index < extractors.length) {
      const skipTo = Guards.rejectedUntil(runs[index]!, event, lambdaContext)
      if (skipTo >= 0) {
        for (; index < skipTo; index++) attempts.push(noneAttempts[index]!)
        continue
      }
      const extractor = extractors[index]!
      const accepted = Guards.accepts(extractor, event, lambdaContext)
      if (accepted !== true) {
        attempts.push(accepted === false ? noneAttempts[index]! : Guards.guardDefect(extractor.name))
        index++
        continue
      }
      let effect: Effect.Effect<Extracted, ExtractorFailure>
      try {
        effect = extractor.extract(event, lambdaContext, invocation)
      } catch (defect) {
        // What `Effect.suspend` would do with a throwing `extract`: a defect.
        effect = Exit.die(defect)
      }
      if (!Completed.isCompleted(effect)) {
        const at = index
        return Effect.matchCauseEffect(effect, {
          onFailure: (cause) => onFailure(at, cause, attempts, invocation, event, lambdaContext),
          onSuccess: (extracted) => {
            if (Option.isSome(extracted.context)) return Exit.succeed(found(at, extracted, attempts))
            attempts.push(successAttempt(extractors[at]!, extracted))
            return from(at + 1, attempts, invocation, event, lambdaContext)
          }
        })
      }
      if (Exit.isFailure(effect)) return onFailure(index, effect.cause, attempts, invocation, event, lambdaContext)
      const extracted = effect.value
      if (Option.isSome(extracted.context)) return Exit.succeed(found(index, extracted, attempts))
      attempts.push(successAttempt(extractor, extracted))
      index++
    }
    return Exit.succeed({ context: Option.none(), links: Guards.NO_LINKS, attempts })
  }

  const onFailure = (
    index: number,
    cause: Cause.Cause<ExtractorFailure>,
    attempts: Array<Attempt>,
    invocation: Invocation,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
    const extractor = extractors[index]!
    const attempt = failureAttempt(extractor, cause)
    attempts.push(attempt)
    return Effect.zipRight(
      Effect.logDebug("trace extractor failed").pipe(
        Effect.annotateLogs({ extractor: extractor.name, reason: attempt.reason ?? "" })
      ),
      Effect.suspend(() => from(index + 1, attempts, invocation, event, lambdaContext))
    )
  }

  const run = (event: unknown, lambdaContext: unknown) => from(0, [], new Invocation(), event, lambdaContext)
  return {
    extractors,
    extract: (event, lambdaContext) => Effect.suspend(() => run(event, lambdaContext)),
    run
  }
}

/** The extractor services present in the context, in the given order. */
export const collect = (
  services: ReadonlyArray<Context.Tag<any, TraceExtractor>>
): Effect.Effect<ReadonlyArray<TraceExtractor>> =>
  Effect.map(
    Effect.forEach(services, (tag) => Effect.serviceOption(tag)),
    (found) => found.flatMap((extractor) => Option.isSome(extractor) ? [extractor.value] : [])
  )
