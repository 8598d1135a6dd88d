/**
 * Durable executions: the newest usable `_datadog_{N}` checkpoint, as a program both Effect lines run (see
 * `durableProgram.ts`). Datadog's tracers save the trace context as a STEP named `_datadog_{N}` (Datadog-style
 * headers) before an invocation suspends; a resumed invocation continues that trace. Checkpoints are tried from the
 * highest `N` down (later pages through the line's `DurableState` when present), and the first complete context
 * wins; a sampling priority is not required, since dd-trace-js's writer may omit it. With the dd-trace propagator,
 * `datadog` must stay in the extract styles for checkpoints to be read.
 */
import type { Result } from "../result.js"
import * as CheckpointName from "./checkpointName.js"
import * as DurableCheckpoint from "./durableCheckpoint.js"
import * as DurableOperations from "./durableOperations.js"
import * as Durable from "./durableProgram.js"

/** The extractor's name. */
export const NAME = "durable-checkpoint"

/** Checkpoints tried before giving up (each costs a decode and a propagator call). */
export const maxCandidatesTried = 16

interface Candidates {
  readonly candidates: ReadonlyArray<DurableOperations.Candidate>
  readonly notes: ReadonlyArray<string>
}

/** The candidates of the first page and of the later pages the driver read. */
function* withLaterPages(
  envelope: DurableOperations.Envelope,
  marker: string,
  first: DurableOperations.CheckpointScan
): Generator<Durable.Request, Candidates, unknown> {
  const read = yield* Durable.readPages(envelope, marker)
  const notes = [...Durable.pagingNotes(envelope, read)]
  if (read === undefined) return { candidates: first.candidates, notes }
  const candidates = [...first.candidates]
  let offset = first.count
  for (const page of read.pages) {
    const scanned = DurableOperations.scanCheckpoints(page, offset)
    if (scanned.malformedIndex >= 0) notes.push(`a later page holds non-object operations (ignored)`)
    candidates.push(...scanned.candidates)
    offset += page.length
  }
  return { candidates, notes }
}

/** Tries the candidates newest first: the first one the propagator reads completely wins. */
const NO_CHECKPOINT = "no _datadog_{N} checkpoint"
const NONE_FOUND: Durable.Outcome<never, never> = Object.freeze({
  _tag: "Nothing",
  notes: Object.freeze([NO_CHECKPOINT])
})

/** The outcome of an envelope without checkpoints: one frozen constant when it has no notes of its own. */
const noCheckpoint = (notes: ReadonlyArray<string>): Durable.Outcome<never, never> =>
  notes.length === 0 ? NONE_FOUND : Durable.nothing(...notes, NO_CHECKPOINT)

function* choose<C, F extends Durable.PropagationFailure>(
  env: Durable.Env<C>,
  found: Candidates
): Durable.Program<C, F> {
  const newest = DurableOperations.newest(found.candidates)
  if (newest === undefined) return noCheckpoint(found.notes)
  // The newest is usually usable: the others are only ranked when it is not.
  let ranked: ReadonlyArray<DurableOperations.Candidate> | undefined
  const count = found.candidates.length
  const skipped: Array<string> = []
  let malformedCarrier = false
  for (let i = 0; i < count && i < maxCandidatesTried; i++) {
    const candidate = i === 0 ? newest : (ranked ??= DurableOperations.byNewest(found.candidates))[i]!
    const name = CheckpointName.format(candidate.n)
    const carrier = DurableCheckpoint.read(candidate.operation, env.decodeFields)
    if (carrier._tag === "Err") {
      malformedCarrier = true
      skipped.push(`${name} unusable (${carrier.error.text})`)
      continue
    }
    const result = (yield { _tag: "PropagateDatadog", carrier: carrier.value }) as Result<C | undefined, F>
    if (result._tag === "Err") {
      // A missing tracer fails at once; one payload the tracer chokes on must not hide an older good checkpoint.
      if (result.error._tag === "TracerUnavailable") return { _tag: "Raise", error: result.error }
      malformedCarrier = true
      skipped.push(`${name} unusable (propagator: ${result.error.detail})`)
      continue
    }
    if (result.value === undefined) {
      skipped.push(`${name} unusable (no complete Datadog context)`)
      continue
    }
    const used = skipped.length === 0 ? `used ${name}` : `${skipped.join("; ")}; used ${name}`
    return Durable.found(result.value, [...found.notes, used])
  }
  if (count > maxCandidatesTried) skipped.push(`gave up after ${maxCandidatesTried} unusable checkpoints`)
  const hint = malformedCarrier ? "" : "; checkpoints are Datadog-style: keep datadog in the extract styles"
  return Durable.malformed(
    malformedCarrier ? "MalformedCarrier" : "IncompleteContext",
    [...found.notes, `no usable checkpoint: ${skipped.join("; ")}${hint}`].join("; ")
  )
}

/** What the candidates give: most envelopes hold none yet, an outcome that needs no program of its own. */
const fromCandidates = <C, F extends Durable.PropagationFailure>(
  env: Durable.Env<C>,
  found: Candidates
): Durable.Start<C, F> => found.candidates.length === 0 ? noCheckpoint(found.notes) : choose<C, F>(env, found)

/** The rest of the program once the later pages are needed. */
function* fromLaterPages<C, F extends Durable.PropagationFailure>(
  env: Durable.Env<C>,
  envelope: DurableOperations.Envelope,
  marker: string,
  first: DurableOperations.CheckpointScan
): Durable.Program<C, F> {
  return yield* Durable.follow(fromCandidates<C, F>(env, yield* withLaterPages(envelope, marker, first)))
}

/**
 * The checkpoint extractor's program on one event. Most envelopes hold no checkpoint yet and one page: their
 * outcome comes at once, with no program.
 */
export const program = <C, F extends Durable.PropagationFailure>(
  env: Durable.Env<C>,
  event: unknown
): Durable.Start<C, F> => {
  const envelope = Durable.envelopeOf(event)
  if (Durable.isOutcome(envelope)) return envelope
  const first = DurableOperations.scanCheckpoints(envelope.operations)
  if (first.malformedIndex >= 0) {
    return Durable.malformed("MalformedEvent", `Operations[${first.malformedIndex}] is not an object`)
  }
  const marker = envelope.nextMarker
  if (marker !== undefined) return fromLaterPages<C, F>(env, envelope, marker, first)
  return fromCandidates<C, F>(env, { candidates: first.candidates, notes: envelope.notes })
}
