/**
 * Propagation styles, as configured by `DD_TRACE_PROPAGATION_STYLE_EXTRACT`.
 */

/** Every propagation style name, as dd-trace spells it. */
export const styles = ["datadog", "tracecontext", "b3", "b3multi", "b3 single header", "baggage", "none"] as const

/** A propagation style name, as dd-trace spells it. */
export type Style = typeof styles[number]

const KNOWN: ReadonlySet<string> = new Set<Style>(styles)

/** dd-trace's default extract styles. */
export const defaultExtract: ReadonlyArray<Style> = ["datadog", "tracecontext", "baggage"]

/**
 * Parses a comma-separated style list as dd-trace reads `DD_TRACE_PROPAGATION_STYLE_EXTRACT`: names trimmed and
 * lower-cased, empty, unknown and repeated names dropped. An absent value gives the default; a blank one gives no
 * styles at all (dd-trace then extracts nothing).
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
