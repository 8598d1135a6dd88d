/**
 * The pure model of batch extraction: each record's ordered candidates, the decode budget one scan shares, and the
 * bookkeeping that picks the parent (the first record with a context) and collects de-duplicated, capped links.
 * Effect-free: a scan is generic over the context type (each Effect line keeps its own `TraceContext`).
 */
import type { ContextFields } from "../contextFields.js"

/** Bounds of one scan. */
export const limits = {
  /** Records scanned (Lambda batches hold at most 10,000). */
  maxRecords: 10_000,
  /** Span links kept; the scan stops once one more distinct context is found. */
  maxLinks: 100,
  /**
   * Characters of bodies, payloads and carriers decoded by one scan, in total. A Lambda event is at most 6 MB,
   * so real batches never reach it.
   */
  maxDecodedLength: 8 * 1024 * 1024
} as const

/** What a scan reads of a context: the ids that tell contexts apart. */
export interface ContextIds {
  readonly traceId: string
  readonly parentId: string
}

/** The extraction failure reasons of a malformed candidate (a subset of `ExtractionFailureReason`). */
export type MalformedReason = "MalformedCarrier" | "LimitExceeded"

/** Where a candidate was read from, for notes (`messageAttributes._datadog`, `attributes.AWSTraceHeader`, ...). */
export type Location = string

/**
 * What one place in a record offers:
 *
 * - `Carrier`: a header map for the propagator (a Step Functions context object is tried when it holds no ids).
 * - `Context`: a context read without the propagator (a Datadog-padded `AWSTraceHeader`).
 * - `Malformed`: the place holds something, but it cannot be decoded (bad JSON or base64, over a bound).
 */
export type Candidate =
  | { readonly _tag: "Carrier"; readonly location: Location; readonly carrier: Readonly<Record<string, unknown>> }
  | { readonly _tag: "Context"; readonly location: Location; readonly context: ContextFields }
  | {
    readonly _tag: "Malformed"
    readonly location: Location
    readonly reason: MalformedReason
    readonly detail: string
  }

/** The malformed variant of {@link Candidate}. */
export type Malformed = Extract<Candidate, { readonly _tag: "Malformed" }>

export const carrier = (location: Location, value: Readonly<Record<string, unknown>>): Candidate => ({
  _tag: "Carrier",
  location,
  carrier: value
})

export const context = (location: Location, value: ContextFields): Candidate => ({
  _tag: "Context",
  location,
  context: value
})

export const malformed = (location: Location, detail: string): Malformed => ({
  _tag: "Malformed",
  location,
  reason: "MalformedCarrier",
  detail
})

export const tooLarge = (location: Location, detail: string): Malformed => ({
  _tag: "Malformed",
  location,
  reason: "LimitExceeded",
  detail
})

const NO_CANDIDATES: ReadonlyArray<Candidate> = []

/** The candidates that are present, in order (no allocation when there are none). */
export const candidates = (...found: ReadonlyArray<Candidate | undefined>): ReadonlyArray<Candidate> => {
  let out: Array<Candidate> | undefined
  for (const candidate of found) if (candidate !== undefined) (out ??= []).push(candidate)
  return out ?? NO_CANDIDATES
}

/** No candidates. */
export const noCandidates: ReadonlyArray<Candidate> = NO_CANDIDATES

/** No span links: frozen, so no caller can add to another invocation's result. */
export const noLinks: ReadonlyArray<never> = Object.freeze([])

/**
 * The characters one scan may still decode. Decoders take from it before parsing and skip the work when it is
 * spent, so a scan's total work is bounded whatever the number and size of records.
 */
export interface Budget {
  remaining: number
  /** Set when a decode was skipped because the budget was spent. */
  exhausted: boolean
  /** Payloads (bodies, record data) not read because they are over their own size bound. */
  oversized: number
}

export const makeBudget = (total: number = limits.maxDecodedLength): Budget => ({
  remaining: total,
  exhausted: false,
  oversized: 0
})

/** Takes `length` characters from the budget; `false` (and the budget marked exhausted) when they are not left. */
export const spend = (budget: Budget, length: number): boolean => {
  if (length > budget.remaining) {
    budget.exhausted = true
    return false
  }
  budget.remaining -= length
  return true
}

/** Records that a payload was not read because it is over its size bound (it may or may not hold a carrier). */
export const skipOversized = (budget: Budget): undefined => {
  budget.oversized++
  return undefined
}

/** The records of `event.Records` when it is a non-empty array, else `undefined`. */
export const records = (event: unknown): ReadonlyArray<unknown> | undefined => {
  if (typeof event !== "object" || event === null) return undefined
  const found = (event as { readonly Records?: unknown }).Records
  return Array.isArray(found) && found.length > 0 ? found : undefined
}

/** `event.Records[0]` when it is an object, else `undefined`: what the guards look at. */
export const firstRecord = (event: unknown): Readonly<Record<string, unknown>> | undefined => {
  const all = records(event)
  const first: unknown = all?.[0]
  return typeof first === "object" && first !== null && !Array.isArray(first)
    ? first as Readonly<Record<string, unknown>>
    : undefined
}

/** The running state of one scan, over contexts of type `C`. */
export interface Scan<C extends ContextIds> {
  /** Records in the batch (may exceed what is scanned). */
  readonly total: number
  /** Records scanned so far. */
  scanned: number
  parent: { readonly index: number; readonly location: Location; readonly context: C } | undefined
  readonly links: Array<C>
  /** `"{traceId}:{parentId}"` of the parent and of every link. */
  readonly seen: Set<string>
  /** Set when a distinct context beyond the link cap was found (the scan then stops). */
  capped: boolean
  /** Records whose only finds were carriers without a context. */
  empty: number
  /** Records whose only finds were malformed, with the first of them. */
  malformedCount: number
  firstMalformed: { readonly index: number; readonly candidate: Malformed } | undefined
}

