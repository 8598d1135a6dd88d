/**
 * How the Effect 3 line runs the shared programs (triggers and durable): each request the program yields is answered
 * by an effect, and the program resumes at once when that effect is already completed, so an extractor costs no step
 * of the runtime unless a service it asks is asynchronous.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../../domain/Errors.js"
import type * as TraceContext from "../../domain/TraceContext.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import type * as Durable from "../durable/durableProgram.js"
import type { ExtractorName } from "../extractorName.js"
import type { Invocation } from "../invocation.js"
import { isOutcome } from "../triggers/program.js"
import * as RecordBatch from "../triggers/recordBatch.js"

/** What a program ends with (a trigger program never raises). */
export type Outcome = Durable.Outcome<TraceContext.TraceContext, ExtractorFailure>

/** A program's outcome as the extractor's result, or its typed error. */
export const toExtracted = (
  source: ExtractorName,
  outcome: Outcome
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  switch (outcome._tag) {
    case "Found":
      return Exit.succeed(TraceExtractor.found(outcome.context, { links: outcome.links, notes: outcome.notes }))
    case "Nothing":
      // The outcome's notes are the program's own, fresh or frozen: the result can hold them as they are.
      return Exit.succeed(
        outcome.notes.length === 0
          ? TraceExtractor.none
          : { context: Option.none(), links: RecordBatch.noLinks, notes: outcome.notes }
      )
    case "Malformed":
      return Exit.fail(new ExtractionError({ extractor: source, reason: outcome.reason, detail: outcome.detail }))
    case "Raise":
      return Exit.fail(outcome.error)
  }
}

/**
 * Runs a program's start for the extractor `source`: an outcome at once, or the program, answering each request
 * with `answer`. A failed answer fails the extractor. The effect resumes the program, so unless it is completed it
 * runs once (see {@link extract}).
 */
export const run = <R>(
  source: ExtractorName,
  start: Outcome | Generator<R, Outcome, unknown>,
  answer: (request: R) => Effect.Effect<unknown, ExtractorFailure>
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  if (isOutcome(start)) return toExtracted(source, start)
  const program = start
  const resume = (next: unknown): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    for (;;) {
      const step = program.next(next)
      if (step.done === true) return toExtracted(source, step.value)
      const pending = answer(step.value)
      if (!Completed.isCompleted(pending)) return Effect.flatMap(pending, resume)
      if (Exit.isFailure(pending)) return Exit.failCause(pending.cause)
      next = pending.value
    }
  }
  return resume(undefined)
}

/**
 * An extractor's `extract` over a program: `programOf` starts it on an invocation, `answerOf` gives what answers its
 * requests there. An outcome is the result at once, with no closure made for it. A program's effect can be run
 * again, as any effect: a generator resumes only once, so when the program waited on a service (the effect is then
 * not completed, and its first run resumes the program started here), every later run starts it anew.
 */
export const extract = <R>(
  source: ExtractorName,
  programOf: (
    event: unknown,
    lambdaContext: unknown,
    invocation: Invocation | undefined
  ) => Outcome | Generator<R, Outcome, unknown>,
  answerOf: (
    lambdaContext: unknown,
    invocation: Invocation | undefined
  ) => (request: R) => Effect.Effect<unknown, ExtractorFailure>
) =>
(
  event: unknown,
  lambdaContext: unknown,
  invocation?: Invocation | undefined
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const start = programOf(event, lambdaContext, invocation)
  if (isOutcome(start)) return toExtracted(source, start)
  const answer = answerOf(lambdaContext, invocation)
  const first = run(source, start, answer)
  if (Completed.isCompleted(first)) return first
  let started = false
  return Effect.suspend(() => {
    if (started) return run(source, programOf(event, lambdaContext, invocation), answer)
    started = true
    return first
  })
}
