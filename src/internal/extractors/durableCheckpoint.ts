/**
 * Durable executions: the newest usable `_datadog_{N}` checkpoint, on Effect 3. The extraction is the shared
 * program (`durable/checkpointProgram.ts`), run by the durable driver over the propagator and the optional
 * `DurableState` service.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DurableState from "../../services/DurableState.js"
import { DurableCheckpointExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import type * as TraceExtractor from "../../services/TraceExtractor.js"
import * as CheckpointProgram from "../durable/checkpointProgram.js"
import * as Driver from "./durableDriver.js"

/** Checkpoints tried before giving up (each costs a decode and a propagator call). */
export const maxCandidatesTried = CheckpointProgram.maxCandidatesTried

/**
 * Builds the extractor. A `DurableState` service present in the context (or set per invocation with
 * `DurableState.withClient`) is used to read later pages.
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const state = yield* Effect.serviceOption(DurableState.DurableState)
  return Driver.extractor(
    CheckpointProgram.NAME,
    (event) => CheckpointProgram.program(Driver.env, event),
    { propagator, state }
  )
})

export const layer: Layer.Layer<DurableCheckpointExtractor, never, Propagator> = Layer.effect(
  DurableCheckpointExtractor,
  make
)
