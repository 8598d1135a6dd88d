/**
 * Extraction through the app's dd-trace, shared by both lines' `DdTracePropagator`: the check that dd-trace is
 * initialised (before `init()` its `extract` returns a fake context that ignores the carrier), the call, and the
 * lookup of the global tracer. Effect-free; each line turns the outcomes into its typed errors.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import { importOptionalPeer } from "../optionalPeer.js"
import * as Carrier from "../propagation/carrier.js"
import { type DdTracer, fromSpanContext, isInitialised } from "./spanContext.js"

/** What one extraction through dd-trace gave. */
export type Extraction =
  | { readonly _tag: "NotInitialised" }
  | { readonly _tag: "Threw"; readonly cause: unknown }
  | { readonly _tag: "Extracted"; readonly fields: ContextFields; readonly spanContext: object }
  | { readonly _tag: "Nothing" }

const NOT_INITIALISED: Extraction = { _tag: "NotInitialised" }
const NOTHING: Extraction = { _tag: "Nothing" }

/** The detail of the propagator error when dd-trace's `extract` throws. */
export const THREW_DETAIL = "dd-trace extract threw"

/** The detail of the `NotInitialised` error. */
export const NOT_INITIALISED_DETAIL =
  "dd-trace is loaded but not initialised (or disabled); call tracer.init() before extracting"

/** Extracts `carrier` (normalised first) with dd-trace's `text_map` format. */
export const extract = (tracer: DdTracer, carrier: unknown, source: ExtractorName): Extraction => {
  if (!isInitialised(tracer)) return NOT_INITIALISED
  const normalized = Carrier.normalize(carrier)
  if (normalized === undefined) return NOTHING
  try {
    const spanContext = tracer.extract("text_map", normalized)
    const fields = fromSpanContext(spanContext, source)
    return fields === undefined ? NOTHING : { _tag: "Extracted", fields, spanContext: spanContext as object }
  } catch (cause) {
    return { _tag: "Threw", cause }
  }
}

/** The tracer dd-trace registered globally (`globalThis._ddtrace`), if any. */
export const fromGlobal = (): DdTracer | undefined => {
  const candidate = (globalThis as { readonly _ddtrace?: unknown })._ddtrace
  return typeof candidate === "object" && candidate !== null && typeof (candidate as DdTracer).extract === "function"
    ? candidate as DdTracer
    : undefined
}

/** Why the app's tracer is unavailable: the fields of each line's `TracerUnavailable`. */
export interface Unavailable {
  readonly _tag: "Unavailable"
  readonly reason: "NotInstalled" | "Incompatible"
  readonly detail: string
  readonly cause?: unknown
}

/** How the app's tracer was found. */
export type Resolution = { readonly _tag: "Resolved"; readonly tracer: DdTracer } | Unavailable

/** The global tracer, else the `dd-trace` package's, imported on first use (it is an optional peer). */
export const resolveGlobal = async (): Promise<Resolution> => {
  const global = fromGlobal()
  if (global !== undefined) return { _tag: "Resolved", tracer: global }
  let module: unknown
  try {
    module = await importOptionalPeer("dd-trace")
  } catch (cause) {
    return { _tag: "Unavailable", reason: "NotInstalled", detail: "the dd-trace package is not installed", cause }
  }
  const tracer = fromGlobal() ?? (module as { readonly default?: unknown }).default ?? module
  return typeof (tracer as DdTracer).extract === "function"
    ? { _tag: "Resolved", tracer: tracer as DdTracer }
    : { _tag: "Unavailable", reason: "Incompatible", detail: "dd-trace exports no tracer.extract" }
}
