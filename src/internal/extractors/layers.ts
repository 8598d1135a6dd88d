/**
 * The layers of the built-in extractors, each over the propagator in context: the trigger ones from their shared
 * definitions (`triggers/definitions.ts`), the durable ones from theirs.
 */
import * as Config from "effect/Config"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Extractors from "../../services/Extractors.js"
import type { Propagator } from "../../services/Propagator.js"
import type { TraceExtractor } from "../../services/TraceExtractor.js"
import * as Definitions from "../triggers/definitions.js"
import type { Trigger } from "../triggers/trigger.js"
import * as Driver from "./driver.js"
import * as DurableCheckpointExtractor from "./durableCheckpoint.js"
import * as DurableInputExtractor from "./durableInput.js"

/**
 * The HTTP extractor, reading `DD_DECODE_AUTHORIZER_CONTEXT` (default `true`; an unreadable value keeps the
 * default).
 */
export const http: Effect.Effect<TraceExtractor, never, Propagator> = Effect.flatMap(
  Config.boolean("DD_DECODE_AUTHORIZER_CONTEXT").pipe(Config.withDefault(true), Effect.orElseSucceed(() => true)),
  (decodeAuthorizerContext) => Driver.make(Definitions.http({ decodeAuthorizerContext }))
)

const layerOf = <I>(tag: Context.Tag<I, TraceExtractor>, trigger: Trigger): Layer.Layer<I, never, Propagator> =>
  Layer.effect(tag, Driver.make(trigger))

/** Every trigger extractor. */
export const layerTriggers = Layer.mergeAll(
  Layer.effect(Extractors.HttpExtractor, http),
  layerOf(Extractors.SnsExtractor, Definitions.sns),
  layerOf(Extractors.SnsSqsExtractor, Definitions.snsSqs),
  layerOf(Extractors.EventBridgeSqsExtractor, Definitions.eventBridgeSqs),
  layerOf(Extractors.AppSyncExtractor, Definitions.appSync),
  layerOf(Extractors.SqsExtractor, Definitions.sqs),
  layerOf(Extractors.KinesisExtractor, Definitions.kinesis),
  layerOf(Extractors.EventBridgeExtractor, Definitions.eventBridge),
  layerOf(Extractors.StepFunctionsExtractor, Definitions.stepFunctions),
  layerOf(Extractors.KafkaExtractor, Definitions.kafka)
)

/** Every built-in extractor (the custom one is the app's to provide). */
export const layerExtractors = Layer.mergeAll(
  DurableCheckpointExtractor.layer,
  DurableInputExtractor.layer,
  layerOf(Extractors.LambdaContextExtractor, Definitions.lambdaContext),
  layerOf(Extractors.XRayExtractor, Definitions.xRay)
).pipe(Layer.provideMerge(layerTriggers))
