/**
 * The ordered fallback chain of extractors. It runs them in order, returns the first context found, and records
 * every attempt so users can see why nothing matched. A failing extractor never stops the chain.
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
import type { Extracted, TraceExtractor } from "./TraceExtractor.js"

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

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.failureOption(cause)
  return Option.isSome(failure)
    ? {
      extractor: extractor.name,
      outcome: "failed",
      reason: failureReason(failure.value),
      detail: failure.value.detail
    }
    : {
      extractor: extractor.name,
      outcome: "failed",
      reason: "Defect",
      detail: Cause.pretty(cause).split("\n", 1)[0] ?? "unexpected defect"
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

/**
 * Builds a chain from an ordered list of extractors. Extractors whose `accepts` guard rejects the event are
 * recorded as "none" without running; the rest run as effects, each isolated so a failure or defect is recorded
 * and the chain goes on.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => {
  const noneAttempts: ReadonlyArray<Attempt> = extractors.map((extractor) =>
    Object.freeze({ extractor: extractor.name, outcome: "none" as const })
  )
  const nothingFound = (attempts: ReadonlyArray<Attempt>): ExtractionResult => ({
    context: Option.none(),
    links: [],
    attempts
  })
  // A plain loop rather than Effect.gen: only extractors whose guard accepts the event cost an effect, and an
  // extractor whose effect is already an `Exit` (a result computed when `extract` was called) costs no step of the
  // runtime at all: its outcome is read here and the loop goes on.
  const from = (
    index: number,
    attempts: Array<Attempt>,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    for (; index < extractors.length; index++) {
      const extractor = extractors[index]!
      const accepted = accepts(extractor, event, lambdaContext)
      if (accepted === false) {
        attempts.push(noneAttempts[index]!)
        continue
      }
      if (accepted === undefined) {
        attempts.push(guardDefect(extractor))
        continue
      }
      let effect: Effect.Effect<Extracted, ExtractorFailure>
      try {
        effect = extractor.extract(event, lambdaContext)
      } catch (defect) {
        // What `Effect.suspend` would do with a throwing `extract`: a defect.
        effect = Exit.die(defect)
      }
      const next = index + 1
      if (Completed.isCompleted(effect)) {
        if (Exit.isFailure(effect)) return onFailure(extractor, effect.cause, next, attempts, event, lambdaContext)
        const result = onSuccess(extractor, effect.value, attempts)
        if (result !== undefined) return Effect.succeed(result)
        continue
      }
      return Effect.matchCauseEffect(effect, {
        onFailure: (cause) => onFailure(extractor, cause, next, attempts, event, lambdaContext),
        onSuccess: (extracted) => {
          const result = onSuccess(extractor, extracted, attempts)
          return result !== undefined ? Effect.succeed(result) : from(next, attempts, event, lambdaContext)
        }
      })
    }
    return Effect.succeed(nothingFound(attempts))
  }
  const onFailure = (
    extractor: TraceExtractor,
    cause: Cause.Cause<ExtractorFailure>,
    next: number,
    attempts: Array<Attempt>,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
    const attempt = failureAttempt(extractor, cause)
    attempts.push(attempt)
    return Effect.zipRight(
      Effect.logDebug("trace extractor failed").pipe(
        Effect.annotateLogs({ extractor: extractor.name, reason: attempt.reason ?? "" })
      ),
      Effect.suspend(() => from(next, attempts, event, lambdaContext))
    )
  }
  /** The result when the extractor found a context, else `undefined` (go on). */
  const onSuccess = (
    extractor: TraceExtractor,
    extracted: Extracted,
    attempts: Array<Attempt>
  ): ExtractionResult | undefined => {
    attempts.push(successAttempt(extractor, extracted))
    const context = extracted.context
    return Option.isSome(context)
      ? {
        context: Option.some(TraceContext.withSource(context.value, extractor.name)),
        links: extracted.links,
        attempts
      }
      : undefined
  }
  const run = (event: unknown, lambdaContext: unknown) => from(0, [], event, lambdaContext)
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
 * extra one-span trace in Datadog on every invocation (and about 20 µs of tracer work). The handler span that
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
