/**
 * The ordered fallback chain of extractors. It runs them in order, returns the first context found, and records
 * every attempt so users can see why nothing matched. A failing extractor never stops the chain.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { DefaultChain, ExtractorChain } from "effect-datadog-lambda"
 *
 * const event = { headers: { "x-datadog-trace-id": "11", "x-datadog-parent-id": "22" } }
 * const result = Effect.runSync(ExtractorChain.extract(event, {}).pipe(Effect.provide(DefaultChain.layerNative)))
 * // result.context: Some(TraceContext { traceId: "11", parentId: "22", source: "http" }); result.attempts: each try
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { Attempt, ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
import * as Completed from "../internal/completed.js"
import { type Extracted, type Group, Invocation, type TraceExtractor } from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class ExtractorChain extends Context.Tag("effect-datadog-lambda/ExtractorChain")<
  ExtractorChain,
  ExtractorChain.Service
>() {}

/**
 * @since 0.1.0
 * @category services
 */
export declare namespace ExtractorChain {
  /**
   * @since 0.1.0
   * @category services
   */
  export interface Service {
    /** The extractors, in the order they run. */
    readonly extractors: ReadonlyArray<TraceExtractor>
    /** Runs the chain. Never fails: every failure is recorded as an attempt. */
    readonly extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<ExtractionResult>
    /**
     * Runs the chain when called, not when the effect runs: `extract` is `Effect.suspend(() => run(...))`. The
     * result is a completed effect (an `Exit`) unless an extractor's effect is not. For callers that are already
     * running an effect (the {@link extract} accessor, the durable input extractor), it saves a runtime step.
     */
    readonly run: (event: unknown, lambdaContext: unknown) => Effect.Effect<ExtractionResult>
  }
}

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

/**
 * Builds a chain from an ordered list of extractors. Extractors whose `accepts` guard rejects the event are
 * recorded as "none" without running, and so are consecutive extractors sharing a `group` whose guard rejects it;
 * the rest run as effects, each isolated so a failure or defect is recorded and the chain goes on.
 *
 * The chain keeps nothing between invocations: each one gets its own {@link Invocation} (the work its extractors
 * share) and its own result (whose lists are its own, or frozen when empty).
 *
 * @since 0.1.0
 * @category constructors
 */
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

/**
 * A chain over a fixed list of extractors.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (extractors: ReadonlyArray<TraceExtractor>): Layer.Layer<ExtractorChain> =>
  Layer.succeed(ExtractorChain, make(extractors))

/**
 * A chain over the extractor services that are present in the context, in the given order. Absent services are
 * skipped, so a chain can be assembled from whichever extractor layers an app (or a test) provides.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromServices = (
  services: ReadonlyArray<Context.Tag<any, TraceExtractor>>
): Layer.Layer<ExtractorChain> => Layer.effect(ExtractorChain, Effect.map(collect(services), make))

/**
 * The extractor services present in the context, in the given order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collect = (
  services: ReadonlyArray<Context.Tag<any, TraceExtractor>>
): Effect.Effect<ReadonlyArray<TraceExtractor>> =>
  Effect.map(
    Effect.forEach(services, (tag) => Effect.serviceOption(tag)),
    (found) => found.flatMap((extractor) => Option.isSome(extractor) ? [extractor.value] : [])
  )

/**
 * Runs the chain in the context on one invocation.
 *
 * Untraced on purpose: it runs before the upstream parent is known, so a span here would be a root span, i.e. an
 * extra one-span trace in Datadog on every invocation. The handler span that
 * follows carries the extractor's name instead.
 *
 * @since 0.1.0
 * @category extraction
 */
export const extract: (
  event: unknown,
  lambdaContext?: unknown
) => Effect.Effect<ExtractionResult, never, ExtractorChain> = (event, lambdaContext) =>
  // One runtime step reads the service from the fiber; the chain then runs at once (see `run`).
  Effect.withFiberRuntime<ExtractionResult, never, ExtractorChain>((fiber) =>
    Context.unsafeGet(fiber.currentContext, ExtractorChain).run(event, lambdaContext)
  )
