// The library runs on Node.js, and a Lambda app's types (@types/aws-lambda) need Node's: this makes them part of an
// app that imports the library, whatever its tsconfig "types" says (TypeScript 6+ loads no @types by default).
/// <reference types="node" preserve="true" />
/**
 * Datadog trace-context extraction for Effect AWS Lambda apps, including durable executions.
 *
 * @since 0.1.0
 */

/**
 * An upstream trace context, as the extractors find it.
 *
 * @since 0.1.0
 */
export * as TraceContext from "./domain/TraceContext.js"

/**
 * What the chain reports for an invocation: the context, span links and every attempt.
 *
 * @since 0.1.0
 */
export * as ExtractionResult from "./domain/ExtractionResult.js"

/**
 * The typed errors of extraction, propagation and the tracer.
 *
 * @since 0.1.0
 */
export * as Errors from "./domain/Errors.js"

/**
 * The propagator service: a carrier in, a trace context out.
 *
 * @since 0.1.0
 */
export * as Propagator from "./services/Propagator.js"

/**
 * The extractor service and the helpers to build one.
 *
 * @since 0.1.0
 */
export * as TraceExtractor from "./services/TraceExtractor.js"

/**
 * The ordered fallback chain of extractors.
 *
 * @since 0.1.0
 */
export * as ExtractorChain from "./services/ExtractorChain.js"

/**
 * The built-in extractors' services, to put your own in one's place.
 *
 * @since 0.1.0
 */
export * as Extractors from "./services/Extractors.js"

/**
 * Your own carrier, run first in the default chain.
 *
 * @since 0.1.0
 */
export * as CustomExtractor from "./services/CustomExtractor.js"

/**
 * The extraction of the current invocation, for the handler's code.
 *
 * @since 0.1.0
 */
export * as CurrentExtraction from "./services/CurrentExtraction.js"

/**
 * Writes the trace context into a durable execution's `_datadog_{N}` checkpoints.
 *
 * @since 0.1.0
 */
export * as CheckpointWriter from "./services/CheckpointWriter.js"

/**
 * Reads a durable execution's later pages of operations.
 *
 * @since 0.1.0
 */
export * as DurableState from "./services/DurableState.js"

/**
 * The propagator over dd-trace's own extraction.
 *
 * @since 0.1.0
 */
export * as DdTracePropagator from "./layers/DdTracePropagator.js"

/**
 * The propagator implemented here, with dd-trace's settings, without dd-trace.
 *
 * @since 0.1.0
 */
export * as NativePropagator from "./layers/NativePropagator.js"

/**
 * The default chain: custom, durable, triggers, Lambda context, X-Ray.
 *
 * @since 0.1.0
 */
export * as DefaultChain from "./layers/DefaultChain.js"

/**
 * An Effect tracer that writes its spans through dd-trace.
 *
 * @since 0.1.0
 */
export * as DdTraceTracer from "./layers/DdTraceTracer.js"

/**
 * Applying an extraction to an effect: parent spans, links, the invocation span.
 *
 * @since 0.1.0
 */
export * as Tracing from "./wrappers/Tracing.js"

/**
 * The handler wrapper for `@effect-aws/lambda` handlers.
 *
 * @since 0.1.0
 */
export * as LambdaTracing from "./wrappers/LambdaTracing.js"

/**
 * The durable-execution handler wrapper.
 *
 * @since 0.1.0
 */
export * as DurableTracing from "./wrappers/DurableTracing.js"
