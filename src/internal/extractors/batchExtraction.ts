/**
 * The batch scan shared by the message extractors: records in order, the first context as parent, the others as
 * span links. A carrier that is a Step Functions context object gives its deterministic context without the
 * propagator (datadog-lambda-js asks the propagator first; they differ only when the object also holds complete
 * headers, where the state machine's own step is the truer parent). Synchronous between propagator calls.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../../domain/Errors.js"
import { ExtractionError } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import type { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import type { ExtractorName } from "../extractorName.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as StepFunctionsContext from "../triggers/stepFunctionsContext.js"

/** A scan over the Effect 3 {@link TraceContext.TraceContext}. */
export type Scan = RecordBatch.Scan<TraceContext.TraceContext>

/** A scan's outcome over the Effect 3 {@link TraceContext.TraceContext}. */
export type Outcome = RecordBatch.Outcome<TraceContext.TraceContext>

/** The candidates of one record, read when the scan reaches it. Decoders take from `budget`. */
export type CandidatesOf = (
  record: unknown,
  index: number,
  budget: RecordBatch.Budget
) => ReadonlyArray<RecordBatch.Candidate>

/** Options of a scan. */
export interface Options extends RecordBatch.NoteStyle {
  /** The batch size when `items` is already a bounded prefix of it (Kafka). */
  readonly total?: number | undefined
  readonly maxRecords?: number | undefined
  readonly maxLinks?: number | undefined
  readonly maxDecodedLength?: number | undefined
}

/** What a scan ends with: its state and budget in, the extractor's effect out. */
export type Finish<A, E> = (scan: Scan, budget: RecordBatch.Budget) => Effect.Effect<A, E>

interface State<A, E> {
  readonly finish: Finish<A, E>
  readonly propagator: Propagator.Service
  readonly source: ExtractorName
  readonly items: ReadonlyArray<unknown>
  readonly limit: number
  readonly maxLinks: number
  readonly candidatesOf: CandidatesOf
  readonly scan: Scan
  readonly budget: RecordBatch.Budget
  /** The record being read: whether it had a carrier, and its first malformed candidate. */
  hadCarrier: boolean
  malformed: RecordBatch.Malformed | undefined
}

const finishRecord = <A, E>(state: State<A, E>, index: number): void => {
  RecordBatch.addMiss(state.scan, index, state.hadCarrier, state.malformed)
  state.hadCarrier = false
  state.malformed = undefined
}

/** Records the context of a record; `false` once the link cap is passed. */
const accept = <A, E>(
  state: State<A, E>,
  index: number,
  location: RecordBatch.Location,
  context: TraceContext.TraceContext
): boolean => {
  state.hadCarrier = false
  state.malformed = undefined
  return RecordBatch.addContext(state.scan, index, location, context, state.maxLinks)
}

/** Resumes the scan at record `index`, candidate `position` of `candidates` (`undefined`: read them). */
const scanFrom = <A, E>(
  state: State<A, E>,
  index: number,
  position: number,
  current: ReadonlyArray<RecordBatch.Candidate> | undefined
): Effect.Effect<A, E | ExtractorFailure> => {
  let candidates = current
  let at = position
  for (; index < state.limit; index++) {
    if (candidates === undefined) {
      state.scan.scanned = index + 1
      candidates = state.candidatesOf(state.items[index], index, state.budget)
      at = 0
    }
    for (; at < candidates.length; at++) {
      const candidate = candidates[at]!
      if (candidate._tag === "Malformed") {
        state.malformed ??= candidate
        continue
      }
      const carrier = candidate._tag === "Carrier" ? candidate.carrier : undefined
      // A context read without the propagator: a padded AWSTraceHeader, or a Step Functions context object.
      const direct = candidate._tag === "Context"
        ? candidate.context
        : StepFunctionsContext.fromPayload(carrier, state.source)
      if (direct !== undefined) {
        if (!accept(state, index, candidate.location, TraceContext.make(direct))) {
          return state.finish(state.scan, state.budget)
        }
        break
      }
      if (carrier === undefined) continue
      state.hadCarrier = true
      const extracted = state.propagator.extract(carrier, state.source)
      // A completed result is handled in this loop (no runtime step, and no recursion over a long batch).
      if (Completed.isCompleted(extracted)) {
        if (Exit.isFailure(extracted)) return Exit.failCause(extracted.cause)
        if (Option.isNone(extracted.value)) continue
        if (!accept(state, index, candidate.location, extracted.value.value)) {
          return state.finish(state.scan, state.budget)
        }
        break
      }
      const recordIndex = index
      const next = at + 1
      const remaining = candidates
      return Effect.flatMap(
        extracted,
        (found): Effect.Effect<A, E | ExtractorFailure> => {
          if (Option.isNone(found)) return scanFrom(state, recordIndex, next, remaining)
          return accept(state, recordIndex, candidate.location, found.value)
            ? scanFrom(state, recordIndex + 1, 0, undefined)
            : state.finish(state.scan, state.budget)
        }
      )
    }
    if (at >= candidates.length) finishRecord(state, index)
    candidates = undefined
  }
  return state.finish(state.scan, state.budget)
}

