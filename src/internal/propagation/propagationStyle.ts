/**
 * Propagation styles, as configured by `DD_TRACE_PROPAGATION_STYLE_EXTRACT`.
 *
 * @since 0.1.0
 */

/**
 * Every propagation style name, as dd-trace spells it.
 *
 * @since 0.1.0
 * @category models
 */
export const styles = ["datadog", "tracecontext", "b3", "b3multi", "b3 single header", "baggage", "none"] as const

/**
 * A propagation style name, as dd-trace spells it.
 *
 * @since 0.1.0
 * @category models
 */
export type Style = typeof styles[number]

const KNOWN: ReadonlySet<string> = new Set<Style>(styles)

/**
 * dd-trace's default extract styles.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultExtract: ReadonlyArray<Style> = ["datadog", "tracecontext", "baggage"]

/**
 * Parses a comma-separated style list as dd-trace reads `DD_TRACE_PROPAGATION_STYLE_EXTRACT`: names trimmed and
 * lower-cased, empty, unknown and repeated names dropped. An absent value gives the default; a blank one gives no
 * styles at all (dd-trace then extracts nothing).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (value: string | undefined): ReadonlyArray<Style> => {
  if (value === undefined) return defaultExtract
  const styles: Array<Style> = []
  for (const part of value.split(",")) {
    const name = part.trim().toLowerCase()
    if (KNOWN.has(name) && !styles.includes(name as Style)) styles.push(name as Style)
  }
  return styles
}
