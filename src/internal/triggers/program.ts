/**
 * Trigger extraction as Effect-free programs, shared by both Effect lines. A program reads the event and, when it
 * needs the app's propagator (or the invocation's X-Ray header), yields a {@link Request}; the line's driver
 * answers it with its own service and resumes the program, synchronously when the answer is already there. What
 * the program returns, an {@link Outcome}, the driver turns into that line's extractor result or typed error.
 *
 * Programs are generators, so a scan keeps its place across propagator calls without continuations, and the
 * order of carriers, the notes and the bounds are written once.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import type { Decoders } from "./decoders.js"
import * as RecordBatch from "./recordBatch.js"
import * as StepFunctionsContext from "./stepFunctionsContext.js"

/** Run this carrier through the propagator (answer: the context, or `undefined`). */
export interface Propagate {
  readonly _tag: "Propagate"
  readonly carrier: Readonly<Record<string, unknown>>
}

/** Read the invocation's X-Ray header: the Lambda context's `xRayTraceId`, else `_X_AMZN_TRACE_ID` (answer: it, or `undefined`). */
export interface ReadXRayHeader {
  readonly _tag: "ReadXRayHeader"
}

/** What a program asks its driver. */
export type Request = Propagate | ReadXRayHeader

/** What a program ends with (see {@link RecordBatch.Outcome}). */
export type Outcome<C> = RecordBatch.Outcome<C>

/** A program over the line's context type `C`: yields requests, receives their answers, returns an outcome. */
export type Program<C> = Generator<Request, Outcome<C>, unknown>

/**
 * What starting a program on an event gives: its outcome at once when it needs nothing from the driver (most
 * events, which carry no context), else the program to run. A generator costs an object and its steps on every
 * invocation; the common ends need neither.
 */
export type Start<C> = Outcome<C> | Program<C>

/** Whether a {@link Start} (trigger or durable) is the outcome rather than the program. */
export const isOutcome = <O extends { readonly _tag: string }, P extends Generator<unknown, unknown, unknown>>(
  start: O | P
): start is O => "_tag" in start

/** What a line gives its programs: how it builds its context from plain fields, and its Schema decoders. */
export interface Env<C extends RecordBatch.ContextIds> {
  readonly make: (fields: ContextFields) => C
  readonly decoders: Decoders
}

/** Asks the driver to propagate `carrier`; the context it found, or `undefined`. */
export function* propagate<C>(carrier: Readonly<Record<string, unknown>>): Generator<Request, C | undefined, unknown> {
  return (yield { _tag: "Propagate", carrier }) as C | undefined
}

const READ_XRAY_HEADER: ReadXRayHeader = { _tag: "ReadXRayHeader" }

/** Asks the driver for the invocation's X-Ray header. */
export function* xRayHeader(): Generator<Request, string | undefined, unknown> {
  return (yield READ_XRAY_HEADER) as string | undefined
}

/** A program's outcome with nothing found, and why. */
export const nothing = (...notes: ReadonlyArray<string>): Outcome<never> => ({ _tag: "Nothing", notes })

/** A program's outcome with a context found. */
export const found = <C>(context: C, ...notes: ReadonlyArray<string>): Outcome<C> => ({
  _tag: "Found",
  context,
  links: RecordBatch.noLinks,
  notes
})

/** The candidates of one record, read when the scan reaches it. Decoders take from `budget`. */
export type CandidatesOf = (
  record: unknown,
  index: number,
  budget: RecordBatch.Budget
) => ReadonlyArray<RecordBatch.Candidate>

/** Options of a scan. */
export interface ScanOptions extends RecordBatch.NoteStyle {
  /** The batch size when `items` is already a bounded prefix of it (Kafka). */
  readonly total?: number | undefined
  readonly maxRecords?: number | undefined
  readonly maxLinks?: number | undefined
  readonly maxDecodedLength?: number | undefined
}

