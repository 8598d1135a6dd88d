/**
 * The default extractor chain: custom → durable checkpoint → durable input payload → triggers → Lambda client
 * context → X-Ray. {@link layerWith} puts your own extractor in a built-in one's place.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { CustomExtractor, DefaultChain, NativePropagator } from "effect-datadog-lambda/effect4"
 *
 * // Your own carrier (a header map on the event) runs first; the built-ins follow.
 * const custom = CustomExtractor.layerFunction((event) =>
 *   (event as { readonly myHeaders?: Readonly<Record<string, string>> }).myHeaders ?? null
 * )
 * const chain = DefaultChain.layer.pipe(Layer.provide(custom), Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.2.0
 */
import type * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as BuiltinLayers from "../internal/extractorLayers.js"
import { CustomExtractor } from "../services/CustomExtractor.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as Extractors from "../services/Extractors.js"
import type { Propagator } from "../services/Propagator.js"
import type { TraceExtractor } from "../services/TraceExtractor.js"
import * as DdTracePropagator from "./DdTracePropagator.js"
import * as NativePropagator from "./NativePropagator.js"

/**
 * The extractor services of the default chain, in order.
 *
 * @since 0.2.0
 * @category models
 */
export const services: ReadonlyArray<Context.Key<any, TraceExtractor>> = [
  CustomExtractor,
  Extractors.DurableCheckpointExtractor,
  Extractors.DurableInputExtractor,
  ...BuiltinLayers.triggerServices,
  Extractors.LambdaContextExtractor,
  Extractors.XRayExtractor
]

/**
 * The default chain over a provided propagator. A `CustomExtractor` provided to this layer runs first.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<ExtractorChain.ExtractorChain, never, Propagator> = ExtractorChain
  .layerFromServices(services)
  .pipe(Layer.provide(BuiltinLayers.layerExtractors))

/**
 * The default chain with some extractors replaced: each extractor service that `overrides` provides takes the
 * place of the built-in one, in the built-in's position. Tests use it to swap one extractor for a fake.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerWith = <ROut, E, RIn>(
  overrides: Layer.Layer<ROut, E, RIn>
): Layer.Layer<ExtractorChain.ExtractorChain, E, Propagator | RIn> =>
  ExtractorChain.layerFromServices(services).pipe(Layer.provide(Layer.merge(BuiltinLayers.layerExtractors, overrides)))

/**
 * The default chain with the native propagator configured from the environment.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerNative: Layer.Layer<ExtractorChain.ExtractorChain> = layer.pipe(
  Layer.provide(NativePropagator.layerConfig)
)

/**
 * The default chain over the app's initialised dd-trace tracer.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerDdTrace: Layer.Layer<ExtractorChain.ExtractorChain> = layer.pipe(
  Layer.provide(DdTracePropagator.layerGlobal)
)
