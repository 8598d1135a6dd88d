/**
 * The built-in extractors of the default chain, each a service, so that a test or an app puts its own in one's
 * place (`DefaultChain.layerWith`). Every tag's service is a {@link TraceExtractor.TraceExtractor}.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, Extractors, NativePropagator, TraceExtractor } from "effect-datadog-lambda"
 *
 * const noSqs = Layer.succeed(
 *   Extractors.SqsExtractor,
 *   TraceExtractor.make({ name: "sqs", extract: () => Effect.succeed(TraceExtractor.none) })
 * )
 * const chain = DefaultChain.layerWith(noSqs).pipe(Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as TraceExtractor from "./TraceExtractor.js"

/**
 * A durable execution's `_datadog_{N}` checkpoint: the context saved by an earlier invocation.
 *
 * @since 0.1.0
 * @category services
 */
export class DurableCheckpointExtractor extends Context.Tag("effect-datadog-lambda/DurableCheckpointExtractor")<
  DurableCheckpointExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * A durable execution's input payload: the trigger extractors run on the original event it holds.
 *
 * @since 0.1.0
 * @category services
 */
export class DurableInputExtractor extends Context.Tag("effect-datadog-lambda/DurableInputExtractor")<
  DurableInputExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * API Gateway (REST, HTTP, WebSocket), ALB and Function URL request headers.
 *
 * @since 0.1.0
 * @category services
 */
export class HttpExtractor
  extends Context.Tag("effect-datadog-lambda/HttpExtractor")<HttpExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * SNS notifications: `_datadog` message attributes, falling back to the X-Ray trace header.
 *
 * @since 0.1.0
 * @category services
 */
export class SnsExtractor
  extends Context.Tag("effect-datadog-lambda/SnsExtractor")<SnsExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * SNS notifications delivered through SQS (the body is the notification).
 *
 * @since 0.1.0
 * @category services
 */
export class SnsSqsExtractor
  extends Context.Tag("effect-datadog-lambda/SnsSqsExtractor")<SnsSqsExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * EventBridge events delivered through SQS (the body is the event).
 *
 * @since 0.1.0
 * @category services
 */
export class EventBridgeSqsExtractor extends Context.Tag("effect-datadog-lambda/EventBridgeSqsExtractor")<
  EventBridgeSqsExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * AppSync resolver request headers.
 *
 * @since 0.1.0
 * @category services
 */
export class AppSyncExtractor
  extends Context.Tag("effect-datadog-lambda/AppSyncExtractor")<AppSyncExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * SQS messages: `_datadog` message attributes, then `AWSTraceHeader`.
 *
 * @since 0.1.0
 * @category services
 */
export class SqsExtractor
  extends Context.Tag("effect-datadog-lambda/SqsExtractor")<SqsExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * Kinesis records whose data carries `_datadog`.
 *
 * @since 0.1.0
 * @category services
 */
export class KinesisExtractor
  extends Context.Tag("effect-datadog-lambda/KinesisExtractor")<KinesisExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * EventBridge events whose `detail` carries `_datadog`.
 *
 * @since 0.1.0
 * @category services
 */
export class EventBridgeExtractor extends Context.Tag("effect-datadog-lambda/EventBridgeExtractor")<
  EventBridgeExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * Step Functions state machine context (the Datadog Lambda layer's deterministic ids).
 *
 * @since 0.1.0
 * @category services
 */
export class StepFunctionsExtractor extends Context.Tag("effect-datadog-lambda/StepFunctionsExtractor")<
  StepFunctionsExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * Kafka (MSK and self-managed) record headers.
 *
 * @since 0.1.0
 * @category services
 */
export class KafkaExtractor
  extends Context.Tag("effect-datadog-lambda/KafkaExtractor")<KafkaExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * The Lambda client context (`context.clientContext.custom`) of a direct invocation.
 *
 * @since 0.1.0
 * @category services
 */
export class LambdaContextExtractor extends Context.Tag("effect-datadog-lambda/LambdaContextExtractor")<
  LambdaContextExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * The X-Ray trace header of the invocation (`_X_AMZN_TRACE_ID`), the last fallback.
 *
 * @since 0.1.0
 * @category services
 */
export class XRayExtractor
  extends Context.Tag("effect-datadog-lambda/XRayExtractor")<XRayExtractor, TraceExtractor.TraceExtractor>()
{}
