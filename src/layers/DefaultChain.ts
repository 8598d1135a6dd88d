/**
 * The default extractor chain: custom → durable checkpoint → durable input payload → triggers → Lambda client
 * context → X-Ray. {@link layerWith} puts your own extractor in a built-in one's place.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { CustomExtractor, DefaultChain, NativePropagator } from "effect-datadog-lambda"
 *
 * // Your own carrier (a header map on the event) runs first; the built-ins follow.
 * const custom = CustomExtractor.layerFunction((event) =>
 *   (event as { readonly myHeaders?: Readonly<Record<string, string>> }).myHeaders ?? null
 * )
 * const chain = DefaultChain.layer.pipe(Layer.provide(custom), Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as AppSyncExtractor from "../internal/extractors/appSync.js"
import * as DurableCheckpointExtractor from "../internal/extractors/durableCheckpoint.js"
import * as DurableInputExtractor from "../internal/extractors/durableInput.js"
import * as EventBridgeExtractor from "../internal/extractors/eventBridge.js"
import * as EventBridgeSqsExtractor from "../internal/extractors/eventBridgeSqs.js"
import * as HttpExtractor from "../internal/extractors/http.js"
import * as KafkaExtractor from "../internal/extractors/kafka.js"
import * as KinesisExtractor from "../internal/extractors/kinesis.js"
import * as LambdaContextExtractor from "../internal/extractors/lambdaContext.js"
import * as SnsExtractor from "../internal/extractors/sns.js"
import * as SnsSqsExtractor from "../internal/extractors/snsSqs.js"
import * as SqsExtractor from "../internal/extractors/sqs.js"
import * as StepFunctionsExtractor from "../internal/extractors/stepFunctions.js"
import * as Triggers from "../internal/extractors/triggers.js"
import * as XRayExtractor from "../internal/extractors/xRay.js"
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
 * @since 0.1.0
 * @category models
 */
export const services: ReadonlyArray<Context.Tag<any, TraceExtractor>> = [
  CustomExtractor,
  Extractors.DurableCheckpointExtractor,
  Extractors.DurableInputExtractor,
  ...Triggers.services,
  Extractors.LambdaContextExtractor,
  Extractors.XRayExtractor
]

/**
 * Every trigger extractor.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTriggers = Layer.mergeAll(
  HttpExtractor.layer,
  SnsExtractor.layer,
  SnsSqsExtractor.layer,
  EventBridgeSqsExtractor.layer,
  AppSyncExtractor.layer,
  SqsExtractor.layer,
  KinesisExtractor.layer,
  EventBridgeExtractor.layer,
  StepFunctionsExtractor.layer,
  KafkaExtractor.layer
)

/**
 * Every built-in extractor (the custom one is the app's to provide).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerExtractors = Layer.mergeAll(
  DurableCheckpointExtractor.layer,
  DurableInputExtractor.layer,
  LambdaContextExtractor.layer,
  XRayExtractor.layer
).pipe(Layer.provideMerge(layerTriggers))

/**
 * The default chain over a provided propagator. A `CustomExtractor` provided to this layer runs first. To
 * replace or drop a built-in extractor (in tests, say), build the chain with
 * `ExtractorChain.layerFromServices(DefaultChain.services)` over your own set of extractor layers.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ExtractorChain.ExtractorChain, never, Propagator> = ExtractorChain
  .layerFromServices(services)
  .pipe(Layer.provide(layerExtractors))

/**
 * The default chain with some extractors replaced: each extractor service that `overrides` provides takes the
 * place of the built-in one, in the built-in's position. Tests use it to swap one extractor for a fake.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = <ROut, E, RIn>(
  overrides: Layer.Layer<ROut, E, RIn>
): Layer.Layer<ExtractorChain.ExtractorChain, E, Propagator | RIn> =>
  ExtractorChain.layerFromServices(services).pipe(Layer.provide(Layer.merge(layerExtractors, overrides)))

/**
 * The default chain with the native propagator configured from the environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNative: Layer.Layer<ExtractorChain.ExtractorChain> = layer.pipe(
  Layer.provide(NativePropagator.layerConfig)
)

/**
 * The default chain over the app's initialised dd-trace tracer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDdTrace: Layer.Layer<ExtractorChain.ExtractorChain> = layer.pipe(
  Layer.provide(DdTracePropagator.layerGlobal)
)
