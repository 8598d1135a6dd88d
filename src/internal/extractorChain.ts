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
import { type Extracted, type Group, Invocation, type TraceExtractor } from "../services/TraceExtractor.js"
import * as Completed from "./completed.js"

const failureReason = (error: ExtractorFailure): string => `${error._tag}.${error.reason}`

const MAX_DEFECT_DETAIL = 200

/** A defect in words: an error's name and the first line of its message, bounded; never a rendering of a value. */
const describeDefect = (defect: unknown): string => {
  if (!(defect instanceof Error)) return `a thrown ${defect === null ? "null" : typeof defect}`
  const text = `${String(defect.name).slice(0, 64)}: ${
    String(defect.message).slice(0, MAX_DEFECT_DETAIL).split("\n", 1)[0]
  }`
  return text.length > MAX_DEFECT_DETAIL ? `${text.slice(0, MAX_DEFECT_DETAIL)}…` : text
}

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    return {
      extractor: extractor.name,
      outcome: "failed",
      reason: failureReason(failure.value),
      detail: failure.value.detail
    }
  }
  const defect = Cause.dieOption(cause)
  return {
    extractor: extractor.name,
    outcome: "failed",
    reason: "Defect",
    detail: Option.isSome(defect) ? describeDefect(defect.value) : "unexpected defect"
  }
}

const successAttempt = (extractor: TraceExtractor, extracted: Extracted): Attempt => {
  const outcome = Option.isSome(extracted.context) ? "found" : "none"
  const notes = extracted.notes
  return notes.length === 0
    ? { extractor: extractor.name, outcome }
    : { extractor: extractor.name, outcome, detail: notes.length === 1 ? notes[0]! : notes.join("; ") }
}

const guardDefect = (extractor: TraceExtractor): Attempt => ({
  extractor: extractor.name,
  outcome: "failed",
  reason: "Defect",
  detail: "the extractor's guard threw"
})

/** `true`, `false`, or `undefined` when the guard itself threw. */
const accepts = (extractor: TraceExtractor, event: unknown, lambdaContext: unknown): boolean | undefined => {
  if (extractor.accepts === undefined) return true
  try {
    return extractor.accepts(event, lambdaContext)
  } catch {
    return undefined
  }
}

/** A group's guard; one that throws lets its extractors' own guards decide. */
const groupAccepts = (group: Group, event: unknown, lambdaContext: unknown): boolean => {
  try {
    return group.accepts(event, lambdaContext)
  } catch {
    return true
  }
}

/** A group and its enclosing groups, innermost first. */
const lineage = (group: Group | undefined): ReadonlyArray<Group> => {
  const groups: Array<Group> = []
  for (let current = group; current !== undefined && groups.length < 8; current = current.parent) groups.push(current)
  return groups
}

/** A group whose run of consecutive members starts at an extractor, and the position just past the run. */
interface Run {
  readonly group: Group
  readonly end: number
}

/**
 * For each extractor, the runs that start there, outermost group first. A run is a longest stretch of consecutive
 * extractors whose groups (or enclosing groups) include the same group; its guard is checked once, at its start.
 */
const runsOf = (extractors: ReadonlyArray<TraceExtractor>): ReadonlyArray<ReadonlyArray<Run>> => {
  const lineages = extractors.map((extractor) => lineage(extractor.group))
  return lineages.map((groups, index) =>
    [...groups].reverse().flatMap((group) => {
      if (index > 0 && lineages[index - 1]!.includes(group)) return []
      let end = index + 1
      while (end < extractors.length && lineages[end]!.includes(group)) end++
      return [{ group, end }]
    })
  )
}

/** The end of the first run starting here whose group rejects the event, or -1. */
const rejectedUntil = (runs: ReadonlyArray<Run>, event: unknown, lambdaContext: unknown): number => {
  for (const run of runs) if (!groupAccepts(run.group, event, lambdaContext)) return run.end
  return -1
}

/** The links of a result that found none: frozen, so no caller can add to another invocation's result. */
const NO_LINKS: ReadonlyArray<never> = Object.freeze([])

/** Builds a chain's service from an ordered list of extractors. */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => {
  const runs = runsOf(extractors)
  const noneAttempts: ReadonlyArray<Attempt> = extractors.map((extractor) =>
    Object.freeze({ extractor: extractor.name, outcome: "none" as const })
  )

  const found = (index: number, extracted: Extracted, attempts: Array<Attempt>): ExtractionResult => {
    const extractor = extractors[index]!
    attempts.push(successAttempt(extractor, extracted))
    const context = Option.getOrThrow(extracted.context)
    return {
      context: Option.some(TraceContext.withSource(context, extractor.name)),
      links: extracted.links.length === 0 ? NO_LINKS : extracted.links.slice(),
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
      const skipTo = rejectedUntil(runs[index]!, event, lambdaContext)
      if (skipTo >= 0) {
        for (; index < skipTo; index++) attempts.push(noneAttempts[index]!)
        continue
      }
      const extractor = extractors[index]!
      const accepted = accepts(extractor, event, lambdaContext)
      if (accepted !== true) {
        attempts.push(accepted === false ? noneAttempts[index]! : guardDefect(extractor))
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
    return Exit.succeed({ context: Option.none(), links: NO_LINKS, attempts })
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
