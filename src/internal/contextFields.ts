/**
 * The plain fields of a trace context: what the Effect-free parsers return and the writers take. Each Effect line
 * turns them into its `TraceContext` class (`TraceContext.make`) and back (`TraceContext.toFields`).
 */
import type { ExtractorName } from "./extractorName.js"

/**
 * A trace context as plain fields: canonical decimal `traceId` and `parentId`, the 16-hex `traceIdHigh`
 * (`_dd.p.tid`), the sampling priority, origin and `_dd.p.*` tags, and the extractor that found it.
 */
export interface ContextFields {
  readonly traceId: string
  readonly parentId: string
  readonly source: ExtractorName
  readonly traceIdHigh?: string | undefined
  readonly samplingPriority?: number | undefined
  readonly origin?: string | undefined
  readonly tags?: Readonly<Record<string, string>> | undefined
}
