/**
 * The default extractor chain: custom → durable checkpoint → durable input payload → triggers → Lambda client
 * context → X-Ray.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as AppSyncExtractor from "../services/AppSyncExtractor.js"
import { CustomExtractor } from "../services/CustomExtractor.js"
import * as DurableCheckpointExtractor from "../services/DurableCheckpointExtractor.js"
import * as DurableInputExtractor from "../services/DurableInputExtractor.js"
import * as EventBridgeExtractor from "../services/EventBridgeExtractor.js"
import * as EventBridgeSqsExtractor from "../services/EventBridgeSqsExtractor.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as HttpExtractor from "../services/HttpExtractor.js"
import * as KafkaExtractor from "../services/KafkaExtractor.js"
import * as KinesisExtractor from "../services/KinesisExtractor.js"
import * as LambdaContextExtractor from "../services/LambdaContextExtractor.js"
import type { Propagator } from "../services/Propagator.js"
import * as SnsExtractor from "../services/SnsExtractor.js"
import * as SnsSqsExtractor from "../services/SnsSqsExtractor.js"
import * as SqsExtractor from "../services/SqsExtractor.js"
import * as StepFunctionsExtractor from "../services/StepFunctionsExtractor.js"
import type { TraceExtractor } from "../services/TraceExtractor.js"
import * as Triggers from "../services/Triggers.js"
import * as XRayExtractor from "../services/XRayExtractor.js"
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
  DurableCheckpointExtractor.DurableCheckpointExtractor,
  DurableInputExtractor.DurableInputExtractor,
  ...Triggers.services,
  LambdaContextExtractor.LambdaContextExtractor,
  XRayExtractor.XRayExtractor
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
