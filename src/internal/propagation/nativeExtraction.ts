/**
 * Extraction over the configured propagation styles without dd-trace, following dd-trace's `TextMapPropagator`:
 * styles are tried in order and the first present one wins; W3C fills a Datadog context's missing sampling
 * priority and, with the same trace id but another span id, replaces the parent (the previous one goes to
 * `_dd.parent_id`); `extractFirst` stops at the first style. Ids we cannot use give no context rather than a coerced
 * id. Effect-free.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"
import * as B3Headers from "./b3Headers.js"
import { type Carrier, normalize } from "./carrier.js"
import * as DatadogHeaders from "./datadogHeaders.js"
import * as PropagationStyle from "./propagationStyle.js"
import type { Style } from "./propagationStyle.js"
import * as W3cTraceContext from "./w3cTraceContext.js"

/** Native extraction options. */
export interface Options {
  readonly styles: ReadonlyArray<Style>
  /** `DD_TRACE_PROPAGATION_EXTRACT_FIRST`: stop at the first style that yields a context. */
  readonly extractFirst: boolean
  /** `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`. */
  readonly maxTagsLength: number
  /**
   * What the `b3` style reads. dd-trace 5: the `x-b3-*` headers, unless the styles came from `OTEL_PROPAGATORS`
   * (then the single `b3` header). Default `"multi"`.
   */
  readonly b3?: "multi" | "single" | undefined
}

// A context found by one style, in the shape dd-trace compares and merges. Fresh per carrier, so mutable.
interface Candidate {
  /** Canonical decimal low 64 bits; `undefined` when unusable. */
  readonly traceId: string | undefined
  readonly traceIdHigh: string | undefined
  /** 32 lower-case hex for 128-bit ids (W3C, 32-hex B3), else `undefined`: dd-trace's `Identifier.equals`. */
  readonly full: string | undefined
  /** 16 lower-case hex of the low half; `undefined` when unknown (never equal to anything). Read with `lowOf`. */
  low: string | undefined
  /** dd-trace's `toTraceId(true)`; `undefined` when unknown. Read with `keyOf`. */
  key: string | undefined
  /**
   * A Datadog candidate's `low` and `key` are computed on first use (a decimal-to-hex conversion): a carrier with
   * no other style never needs them.
   */
  pending: DatadogHeaders.Parsed | undefined
  parentId: string | undefined
  samplingPriority: number | undefined
  readonly origin: string | undefined
  tags: Record<string, string> | undefined
}

const fromDatadog = (parsed: DatadogHeaders.Parsed | undefined): Candidate | undefined => {
  if (parsed === undefined) return undefined
  const tid = parsed.tags?.["_dd.p.tid"]
  return {
    traceId: parsed.traceId,
    traceIdHigh: tid !== undefined && tid !== Ids.ZERO_HEX16 ? tid : undefined,
    full: undefined,
    low: undefined,
    key: undefined,
    pending: parsed,
    parentId: parsed.parentId,
    samplingPriority: parsed.samplingPriority,
    origin: parsed.origin,
    tags: parsed.tags
  }
}

const fromW3c = (parsed: W3cTraceContext.Parsed | undefined): Candidate | undefined =>
  parsed === undefined ? undefined : {
    traceId: parsed.traceId,
    traceIdHigh: parsed.traceIdHigh,
    full: parsed.traceIdHex,
    low: parsed.traceIdHex.slice(16),
    key: parsed.traceIdHex,
    pending: undefined,
    parentId: parsed.parentId,
    samplingPriority: parsed.samplingPriority,
    origin: parsed.origin,
    tags: parsed.tags
  }

