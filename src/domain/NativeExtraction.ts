/**
 * Pure, dd-trace-free extraction over the configured styles.
 *
 * @since 0.1.0
 */
import type { Carrier } from "./Carrier.js"
import * as DatadogHeaders from "./DatadogHeaders.js"
import type { ExtractorName } from "./ExtractorName.js"
import type { Style } from "./PropagationStyle.js"
import type { TraceContext } from "./TraceContext.js"

/**
 * Native extraction options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly styles: ReadonlyArray<Style>
  /** `DD_TRACE_PROPAGATION_EXTRACT_FIRST`: stop at the first style that yields a context. */
  readonly extractFirst: boolean
  /** `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`. */
  readonly maxTagsLength: number
}

/**
 * Extracts the first complete context, trying styles in order.
 *
 * @since 0.1.0
 * @category parsing
 */
export const extract = (carrier: Carrier, options: Options, source: ExtractorName): TraceContext | undefined => {
  for (const style of options.styles) {
    if (style === "datadog") {
      const context = DatadogHeaders.extract(carrier, source, options)
      if (context !== undefined) return context
    }
  }
  return undefined
}
