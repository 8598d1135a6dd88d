/**
 * The ordered fallback chain: runs its extractors in order and returns the first context found, with every
 * attempt. An extractor that fails or dies is recorded and the chain goes on; the chain itself never fails.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { DefaultChain, ExtractorChain } from "effect-datadog-lambda/effect4"
 *
 * const event = { headers: { "x-datadog-trace-id": "1234", "x-datadog-parent-id": "5678" } }
 * const result = await Effect.runPromise(
 *   Effect.provide(ExtractorChain.extract(event, {}), DefaultChain.layerNative)
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as internal from "../internal/extractorChain.js"
import type { Invocation, TraceExtractor } from "./TraceExtractor.js"

/**
 * @since 0.2.0
 * @category services
 */
export class ExtractorChain extends Context.Service<ExtractorChain, ExtractorChain.Service>()(
  "effect-datadog-lambda/ExtractorChain"
) {}

/**
 * @since 0.2.0
 * @category services
 */
export declare namespace ExtractorChain {
  /**
   * @since 0.2.0
   * @category services
   */
  export interface Service {
    /** The extractors, in the order they run. */
    readonly extractors: ReadonlyArray<TraceExtractor>
    /**
     * Runs the chain on an invocation's event and Lambda context. The extractors share work through `invocation`
     * (a new one when omitted): pass one to share it with them too.
     */
    readonly extract: (
      event: unknown,
      lambdaContext: unknown,
      invocation?: Invocation
    ) => Effect.Effect<ExtractionResult>
    /** {@link Service.extract}, with no suspension of its own: for callers already inside an effect. */
    readonly run: (event: unknown, lambdaContext: unknown, invocation?: Invocation) => Effect.Effect<ExtractionResult>
  }
}

/**
 * A chain over an ordered list of extractors.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (extractors: ReadonlyArray<TraceExtractor>) => ExtractorChain.Service = internal.make

/**
 * A chain layer over an ordered list of extractors.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (extractors: ReadonlyArray<TraceExtractor>): Layer.Layer<ExtractorChain> =>
  Layer.succeed(ExtractorChain, make(extractors))

/**
 * A chain over the extractor services present in the context, in the given order; absent ones are skipped.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromServices = (
  services: ReadonlyArray<Context.Key<any, TraceExtractor>>
): Layer.Layer<ExtractorChain> => Layer.effect(ExtractorChain, Effect.map(internal.collect(services), make))

/**
 * Runs the chain in the context on an invocation's event and Lambda context. Pass an `Invocation` to share its
 * extractors' work (it belongs to this event only); by default the chain makes its own.
 *
 * @since 0.2.0
 * @category accessors
 */
export const extract = (
  event: unknown,
  lambdaContext?: unknown,
  invocation?: Invocation
): Effect.Effect<ExtractionResult, never, ExtractorChain> =>
  Effect.flatMap(ExtractorChain, (chain) => chain.run(event, lambdaContext, invocation))