const fromB3 = (parsed: B3Headers.Parsed | undefined): Candidate | undefined => {
  if (parsed === undefined) return undefined
  const hex = parsed.traceIdHex
  const full = hex !== undefined && hex.length === 32 ? hex : undefined
  return {
    traceId: parsed.traceId,
    traceIdHigh: parsed.traceIdHigh,
    full,
    low: hex?.slice(-16),
    key: full ?? (hex === undefined ? undefined : Ids.ZERO_HEX16 + hex),
    pending: undefined,
    parentId: parsed.parentId,
    samplingPriority: parsed.samplingPriority,
    origin: undefined,
    tags: parsed.traceIdHigh === undefined ? undefined : { "_dd.p.tid": parsed.traceIdHigh }
  }
}

const setTag = (candidate: Candidate, key: string, value: string | undefined): void => {
  const tags = { ...candidate.tags }
  if (value === undefined) delete tags[key]
  else tags[key] = value
  candidate.tags = tags
}

const settle = (candidate: Candidate): void => {
  const parsed = candidate.pending
  if (parsed === undefined) return
  candidate.pending = undefined
  if (parsed.traceId === undefined) return
  const low = Ids.decimalToHex16(parsed.traceId)
  candidate.low = low
  candidate.key = (parsed.rawTraceIdHigh ?? Ids.ZERO_HEX16) + low
}

const lowOf = (candidate: Candidate): string | undefined => {
  settle(candidate)
  return candidate.low
}

const keyOf = (candidate: Candidate): string | undefined => {
  settle(candidate)
  return candidate.key
}

const sameTraceId = (a: Candidate, b: Candidate): boolean => {
  if (a.full !== undefined && b.full !== undefined) return a.full === b.full
  const low = lowOf(a)
  return low !== undefined && low === lowOf(b)
}

// dd-trace's `#mergeTraceContextState`: a missing decision (and its `_dd.p.dm`) comes from W3C.
const mergeSampling = (w3c: Candidate, selected: Candidate): void => {
  if (selected.samplingPriority !== undefined) return
  selected.samplingPriority = w3c.samplingPriority
  setTag(selected, "_dd.p.dm", w3c.tags?.["_dd.p.dm"])
}

// The Datadog and W3C headers of one carrier, each parsed at most once (several rules read them).
class Headers {
  private datadog: DatadogHeaders.Parsed | undefined
  private datadogRead = false
  private w3c: Candidate | undefined
  private w3cRead = false
  constructor(readonly carrier: Carrier, readonly maxTagsLength: number) {}

  readDatadog(): DatadogHeaders.Parsed | undefined {
    if (!this.datadogRead) {
      this.datadog = DatadogHeaders.parse(this.carrier, this.maxTagsLength)
      this.datadogRead = true
    }
    return this.datadog
  }

  readW3c(): Candidate | undefined {
    if (!this.w3cRead) {
      this.w3c = fromW3c(W3cTraceContext.parse(this.carrier))
      this.w3cRead = true
    }
    return this.w3c
  }
}

/** Extracts a complete context, trying styles in order with dd-trace's precedence and merge rules. */
export const extract = (
  carrier: Carrier,
  options: Options,
  source: ExtractorName
): ContextFields | undefined => {
  const headers = new Headers(carrier, options.maxTagsLength)
  let context: Candidate | undefined
  for (const style of options.styles) {
    let extracted: Candidate | undefined
    switch (style) {
      case "datadog": {
        extracted = fromDatadog(headers.readDatadog())
        if (extracted !== undefined && !options.extractFirst) {
          const traceContext = headers.readW3c()
          const selected = context !== undefined && context !== traceContext ? context : extracted
          if (traceContext !== undefined && sameTraceId(selected, traceContext)) mergeSampling(traceContext, selected)
        }
        break
      }
      case "tracecontext":
        extracted = headers.readW3c()
        break
      case "b3":
        extracted = fromB3(options.b3 === "single" ? B3Headers.parseSingle(carrier) : B3Headers.parseMulti(carrier))
        break
      case "b3multi":
        extracted = fromB3(B3Headers.parseMulti(carrier))
        break
      case "b3 single header":
        extracted = fromB3(B3Headers.parseSingle(carrier))
        break
      default:
        continue
    }
    if (extracted === undefined) continue
    if (context === undefined) {
      context = extracted
      if (options.extractFirst) break
    } else if (style === "tracecontext") {
      resolveConflicts(extracted, context, headers)
    }
  }
  return context === undefined ? undefined : toFields(context, source)
}

