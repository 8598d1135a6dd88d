/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Carrier from "./domain/Carrier.js"
/**
 * @since 0.1.0
 */
export * as DatadogHeaders from "./domain/DatadogHeaders.js"
/**
 * @since 0.1.0
 */
export * as Errors from "./domain/Errors.js"
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
export * as Ids from "./domain/Ids.js"
/**
 * @since 0.1.0
 */
export * as PropagationStyle from "./domain/PropagationStyle.js"
/**
 * @since 0.1.0
 */
export * as TraceContext from "./domain/TraceContext.js"
/**
 * @since 0.1.0
 */
export * as CustomExtractor from "./services/CustomExtractor.js"
/**
 * @since 0.1.0
 */
export * as ExtractorChain from "./services/ExtractorChain.js"
/**
 * @since 0.1.0
 */
export * as Propagator from "./services/Propagator.js"
/**
 * @since 0.1.0
 */
export * as TraceExtractor from "./services/TraceExtractor.js"
/**
 * @since 0.1.0
 */
export * as DdTracePropagator from "./layers/DdTracePropagator.js"
/**
 * @since 0.1.0
 */
export * as DefaultChain from "./layers/DefaultChain.js"
/**
 * @since 0.1.0
 */
export * as NativePropagator from "./layers/NativePropagator.js"
