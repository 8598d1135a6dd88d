/**
 * Durable executions: the newest usable `_datadog_{N}` checkpoint. Datadog's tracers save the trace context as a
 * STEP named `_datadog_{N}` (Datadog-style headers) before an invocation suspends; a resumed invocation continues
 * that trace. Checkpoints are tried from the highest `N` down (later pages through `DurableState` when present), and
 * the first complete context wins; a sampling priority is not required, since dd-trace-js's writer may omit it.
 * With the dd-trace propagator, `datadog` must stay in the extract styles for checkpoints to be read.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../../domain/Errors.js"
import * as DurableState from "../../services/DurableState.js"
import { DurableCheckpointExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as CheckpointName from "../durable/checkpointName.js"
import * as DurableCheckpoint from "../durable/durableCheckpoint.js"
import * as DurableOperations from "../durable/durableOperations.js"
import * as OperationFields from "../durable/operationFields.js"
import * as Paging from "../durable/paging.js"
import * as StateOverride from "../durable/stateOverride.js"
import * as Builtin from "./builtin.js"

/** Checkpoints tried before giving up (each costs a decode and a propagator call). */
export const maxCandidatesTried = 16

const NAME = "durable-checkpoint"

const malformed = (reason: ExtractionError["reason"], detail: string) =>
  new ExtractionError({ extractor: NAME, reason, detail })

interface Candidates {
  readonly candidates: ReadonlyArray<DurableOperations.Candidate>
  readonly notes: ReadonlyArray<string>
}

/** The candidates of the later pages, when a `DurableState` service can read them. */
const laterPages = (
  envelope: DurableOperations.Envelope,
  first: DurableOperations.CheckpointScan,
  state: Option.Option<DurableState.DurableState.Service>,
  lambdaContext: unknown,
  invocation: TraceExtractor.Invocation | undefined
): Effect.Effect<Candidates> => {
  const marker = envelope.nextMarker
  if (marker === undefined) return Effect.succeed({ candidates: first.candidates, notes: envelope.notes })
  return Effect.flatMap(StateOverride.resolve(state), (service) => {
    if (Option.isNone(service)) {
      return Effect.succeed({
        candidates: first.candidates,
        notes: [...envelope.notes, "NextMarker set: later pages not read (no DurableState service)"]
      })
    }
    const start = { arn: envelope.arn, checkpointToken: envelope.checkpointToken, marker }
    return Effect.map(
      Paging.pagesOf(invocation, service.value, start, lambdaContext).read(),
      (read) => {
        const candidates = [...first.candidates]
        const notes = [...envelope.notes, `read ${read.pages.length} later page(s)`, ...read.notes]
        let offset = first.count
        for (const page of read.pages) {
          const scanned = DurableOperations.scanCheckpoints(page, offset)
          if (scanned.malformedIndex >= 0) notes.push(`a later page holds non-object operations (ignored)`)
          candidates.push(...scanned.candidates)
          offset += page.length
        }
        return { candidates, notes }
      }
    )
  })
}

const noCheckpoint = Builtin.noneEndingWith("no _datadog_{N} checkpoint")

const choose = (
  propagator: Propagator["Type"],
  found: Candidates
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const newest = DurableOperations.newest(found.candidates)
  if (newest === undefined) return noCheckpoint(found.notes)
  // The newest is usually usable: the others are only ranked when it is not.
  let ranked: ReadonlyArray<DurableOperations.Candidate> | undefined
  const count = found.candidates.length
  const skipped: Array<string> = []
  let malformedCarrier = false
  // Checkpoints are Datadog-style: a propagator that can read them whatever the configured styles does so.
  const extractCheckpoint = propagator.extractDatadog ?? propagator.extract
  const tryFrom = (i: number): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    if (i >= count || i >= maxCandidatesTried) {
      if (i < count) skipped.push(`gave up after ${maxCandidatesTried} unusable checkpoints`)
      const hint = malformedCarrier ? "" : "; checkpoints are Datadog-style: keep datadog in the extract styles"
      return Effect.fail(malformed(
        malformedCarrier ? "MalformedCarrier" : "IncompleteContext",
        [...found.notes, `no usable checkpoint: ${skipped.join("; ")}${hint}`].join("; ")
      ))
    }
    const candidate = i === 0 ? newest : (ranked ??= DurableOperations.byNewest(found.candidates))[i]!
    const name = CheckpointName.format(candidate.n)
    const carrier = DurableCheckpoint.read(candidate.operation, OperationFields.decodeFields)
    if (carrier._tag === "Err") {
      malformedCarrier = true
      skipped.push(`${name} unusable (${carrier.error.text})`)
      return tryFrom(i + 1)
    }
    return Completed.matchEither(extractCheckpoint(carrier.value, NAME), (result) => {
      if (Either.isLeft(result)) {
        // A missing tracer fails at once; one payload the tracer chokes on must not hide an older good checkpoint.
        if (result.left._tag === "TracerUnavailable") return Effect.fail(result.left)
        malformedCarrier = true
        skipped.push(`${name} unusable (propagator: ${result.left.detail})`)
        return tryFrom(i + 1)
      }
      if (Option.isNone(result.right)) {
        skipped.push(`${name} unusable (no complete Datadog context)`)
        return tryFrom(i + 1)
      }
      const used = skipped.length === 0 ? `used ${name}` : `${skipped.join("; ")}; used ${name}`
      return Effect.succeed(TraceExtractor.found(result.right.value, { notes: [...found.notes, used] }))
    })
  }
  return tryFrom(0)
}

const extract = (
  propagator: Propagator["Type"],
  state: Option.Option<DurableState.DurableState.Service>,
  event: unknown,
  lambdaContext: unknown,
  invocation: TraceExtractor.Invocation | undefined
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  if (!DurableOperations.isDurableEvent(event)) return Effect.succeed(TraceExtractor.none)
  const envelope = DurableOperations.readEnvelope(event)
  if (envelope._tag === "Err") return Effect.fail(malformed(envelope.error.reason, envelope.error.detail))
  const first = DurableOperations.scanCheckpoints(envelope.value.operations)
  if (first.malformedIndex >= 0) {
    return Effect.fail(malformed("MalformedEvent", `Operations[${first.malformedIndex}] is not an object`))
  }
  // One page (always, in the bench and usually in Lambda): no paging effect.
  if (envelope.value.nextMarker === undefined) {
    return choose(propagator, { candidates: first.candidates, notes: envelope.value.notes })
  }
  return Effect.flatMap(
    laterPages(envelope.value, first, state, lambdaContext, invocation),
    (found) => choose(propagator, found)
  )
}

/**
 * Builds the extractor. A `DurableState` service present in the context (or set per invocation with
 * `DurableState.withClient`) is used to read later pages.
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const state = yield* Effect.serviceOption(DurableState.DurableState)
  return TraceExtractor.make({
    name: NAME,
    extract: (event, lambdaContext, invocation) => extract(propagator, state, event, lambdaContext, invocation),
    group: Builtin.durable
  })
})

export const layer: Layer.Layer<DurableCheckpointExtractor, never, Propagator> = Layer.effect(
  DurableCheckpointExtractor,
  make
)
