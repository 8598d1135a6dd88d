/**
 * The durable extractors as Effect-free programs, shared by both Effect lines, like the trigger programs
 * (`triggers/program.ts`): a program reads the envelope and yields a {@link Request} when it needs its line's
 * services (the propagator, the durable state's later pages, the trigger extractors); the line's driver answers and
 * resumes it, and turns the {@link Outcome} into its extractor result or typed error.
 */
import type { AttemptFields } from "../chainGuards.js"
import type { ExtractorName } from "../extractorName.js"
import * as TriggerProgram from "../triggers/program.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as DurableOperations from "./durableOperations.js"
import type * as Pager from "./pager.js"

/**
 * Read the later pages from `start` (see `Pager.read`). Answer: the {@link Pager.PagesRead}, or `undefined` when
 * the line has no `DurableState` service.
 */
export interface ReadPages {
  readonly _tag: "ReadPages"
  readonly start: Pager.PagingStart
  readonly until?: ((operations: ReadonlyArray<unknown>) => boolean) | undefined
}

/**
 * Run this checkpoint carrier through the propagator, Datadog-style whatever the configured styles when the
 * propagator can. Answer: a {@link Result} of the context (or `undefined`), or the propagator's failure as a value.
 */
export interface PropagateDatadog {
  readonly _tag: "PropagateDatadog"
  readonly carrier: Readonly<Record<string, unknown>>
}

/** Run the trigger extractors, in chain order, on this original event. Answer: a {@link TriggersRun}. */
export interface RunTriggers {
  readonly _tag: "RunTriggers"
  readonly event: Readonly<Record<string, unknown>>
  readonly lambdaContext: unknown
}

/**
 * What a durable program asks its driver. {@link TriggerProgram.Propagate} (answer: the context, or `undefined`) passes a
 * propagator failure on, as for the triggers.
 */
export type Request = TriggerProgram.Propagate | ReadPages | PropagateDatadog | RunTriggers

/** A propagator failure as a {@link PropagateDatadog} answer gives it: the line's error, read by tag and detail. */
export interface PropagationFailure {
  readonly _tag: string
  readonly detail: string
}

/** What the trigger extractors found in an original event: the chain's result, over plain values. */
export interface TriggersRun<C> {
  readonly context: C | undefined
  readonly links: ReadonlyArray<C>
  readonly attempts: ReadonlyArray<AttemptFields>
}

/** The reasons of a durable extractor's `ExtractionError`. */
export type Reason = "MalformedEvent" | "MalformedCarrier" | "IncompleteContext" | "LimitExceeded"

/**
 * What a durable program ends with: a context, nothing (with notes saying why), an `ExtractionError`'s reason and
 * detail, or a propagator failure `F` to fail the extractor with as it is.
 */
export type Outcome<C, F> =
  | {
    readonly _tag: "Found"
    readonly context: C
    readonly links: ReadonlyArray<C>
    readonly notes: ReadonlyArray<string>
  }
  | { readonly _tag: "Nothing"; readonly notes: ReadonlyArray<string> }
  | { readonly _tag: "Malformed"; readonly reason: Reason; readonly detail: string }
  | { readonly _tag: "Raise"; readonly error: F }

/** A durable program over the line's context type `C` and propagator failure `F`. */
export type Program<C, F> = Generator<Request, Outcome<C, F>, unknown>

/** A durable program's start: its outcome at once when it needs nothing from the driver, else the program to run. */
export type Start<C, F> = Outcome<C, F> | Program<C, F>

/** A start run as the rest of a program: its outcome as it is, else its program's steps. */
export function* follow<C, F>(start: Start<C, F>): Program<C, F> {
  return TriggerProgram.isOutcome(start) ? start : yield* start
}

/** What a line gives the durable programs. */
export interface Env<C> {
  /** The context attributed to another extractor. */
  readonly withSource: (context: C, source: ExtractorName) => C
  /** The line's decode of an operation not of the well-formed shape. */
  readonly decodeFields: DurableOperations.DecodeFields
}

/** An outcome with a context found (without links, the frozen empty list: results never share a mutable one). */
export const found = <C>(
  context: C,
  notes: ReadonlyArray<string>,
  links: ReadonlyArray<C> = RecordBatch.noLinks
): Outcome<C, never> => ({ _tag: "Found", context, links, notes })

/** An outcome with nothing found, and why (the trigger programs' own). */
export const nothing: (...notes: ReadonlyArray<string>) => Outcome<never, never> = TriggerProgram.nothing

/** An outcome failing the extractor with an `ExtractionError`. */
export const malformed = (reason: Reason, detail: string): Outcome<never, never> => ({
  _tag: "Malformed",
  reason,
  detail
})

const NOTHING = nothing()

/** Asks the driver to propagate `carrier`; the context it found, or `undefined` (a failure fails the extractor). */
export function* propagate<C>(carrier: Readonly<Record<string, unknown>>): Generator<Request, C | undefined, unknown> {
  return (yield { _tag: "Propagate", carrier }) as C | undefined
}

/** Asks the driver for the later pages from the envelope's `NextMarker` (`undefined`: no `DurableState` service). */
export function* readPages(
  envelope: DurableOperations.Envelope,
  marker: string,
  until?: (operations: ReadonlyArray<unknown>) => boolean
): Generator<Request, Pager.PagesRead | undefined, unknown> {
  const start = { arn: envelope.arn, checkpointToken: envelope.checkpointToken, marker }
  return (yield { _tag: "ReadPages", start, until }) as Pager.PagesRead | undefined
}

/** The notes of an envelope whose later pages were read, or could not be. */
export const pagingNotes = (
  envelope: DurableOperations.Envelope,
  read: Pager.PagesRead | undefined
): ReadonlyArray<string> =>
  read === undefined
    ? [...envelope.notes, "NextMarker set: later pages not read (no DurableState service)"]
    : [...envelope.notes, `read ${read.pages.length} later page(s)`, ...read.notes]

/**
 * The envelope of a durable event, or the outcome when there is none to read: nothing for an event that is not
 * durable, an `ExtractionError` for a malformed one.
 */
export const envelopeOf = (
  event: unknown
): DurableOperations.Envelope | Outcome<never, never> => {
  if (!DurableOperations.isDurableEvent(event)) return NOTHING
  const envelope = DurableOperations.readEnvelope(event)
  return envelope._tag === "Err" ? malformed(envelope.error.reason, envelope.error.detail) : envelope.value
}

/** Whether {@link envelopeOf} gave an outcome rather than an envelope. */
export const isOutcome = (value: DurableOperations.Envelope | Outcome<never, never>): value is Outcome<never, never> =>
  "_tag" in value
