/**
 * The built-in extractors of the default chain, each a service, so that a test or an app puts its own in one's
 * place (`DefaultChain.layerWith`). Every tag's service is a {@link TraceExtractor.TraceExtractor}.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, Extractors, NativePropagator, TraceExtractor } from "effect-datadog-lambda/effect4"
 *
 * const noSqs = Layer.succeed(
 *   Extractors.SqsExtractor,
 *   TraceExtractor.make({ name: "sqs", extract: () => Effect.succeed(TraceExtractor.none) })
 * )
 * const chain = DefaultChain.layerWith(noSqs).pipe(Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import type * as TraceExtractor from "./TraceExtractor.js"

/**
 * A durable execution's `_datadog_{N}` checkpoint: the context saved by an earlier invocation.
 *
 * @since 0.2.0
 * @category services
 */
export class DurableCheckpointExtractor
  extends Context.Service<DurableCheckpointExtractor, TraceExtractor.TraceExtractor>()(
    "effect-datadog-lambda/DurableCheckpointExtractor"
  )
{}

/**
 * A durable execution's input payload: the trigger extractors run on the original event it holds.
 *
 * @since 0.2.0
 * @category services
 */
export class DurableInputExtractor extends Context.Service<DurableInputExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/DurableInputExtractor"
) {}

/**
 * API Gateway (REST, HTTP, WebSocket), ALB and Function URL request headers.
 *
 * @since 0.2.0
 * @category services
 */
export class HttpExtractor extends Context.Service<HttpExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/HttpExtractor"
) {}

/**
 * SNS notifications: `_datadog` message attributes, falling back to the X-Ray trace header.
 *
 * @since 0.2.0
 * @category services
 */
export class SnsExtractor extends Context.Service<SnsExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/SnsExtractor"
) {}

/**
 * SNS notifications delivered through SQS (the body is the notification).
 *
 * @since 0.2.0
 * @category services
 */
export class SnsSqsExtractor extends Context.Service<SnsSqsExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/SnsSqsExtractor"
) {}

/**
 * EventBridge events delivered through SQS (the body is the event).
 *
 * @since 0.2.0
 * @category services
 */
export class EventBridgeSqsExtractor extends Context.Service<EventBridgeSqsExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/EventBridgeSqsExtractor"
) {}

/**
 * AppSync resolver request headers.
 *
 * @since 0.2.0
 * @category services
 */
export class AppSyncExtractor extends Context.Service<AppSyncExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/AppSyncExtractor"
) {}

/**
 * SQS messages: `_datadog` message attributes, then `AWSTraceHeader`.
 *
 * @since 0.2.0
 * @category services
 */
export class SqsExtractor extends Context.Service<SqsExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/SqsExtractor"
) {}

/**
 * Kinesis records whose data carries `_datadog`.
 *
 * @since 0.2.0
 * @category services
 */
export class KinesisExtractor extends Context.Service<KinesisExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/KinesisExtractor"
) {}

/**
 * EventBridge events whose `detail` carries `_datadog`.
 *
 * @since 0.2.0
 * @category services
 */
export class EventBridgeExtractor extends Context.Service<EventBridgeExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/EventBridgeExtractor"
) {}

/**
 * Step Functions state machine context (the Datadog Lambda layer's deterministic ids).
 *
 * @since 0.2.0
 * @category services
 */
export class StepFunctionsExtractor extends Context.Service<StepFunctionsExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/StepFunctionsExtractor"
) {}

/**
 * Kafka (MSK and self-managed) record headers.
 *
 * @since 0.2.0
 * @category services
 */
export class KafkaExtractor extends Context.Service<KafkaExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/KafkaExtractor"
) {}

/**
 * The Lambda client context (`context.clientContext.custom`) of a direct invocation.
 *
 * @since 0.2.0
 * @category services
 */
export class LambdaContextExtractor extends Context.Service<LambdaContextExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/LambdaContextExtractor"
) {}

/**
 * The X-Ray trace header of the invocation (`_X_AMZN_TRACE_ID`), the last fallback.
 *
 * @since 0.2.0
 * @category services
 */
export class XRayExtractor extends Context.Service<XRayExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/XRayExtractor"
) {}
