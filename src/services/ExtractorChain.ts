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
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as internal from "../internal/extractorChain.js"
import type { Invocation, TraceExtractor } from "./TraceExtractor.js"

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
    /**
     * Runs the chain. Never fails: every failure is recorded as an attempt. The extractors share work through
     * `invocation` (a new one when omitted): pass one to share it with them too.
     */
    readonly extract: (
      event: unknown,
      lambdaContext: unknown,
      invocation?: Invocation
    ) => Effect.Effect<ExtractionResult>
    /**
     * Runs the chain when called, not when the effect runs: `extract` is `Effect.suspend(() => run(...))`. The
     * result is a completed effect (an `Exit`) unless an extractor's effect is not. For callers that are already
     * running an effect (the {@link extract} accessor, the durable input extractor), it saves a runtime step.
     */
    readonly run: (event: unknown, lambdaContext: unknown, invocation?: Invocation) => Effect.Effect<ExtractionResult>
  }
}

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
export const make: (extractors: ReadonlyArray<TraceExtractor>) => ExtractorChain.Service = internal.make

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
): Layer.Layer<ExtractorChain> => Layer.effect(ExtractorChain, Effect.map(internal.collect(services), make))

/**
 * Runs the chain in the context on one invocation. Pass an `Invocation` to share its extractors' work (it belongs
 * to this event only); by default the chain makes its own.
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
  lambdaContext?: unknown,
  invocation?: Invocation
) => Effect.Effect<ExtractionResult, never, ExtractorChain> = (event, lambdaContext, invocation) =>
  // One runtime step reads the service from the fiber; the chain then runs at once (see `run`).
  Effect.withFiberRuntime<ExtractionResult, never, ExtractorChain>((fiber) =>
    Context.unsafeGet(fiber.currentContext, ExtractorChain).run(event, lambdaContext, invocation)
  )
