/**
 * The layers of the built-in extractors, each over the propagator in context.
 */
import * as Layer from "effect/Layer"
import * as AppSyncExtractor from "./appSync.js"
import * as DurableCheckpointExtractor from "./durableCheckpoint.js"
import * as DurableInputExtractor from "./durableInput.js"
import * as EventBridgeExtractor from "./eventBridge.js"
import * as EventBridgeSqsExtractor from "./eventBridgeSqs.js"
import * as HttpExtractor from "./http.js"
import * as KafkaExtractor from "./kafka.js"
import * as KinesisExtractor from "./kinesis.js"
import * as LambdaContextExtractor from "./lambdaContext.js"
import * as SnsExtractor from "./sns.js"
import * as SnsSqsExtractor from "./snsSqs.js"
import * as SqsExtractor from "./sqs.js"
import * as StepFunctionsExtractor from "./stepFunctions.js"
import * as XRayExtractor from "./xRay.js"

/** Every trigger extractor. */
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

/** Every built-in extractor (the custom one is the app's to provide). */
export const layerExtractors = Layer.mergeAll(
  DurableCheckpointExtractor.layer,
  DurableInputExtractor.layer,
  LambdaContextExtractor.layer,
  XRayExtractor.layer
).pipe(Layer.provideMerge(layerTriggers))