/** A finished scan and its budget, for a caller that words the outcome itself. */
export interface Scanned<C extends RecordBatch.ContextIds> {
  readonly scan: RecordBatch.Scan<C>
  readonly budget: RecordBatch.Budget
}

/**
 * Scans `items` in order: the first context is the parent, the others span links, until the link cap. A carrier
 * that is a Step Functions context object gives its deterministic context without the propagator
 * (datadog-lambda-js asks the propagator first; they differ only when the object also holds complete headers,
 * where the state machine's own step is the truer parent).
 */
export function* scan<C extends RecordBatch.ContextIds>(
  env: Env<C>,
  source: ExtractorName,
  items: ReadonlyArray<unknown>,
  candidatesOf: CandidatesOf,
  options: ScanOptions = {}
): Generator<Request, Scanned<C>, unknown> {
  const limit = Math.min(items.length, options.maxRecords ?? RecordBatch.limits.maxRecords)
  const maxLinks = options.maxLinks ?? RecordBatch.limits.maxLinks
  const scan = RecordBatch.makeScan<C>(Math.max(items.length, options.total ?? 0))
  const budget = RecordBatch.makeBudget(options.maxDecodedLength)
  records: for (let index = 0; index < limit; index++) {
    scan.scanned = index + 1
    let hadCarrier = false
    let malformed: RecordBatch.Malformed | undefined
    for (const candidate of candidatesOf(items[index], index, budget)) {
      if (candidate._tag === "Malformed") {
        malformed ??= candidate
        continue
      }
      const carrier = candidate._tag === "Carrier" ? candidate.carrier : undefined
      const direct = candidate._tag === "Context"
        ? candidate.context
        : StepFunctionsContext.fromPayload(carrier, source)
      let context: C | undefined
      if (direct !== undefined) {
        context = env.make(direct)
      } else if (carrier !== undefined) {
        hadCarrier = true
        context = yield* propagate<C>(carrier)
      }
      if (context === undefined) continue
      if (!RecordBatch.addContext(scan, index, candidate.location, context, maxLinks)) break records
      continue records
    }
    RecordBatch.addMiss(scan, index, hadCarrier, malformed)
  }
  return { scan, budget }
}

/** {@link scan}, worded as an outcome. */
export function* scanOutcome<C extends RecordBatch.ContextIds>(
  env: Env<C>,
  source: ExtractorName,
  items: ReadonlyArray<unknown>,
  candidatesOf: CandidatesOf,
  options: ScanOptions = {}
): Program<C> {
  const { budget, scan: scanned } = yield* scan(env, source, items, candidatesOf, options)
  return RecordBatch.outcome(scanned, budget, options)
}

/**
 * Scans a batch whose carriers sit inside each record's body (SNS→SQS, EventBridge→SQS). `bodyOf` gives a
 * record's candidates, or `undefined` when its body is not of that kind; when no record's body was, the outcome
 * says so (`no <kind> in N records`) rather than "no carrier".
 */
export function* scanBodies<C extends RecordBatch.ContextIds>(
  env: Env<C>,
  source: ExtractorName,
  event: unknown,
  bodyOf: (record: unknown, budget: RecordBatch.Budget) => ReadonlyArray<RecordBatch.Candidate> | undefined,
  kind: string
): Program<C> {
  const records = RecordBatch.records(event)
  if (records === undefined) return nothing()
  let bodies = 0
  const candidatesOf: CandidatesOf = (record, _index, budget) => {
    const found = bodyOf(record, budget)
    if (found === undefined) return RecordBatch.noCandidates
    bodies++
    return found
  }
  const { budget, scan: scanned } = yield* scan(env, source, records, candidatesOf)
  const outcome = RecordBatch.outcome(scanned, budget)
  return bodies === 0 && outcome._tag === "Nothing"
    ? nothing(`no ${kind} in ${scanned.scanned} records`, ...RecordBatch.boundNotes(scanned, budget))
    : outcome
}
