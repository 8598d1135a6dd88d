/**
 * The trigger section of the chain: every event-source extractor, in the order they run. The durable
 * input-payload extractor runs the same section on the original event.
 */
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import {
  AppSyncExtractor,
  EventBridgeExtractor,
  EventBridgeSqsExtractor,
  HttpExtractor,
  KafkaExtractor,
  KinesisExtractor,
  SnsExtractor,
  SnsSqsExtractor,
  SqsExtractor,
  StepFunctionsExtractor
} from "../../services/Extractors.js"
import type { TraceExtractor } from "../../services/TraceExtractor.js"
import * as Chain from "../extractorChain.js"

/**
 * The trigger extractor services in chain order. Batch-wrapped sources (SNS→SQS, EventBridge→SQS) come before
 * plain SQS so the more specific shape wins.
 */
export const services: ReadonlyArray<Context.Tag<any, TraceExtractor>> = [
  HttpExtractor,
  SnsExtractor,
  SnsSqsExtractor,
  EventBridgeSqsExtractor,
  AppSyncExtractor,
  SqsExtractor,
  KinesisExtractor,
  EventBridgeExtractor,
  StepFunctionsExtractor,
  KafkaExtractor
]

/** The trigger extractors present in the context, in chain order. */
export const collect: Effect.Effect<ReadonlyArray<TraceExtractor>> = Chain.collect(services)
