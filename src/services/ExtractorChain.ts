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
import { Attempt, ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
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
  }
}

const failureReason = (error: ExtractorFailure): string =>
  error._tag === "ExtractionError" ? `${error._tag}.${error.reason}` : `${error._tag}.${error.reason}`

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    return new Attempt({
      extractor: extractor.name,
      outcome: "failed",
      reason: failureReason(failure.value),
      detail: failure.value.detail
    }, true)
  }
  return new Attempt({
    extractor: extractor.name,
    outcome: "failed",
    reason: "Defect",
    detail: Cause.pretty(cause).split("\n", 1)[0] ?? "unexpected defect"
  }, true)
}

const successAttempt = (extractor: TraceExtractor, extracted: Extracted): Attempt => {
  const outcome = Option.isSome(extracted.context) ? "found" : "none"
  return extracted.notes.length === 0
    ? new Attempt({ extractor: extractor.name, outcome }, true)
    : new Attempt({ extractor: extractor.name, outcome, detail: extracted.notes.join("; ") }, true)
}

/**
 * Builds a chain from an ordered list of extractors.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => ({
  extractors,
  extract: (event, lambdaContext) =>
    Effect.gen(function*() {
      const attempts: Array<Attempt> = []
      for (const extractor of extractors) {
        const exit = yield* Effect.exit(Effect.suspend(() => extractor.extract(event, lambdaContext)))
        if (Exit.isFailure(exit)) {
          if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
          const attempt = failureAttempt(extractor, exit.cause)
          attempts.push(attempt)
          yield* Effect.logDebug("trace extractor failed").pipe(
            Effect.annotateLogs({ extractor: extractor.name, reason: attempt.reason ?? "" })
          )
          continue
        }
        attempts.push(successAttempt(extractor, exit.value))
        const context = exit.value.context
        if (Option.isSome(context)) {
          return new ExtractionResult({
            context: Option.some(TraceContext.withSource(context.value, extractor.name)),
            links: exit.value.links,
            attempts
          }, true)
        }
      }
      return new ExtractionResult({ context: Option.none(), links: [], attempts }, true)
    })
})

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
 * @since 0.1.0
 * @category extraction
 */
export const extract = Effect.fn("ExtractorChain.extract")(
  function*(event: unknown, lambdaContext?: unknown) {
    const chain = yield* ExtractorChain
    return yield* chain.extract(event, lambdaContext)
  }
)
