/**
 * Datadog trace-context extraction for Effect AWS Lambda apps, including durable executions.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as AppSyncEvent from "./domain/AppSyncEvent.js"
/**
 * @since 0.1.0
 */
export * as B3Headers from "./domain/B3Headers.js"
/**
 * @since 0.1.0
 */
export * as Carrier from "./domain/Carrier.js"
/**
 * @since 0.1.0
 */
export * as CarrierText from "./domain/CarrierText.js"
/**
 * @since 0.1.0
 */
export * as CheckpointName from "./domain/CheckpointName.js"
/**
 * @since 0.1.0
 */
export * as CheckpointPayload from "./domain/CheckpointPayload.js"
/**
 * @since 0.1.0
 */
export * as CheckpointPlan from "./domain/CheckpointPlan.js"
/**
 * @since 0.1.0
 */
export * as ColdStart from "./domain/ColdStart.js"
/**
 * @since 0.1.0
 */
export * as DatadogHeaders from "./domain/DatadogHeaders.js"
/**
 * @since 0.1.0
 */
export * as DurableArn from "./domain/DurableArn.js"
/**
 * @since 0.1.0
 */
export * as DurableCheckpoint from "./domain/DurableCheckpoint.js"
/**
 * @since 0.1.0
 */
export * as DurableEnvelope from "./domain/DurableEnvelope.js"
/**
 * @since 0.1.0
 */
export * as DurableMetadata from "./domain/DurableMetadata.js"
/**
 * @since 0.1.0
 */
export * as DurableOperations from "./domain/DurableOperations.js"
/**
 * @since 0.1.0
 */
export * as Encoded from "./domain/Encoded.js"
/**
 * @since 0.1.0
 */
export * as Errors from "./domain/Errors.js"
/**
 * @since 0.1.0
 */
export * as EventBridgeEvent from "./domain/EventBridgeEvent.js"
/**
 * @since 0.1.0
 */
export * as EventSource from "./domain/EventSource.js"
/**
 * @since 0.1.0
 */
export * as ExtractionResult from "./domain/ExtractionResult.js"
/**
 * @since 0.1.0
 */
export * as ExtractorName from "./domain/ExtractorName.js"
/**
 * @since 0.1.0
 */
export * as HttpEvent from "./domain/HttpEvent.js"
/**
 * @since 0.1.0
 */
export * as Ids from "./domain/Ids.js"
/**
 * @since 0.1.0
 */
export * as InferredSpans from "./domain/InferredSpans.js"
/**
 * @since 0.1.0
 */
export * as KafkaEvent from "./domain/KafkaEvent.js"
/**
 * @since 0.1.0
 */
export * as KinesisRecord from "./domain/KinesisRecord.js"
/**
 * @since 0.1.0
 */
export * as LambdaClientContext from "./domain/LambdaClientContext.js"
/**
 * @since 0.1.0
 */
export * as LambdaContext from "./domain/LambdaContext.js"
/**
 * @since 0.1.0
 */
export * as NativeExtraction from "./domain/NativeExtraction.js"
/**
 * @since 0.1.0
 */
export * as PropagationStyle from "./domain/PropagationStyle.js"
/**
 * @since 0.1.0
 */
export * as RecordBatch from "./domain/RecordBatch.js"
/**
 * @since 0.1.0
 */
export * as ServerlessSpans from "./domain/ServerlessSpans.js"
/**
 * @since 0.1.0
 */
export * as SnsMessage from "./domain/SnsMessage.js"
/**
 * @since 0.1.0
 */
export * as SpanDescription from "./domain/SpanDescription.js"
/**
 * @since 0.1.0
 */
export * as SqsMessage from "./domain/SqsMessage.js"
/**
 * @since 0.1.0
 */
export * as StepFunctionsContext from "./domain/StepFunctionsContext.js"
/**
 * @since 0.1.0
 */
export * as TraceContext from "./domain/TraceContext.js"
/**
 * @since 0.1.0
 */
export * as W3cTraceContext from "./domain/W3cTraceContext.js"
/**
 * @since 0.1.0
 */
export * as XRayHeader from "./domain/XRayHeader.js"
/**
 * @since 0.1.0
 */
export * as AppSyncExtractor from "./services/AppSyncExtractor.js"
/**
 * @since 0.1.0
 */
export * as BatchExtraction from "./services/BatchExtraction.js"
/**
 * @since 0.1.0
 */
export * as CheckpointWriter from "./services/CheckpointWriter.js"
/**
 * @since 0.1.0
 */
export * as CurrentExtraction from "./services/CurrentExtraction.js"
/**
 * @since 0.1.0
 */
export * as CustomExtractor from "./services/CustomExtractor.js"
/**
 * @since 0.1.0
 */
export * as DurableCheckpointExtractor from "./services/DurableCheckpointExtractor.js"
/**
 * @since 0.1.0
 */
export * as DurableInputExtractor from "./services/DurableInputExtractor.js"
/**
 * @since 0.1.0
 */
export * as DurableState from "./services/DurableState.js"
/**
 * @since 0.1.0
 */
export * as EventBridgeExtractor from "./services/EventBridgeExtractor.js"
/**
 * @since 0.1.0
 */
export * as EventBridgeSqsExtractor from "./services/EventBridgeSqsExtractor.js"
/**
 * @since 0.1.0
 */
export * as ExtractorChain from "./services/ExtractorChain.js"
/**
 * @since 0.1.0
 */
export * as HttpExtractor from "./services/HttpExtractor.js"
/**
 * @since 0.1.0
 */
export * as KafkaExtractor from "./services/KafkaExtractor.js"
/**
 * @since 0.1.0
 */
export * as KinesisExtractor from "./services/KinesisExtractor.js"
/**
 * @since 0.1.0
 */
export * as LambdaContextExtractor from "./services/LambdaContextExtractor.js"
/**
 * @since 0.1.0
 */
export * as Propagator from "./services/Propagator.js"
/**
 * @since 0.1.0
 */
export * as SnsExtractor from "./services/SnsExtractor.js"
/**
 * @since 0.1.0
 */
export * as SnsSqsExtractor from "./services/SnsSqsExtractor.js"
/**
 * @since 0.1.0
 */
export * as SqsExtractor from "./services/SqsExtractor.js"
/**
 * @since 0.1.0
 */
export * as StepFunctionsExtractor from "./services/StepFunctionsExtractor.js"
/**
 * @since 0.1.0
 */
export * as TraceExtractor from "./services/TraceExtractor.js"
/**
 * @since 0.1.0
 */
export * as Triggers from "./services/Triggers.js"
/**
 * @since 0.1.0
 */
export * as XRayExtractor from "./services/XRayExtractor.js"
/**
 * @since 0.1.0
 */
export * as DdTracePropagator from "./layers/DdTracePropagator.js"
/**
 * @since 0.1.0
 */
export * as DdTraceTracer from "./layers/DdTraceTracer.js"
/**
 * @since 0.1.0
 */
export * as DefaultChain from "./layers/DefaultChain.js"
/**
 * @since 0.1.0
 */
export * as DurableTracing from "./layers/DurableTracing.js"
/**
 * @since 0.1.0
 */
export * as LambdaTracing from "./layers/LambdaTracing.js"
/**
 * @since 0.1.0
 */
export * as NativePropagator from "./layers/NativePropagator.js"
/**
 * @since 0.1.0
 */
export * as Tracing from "./layers/Tracing.js"
