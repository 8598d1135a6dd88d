/**
 * The trigger section of the chain: every event-source extractor, in the order they run. The durable
 * input-payload extractor runs the same section on the original event.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import { AppSyncExtractor } from "./AppSyncExtractor.js"
import { EventBridgeExtractor } from "./EventBridgeExtractor.js"
import { EventBridgeSqsExtractor } from "./EventBridgeSqsExtractor.js"
import * as ExtractorChain from "./ExtractorChain.js"
import { HttpExtractor } from "./HttpExtractor.js"
import { KafkaExtractor } from "./KafkaExtractor.js"
import { KinesisExtractor } from "./KinesisExtractor.js"
import { SnsExtractor } from "./SnsExtractor.js"
import { SnsSqsExtractor } from "./SnsSqsExtractor.js"
import { SqsExtractor } from "./SqsExtractor.js"
import { StepFunctionsExtractor } from "./StepFunctionsExtractor.js"
import type { TraceExtractor } from "./TraceExtractor.js"

/**
 * The trigger extractor services in chain order. Batch-wrapped sources (SNS→SQS, EventBridge→SQS) come before
 * plain SQS so the more specific shape wins.
 *
 * @since 0.1.0
 * @category models
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

/**
 * The trigger extractors present in the context, in chain order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collect: Effect.Effect<ReadonlyArray<TraceExtractor>> = ExtractorChain.collect(services)