/**
 * Scans `items` and ends with `finish`. Synchronous between propagator calls, so a batch without carriers costs a
 * single effect. Propagator failures are passed on.
 */
export const run = <A, E>(
  propagator: Propagator.Service,
  source: ExtractorName,
  items: ReadonlyArray<unknown>,
  candidatesOf: CandidatesOf,
  options: Options,
  finish: Finish<A, E>
): Effect.Effect<A, E | ExtractorFailure> =>
  scanFrom<A, E>(
    {
      finish,
      propagator,
      source,
      items,
      limit: Math.min(items.length, options.maxRecords ?? RecordBatch.limits.maxRecords),
      maxLinks: options.maxLinks ?? RecordBatch.limits.maxLinks,
      candidatesOf,
      scan: RecordBatch.makeScan<TraceContext.TraceContext>(Math.max(items.length, options.total ?? 0)),
      budget: RecordBatch.makeBudget(options.maxDecodedLength),
      hadCarrier: false,
      malformed: undefined
    },
    0,
    0,
    undefined
  )

/**
 * Turns a scan's outcome into the extractor result: the parent with its links, a typed `ExtractionError` when
 * only malformed carriers were found, or `none` with notes.
 */
export const toExtracted = (
  source: ExtractorName,
  outcome: Outcome
): Effect.Effect<TraceExtractor.Extracted, ExtractionError> => {
  switch (outcome._tag) {
    case "Found":
      return Effect.succeed(TraceExtractor.found(outcome.context, { links: outcome.links, notes: outcome.notes }))
    case "Malformed":
      return Effect.fail(new ExtractionError({ extractor: source, reason: outcome.reason, detail: outcome.detail }))
    case "Nothing":
      return Effect.succeed(TraceExtractor.noneWith(...outcome.notes))
  }
}

/** Scans `items` and returns the extractor result (see {@link toExtracted}). */
export const extract = (
  propagator: Propagator.Service,
  source: ExtractorName,
  items: ReadonlyArray<unknown>,
  candidatesOf: CandidatesOf,
  options: Options = {}
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> =>
  run(
    propagator,
    source,
    items,
    candidatesOf,
    options,
    (scan, budget) => toExtracted(source, RecordBatch.outcome(scan, budget, options))
  )

/**
 * Extracts from a batch whose carriers sit inside each record's body (SNS→SQS, EventBridge→SQS). `bodyOf` gives a
 * record's candidates, or `undefined` when its body is not of that kind; when no record's body was, the result
 * says so (`no <kind> in N records`) rather than "no carrier".
 */
export const extractFromBodies = (
  propagator: Propagator.Service,
  source: ExtractorName,
  event: unknown,
  bodyOf: (record: unknown, budget: RecordBatch.Budget) => ReadonlyArray<RecordBatch.Candidate> | undefined,
  kind: string
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const records = RecordBatch.records(event)
  if (records === undefined) return Effect.succeed(TraceExtractor.none)
  let bodies = 0
  const candidatesOf: CandidatesOf = (record, _index, budget) => {
    const found = bodyOf(record, budget)
    if (found === undefined) return RecordBatch.noCandidates
    bodies++
    return found
  }
  return run(propagator, source, records, candidatesOf, {}, (scan, budget) => {
    const outcome = RecordBatch.outcome(scan, budget)
    return bodies === 0 && outcome._tag === "Nothing"
      ? Effect.succeed(
        TraceExtractor.noneWith(`no ${kind} in ${scan.scanned} records`, ...RecordBatch.boundNotes(scan, budget))
      )
      : toExtracted(source, outcome)
  })
}
