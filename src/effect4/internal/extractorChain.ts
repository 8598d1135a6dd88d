/**
 * The chain's run on Effect 4: guards first (an extractor's, and its groups' once per run of members), then each
 * extractor in order, isolated, so a failure or defect becomes an attempt and the chain goes on. The guards and
 * the words of attempts are the shared core's (`chainGuards`).
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Guards from "../../internal/chainGuards.js"
import { Invocation } from "../../internal/invocation.js"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { Attempt, ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
import type { ExtractorChain } from "../services/ExtractorChain.js"
import type { Extracted, TraceExtractor } from "../services/TraceExtractor.js"

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return Guards.failedAttempt(extractor.name, failure.value)
  const defect = Cause.findDefect(cause)
  return Guards.defectAttempt(extractor.name, Result.isSuccess(defect) ? { value: defect.success } : undefined)
}

/** Builds a chain's service from an ordered list of extractors. */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => {
  const plan = Guards.plan(extractors)

  // The chain's run decides which extractor runs; this loop runs it. An extractor whose effect is already
  // completed (an `Exit`, as every built-in one is unless it reads later pages) is read here, without a step of the
  // runtime; the chain waits only on an effect that is not completed, and resumes the run after it.
  const drive = (
    chain: Guards.ChainRun,
    invocation: Invocation,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    let found: Extracted | undefined
    const record = (extracted: Extracted): void => {
      const isFound = Option.isSome(extracted.context)
      if (isFound) found = extracted
      chain.ran(isFound, extracted.notes)
    }
    const resume = (): Effect.Effect<ExtractionResult> => {
      for (let index = chain.next(); index >= 0; index = chain.next()) {
        const extractor = extractors[index]!
        let effect: Effect.Effect<Extracted, ExtractorFailure>
        try {
          effect = extractor.extract(event, lambdaContext, invocation)
        } catch (defect) {
          // What `Effect.suspend` would do with a throwing `extract`: a defect.
          effect = Exit.die(defect)
        }
        if (!Exit.isExit(effect)) {
          return Effect.matchCauseEffect(effect, {
            onFailure: (cause) => failed(chain, extractor, cause, resume),
            onSuccess: (extracted) => {
              record(extracted)
              return resume()
            }
          })
        }
        const exit = effect as Exit.Exit<Extracted, ExtractorFailure>
        if (Exit.isFailure(exit)) return failed(chain, extractor, exit.cause, resume)
        record(exit.value)
      }
      return Effect.succeed(resultOf(chain, found))
    }
    return resume()
  }

  const resultOf = (chain: Guards.ChainRun, found: Extracted | undefined): ExtractionResult => {
    if (chain.foundAt === undefined || found === undefined || Option.isNone(found.context)) {
      return { context: Option.none(), links: Guards.NO_LINKS, attempts: chain.attempts }
    }
    return {
      context: Option.some(TraceContext.withSource(found.context.value, extractors[chain.foundAt]!.name)),
      links: found.links.length === 0 ? Guards.NO_LINKS : found.links.slice(),
      attempts: chain.attempts
    }
  }

  const failed = (
    chain: Guards.ChainRun,
    extractor: TraceExtractor,
    cause: Cause.Cause<ExtractorFailure>,
    resume: () => Effect.Effect<ExtractionResult>
  ): Effect.Effect<ExtractionResult> => {
    if (Cause.hasInterruptsOnly(cause)) return Effect.interrupt
    const attempt = failureAttempt(extractor, cause)
    chain.failed(attempt)
    return Effect.andThen(
      Effect.logDebug("trace extractor failed").pipe(
        Effect.annotateLogs({ extractor: extractor.name, reason: attempt.reason ?? "" })
      ),
      Effect.suspend(resume)
    )
  }

  const run = (event: unknown, lambdaContext: unknown, invocation: Invocation = new Invocation()) =>
    drive(new Guards.ChainRun(plan, event, lambdaContext), invocation, event, lambdaContext)
  return {
    extractors,
    extract: (event, lambdaContext, invocation) => Effect.suspend(() => run(event, lambdaContext, invocation)),
    run
  }
}

/** The extractor services present in the context, in the given order. */
export const collect = (
  services: ReadonlyArray<Context.Key<any, TraceExtractor>>
): Effect.Effect<ReadonlyArray<TraceExtractor>> =>
  Effect.map(
    Effect.forEach(services, (key) => Effect.serviceOption(key)),
    (found) => found.flatMap((extractor) => Option.isSome(extractor) ? [extractor.value] : [])
  )