export const makeScan = <C extends ContextIds>(total: number): Scan<C> => ({
  total,
  scanned: 0,
  parent: undefined,
  links: [],
  seen: new Set(),
  capped: false,
  empty: 0,
  malformedCount: 0,
  firstMalformed: undefined
})

const keyOf = (found: ContextIds): string => `${found.traceId}:${found.parentId}`

/**
 * Records the context of record `index`: the parent when it is the first, else a span link unless it repeats
 * the parent or a link. Returns `false` once the link cap is passed (the scan should stop).
 */
export const addContext = <C extends ContextIds>(
  scan: Scan<C>,
  index: number,
  location: Location,
  found: C,
  maxLinks: number = limits.maxLinks
): boolean => {
  const key = keyOf(found)
  if (scan.parent === undefined) {
    scan.parent = { index, location, context: found }
    scan.seen.add(key)
    return true
  }
  if (scan.seen.has(key)) return true
  if (scan.links.length >= maxLinks) {
    scan.capped = true
    return false
  }
  scan.seen.add(key)
  scan.links.push(found)
  return true
}

/**
 * Records a record that yielded no context: malformed when `malformed` is given, else empty when it had a
 * carrier.
 */
export const addMiss = (
  scan: Scan<ContextIds>,
  index: number,
  hadCarrier: boolean,
  malformed: Malformed | undefined
): void => {
  if (malformed !== undefined) {
    scan.malformedCount++
    scan.firstMalformed ??= { index, candidate: malformed }
  } else if (hadCarrier) {
    scan.empty++
  }
}

/**
 * The outcome of a scan, ready to become an extractor result.
 *
 * - `Found`: the parent, its links and notes.
 * - `Malformed`: no context, and at least one record held a malformed carrier (the first one is reported).
 * - `Nothing`: no context and nothing malformed, with notes saying why.
 */
export type Outcome<C> =
  | {
    readonly _tag: "Found"
    readonly context: C
    readonly links: ReadonlyArray<C>
    readonly notes: ReadonlyArray<string>
  }
  | {
    readonly _tag: "Malformed"
    readonly reason: MalformedReason
    readonly detail: string
  }
  | { readonly _tag: "Nothing"; readonly notes: ReadonlyArray<string> }

/** How notes name records: `"record 3"` in a batch, nothing for a single event (EventBridge). */
export interface NoteStyle {
  /** `true` for a single event: notes name the location only. */
  readonly single?: boolean | undefined
  /** What the scanned items are called in notes (default `records`). */
  readonly noun?: string | undefined
}

const at = (style: NoteStyle, index: number, location: Location): string =>
  style.single === true ? location : `record ${index}: ${location}`

/** Notes on the bounds a scan hit: the link cap, records not scanned, the decode budget, oversized payloads. */
export const boundNotes = (scan: Scan<ContextIds>, budget: Budget, style: NoteStyle = {}): Array<string> => {
  const noun = style.noun ?? "records"
  const notes: Array<string> = []
  if (scan.capped) {
    notes.push(`more than ${scan.links.length} other contexts: kept the first ${scan.links.length} links`)
  } else if (scan.scanned < scan.total) notes.push(`scanned the first ${scan.scanned} of ${scan.total} ${noun}`)
  if (budget.exhausted) notes.push("decode budget spent: larger payloads were skipped")
  if (budget.oversized > 0) notes.push(`${budget.oversized} payloads over their size bound were not read`)
  return notes
}

/**
 * Turns a finished scan into its {@link Outcome}, with notes on bounds (records not scanned, decode budget, link
 * cap) and on records whose carrier was malformed or held no context.
 */
export const outcome = <C extends ContextIds>(scan: Scan<C>, budget: Budget, style: NoteStyle = {}): Outcome<C> => {
  const noun = style.noun ?? "records"
  const bounds = boundNotes(scan, budget, style)
  const malformed = scan.firstMalformed
  if (scan.parent !== undefined) {
    const notes = [`from ${at(style, scan.parent.index, scan.parent.location)}`]
    if (scan.links.length > 0) notes.push(`${scan.links.length} span links from other ${noun}`)
    if (malformed !== undefined) {
      notes.push(
        `${scan.malformedCount} ${noun} with an unreadable carrier ignored (first: ${
          at(style, malformed.index, malformed.candidate.location)
        }: ${malformed.candidate.detail})`
      )
    }
    return { _tag: "Found", context: scan.parent.context, links: scan.links, notes: [...notes, ...bounds] }
  }
  if (malformed !== undefined) {
    const detail = `${at(style, malformed.index, malformed.candidate.location)}: ${malformed.candidate.detail}`
    return {
      _tag: "Malformed",
      reason: malformed.candidate.reason,
      detail: bounds.length === 0 ? detail : `${detail} (${bounds.join("; ")})`
    }
  }
  const notes = scan.empty > 0
    ? [
      style.single === true
        ? "the carrier holds no trace context"
        : `${scan.empty} ${noun} with a carrier that holds no trace context`
    ]
    : [style.single === true ? "no carrier" : `no carrier in ${scan.scanned} ${noun}`]
  return { _tag: "Nothing", notes: [...notes, ...bounds] }
}
