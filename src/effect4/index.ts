/**
 * Datadog trace-context extraction for Effect 4 AWS Lambda apps: the same extraction as the package root (which
 * is the Effect 3 line), on Effect 4's APIs.
 *
 * @since 0.2.0
 */

/**
 * An upstream trace context, as the extractors find it.
 *
 * @since 0.2.0
 */
export * as TraceContext from "./domain/TraceContext.js"

/**
 * What the chain reports for an invocation: the context, span links and every attempt.
 *
 * @since 0.2.0
 */
export * as ExtractionResult from "./domain/ExtractionResult.js"

/**
 * The typed errors of extraction, propagation and the tracer.
 *
 * @since 0.2.0
 */
export * as Errors from "./domain/Errors.js"

/**
 * The propagator service: a carrier in, a trace context out.
 *
 * @since 0.2.0
 */
export * as Propagator from "./services/Propagator.js"

/**
 * The extractor service and the helpers to build one.
 *
 * @since 0.2.0
 */
export * as TraceExtractor from "./services/TraceExtractor.js"

/**
 * The ordered fallback chain of extractors.
 *
 * @since 0.2.0
 */
export * as ExtractorChain from "./services/ExtractorChain.js"

/**
 * The built-in extractors' services, to put your own in one's place.
 *
 * @since 0.2.0
 */
export * as Extractors from "./services/Extractors.js"

/**
 * Your own carrier, run first in the default chain.
 *
 * @since 0.2.0
 */
export * as CustomExtractor from "./services/CustomExtractor.js"

/**
 * The current invocation's extraction result, provided to handler effects.
 *
 * @since 0.2.0
 */
export * as CurrentExtraction from "./services/CurrentExtraction.js"

/**
 * Saves the trace context as a `_datadog_{N}` checkpoint when a durable invocation suspends.
 *
 * @since 0.2.0
 * @category services
 */
export * as CheckpointWriter from "./services/CheckpointWriter.js"

/**
 * Reads a durable execution's later pages of operations.
 *
 * @since 0.2.0
 * @category services
 */
export * as DurableState from "./services/DurableState.js"

/**
 * The propagator over the app's dd-trace.
 *
 * @since 0.2.0
 */
export * as DdTracePropagator from "./layers/DdTracePropagator.js"

/**
 * The propagator without dd-trace.
 *
 * @since 0.2.0
 */
export * as NativePropagator from "./layers/NativePropagator.js"

/**
 * The default chain and its layers.
 *
 * @since 0.2.0
 */
export * as DefaultChain from "./layers/DefaultChain.js"

/**
 * Effect's tracer on the app's dd-trace: Effect spans as real dd-trace spans.
 *
 * @since 0.2.0
 */
export * as DdTraceTracer from "./layers/DdTraceTracer.js"

/**
 * Tracing on top of an extracted context: parents, links and the inject side.
 *
 * @since 0.2.0
 */
export * as Tracing from "./wrappers/Tracing.js"

/**
 * Trace-context extraction for `(event, context) => Effect` Lambda handlers.
 *
 * @since 0.2.0
 */
export * as LambdaTracing from "./wrappers/LambdaTracing.js"

/**
 * Datadog tracing for AWS Lambda durable functions (`@aws/durable-execution-sdk-js`).
 *
 * @since 0.2.0
 */
export * as DurableTracing from "./wrappers/DurableTracing.js"