// dd-trace's `#resolveTraceContextConflicts`: same 128-bit trace, other span id → the W3C span id is the parent.
const resolveConflicts = (
  traceContext: Candidate,
  first: Candidate,
  headers: Headers
): void => {
  const key = keyOf(first)
  if (key === undefined || key !== keyOf(traceContext)) return
  mergeSampling(traceContext, first)
  if (first.parentId !== undefined && first.parentId === traceContext.parentId) return
  const upstreamParent = traceContext.tags?.["_dd.parent_id"]
  if (upstreamParent !== undefined) {
    setTag(first, "_dd.parent_id", upstreamParent)
  } else {
    const datadog = headers.readDatadog()
    // dd-trace coerces unusable parent ids; the ones it turns into zero are the ones we can mirror.
    if (datadog !== undefined) {
      setTag(
        first,
        "_dd.parent_id",
        datadog.parentId === undefined ? Ids.ZERO_HEX16 : Ids.decimalToHex16(datadog.parentId)
      )
    }
  }
  first.parentId = traceContext.parentId
}

const toFields = (candidate: Candidate, source: ExtractorName): ContextFields | undefined => {
  if (candidate.traceId === undefined || candidate.parentId === undefined) return undefined
  const priority = candidate.samplingPriority
  return {
    traceId: candidate.traceId,
    traceIdHigh: candidate.traceIdHigh,
    parentId: candidate.parentId,
    samplingPriority: priority !== undefined && Number.isSafeInteger(priority) ? priority : undefined,
    origin: candidate.origin,
    tags: candidate.tags,
    source
  }
}

/** What a native propagator is configured with; each part defaults as dd-trace does (see {@link resolve}). */
export interface Settings {
  readonly extractStyles?: ReadonlyArray<Style> | undefined
  readonly extractFirst?: boolean | undefined
  readonly maxTagsLength?: number | undefined
  readonly b3?: "multi" | "single" | undefined
}

/** A native propagator's two ways to extract: the configured styles, and Datadog headers alone (checkpoints). */
export interface Resolved {
  readonly configured: Options
  readonly datadogOnly: Options
}

/** The settings with their defaults: dd-trace's default styles, all styles tried, the single `b3` header. */
export const resolve = (settings: Settings): Resolved => {
  const configured: Options = {
    styles: settings.extractStyles ?? PropagationStyle.defaultExtract,
    extractFirst: settings.extractFirst ?? false,
    maxTagsLength: settings.maxTagsLength ?? DatadogHeaders.MAX_TAGS_LENGTH,
    b3: settings.b3 ?? "single"
  }
  return { configured, datadogOnly: { ...configured, styles: ["datadog"], extractFirst: true } }
}

/** Normalises an untrusted carrier and extracts from it; `undefined` when it is no carrier or holds no context. */
export const extractUnknown = (
  carrier: unknown,
  options: Options,
  source: ExtractorName
): ContextFields | undefined => {
  const normalized = normalize(carrier)
  return normalized === undefined ? undefined : extract(normalized, options, source)
}

/**
 * The extraction styles the environment names, in dd-trace's precedence: `DD_TRACE_PROPAGATION_STYLE_EXTRACT`, then
 * `DD_TRACE_PROPAGATION_STYLE`, then `OTEL_PROPAGATORS`; the default when none is set.
 */
export const stylesFrom = (
  extract: string | undefined,
  both: string | undefined,
  otel: string | undefined
): ReadonlyArray<Style> => PropagationStyle.parse(extract ?? both ?? otel)
