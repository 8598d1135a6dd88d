/**
 * Durable executions with no usable checkpoint: the context of the original event held in the EXECUTION
 * operation's `InputPayload`, on Effect 3. The extraction is the shared program (`durable/inputProgram.ts`), run by
 * the durable driver over the propagator, the optional `DurableState` service and the trigger extractors.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DurableState from "../../services/DurableState.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import { DurableInputExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import type * as TraceExtractor from "../../services/TraceExtractor.js"
import * as InputProgram from "../durable/inputProgram.js"
import * as Driver from "./durableDriver.js"
import * as TriggerServices from "./triggers.js"

/** Longest `InputPayload` parsed: Lambda's synchronous invocation payload limit (6 MiB). */
export const maxInputPayloadLength = InputProgram.maxInputPayloadLength

/**
 * Builds the extractor over the trigger extractors present in the context (collected once, when the layer is
 * built) and the optional `DurableState` service.
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const extractors = yield* TriggerServices.collect
  const screen = InputProgram.textScreen(extractors.map((extractor) => extractor.textGuard))
  const state = yield* Effect.serviceOption(DurableState.DurableState)
  return Driver.extractor(
    InputProgram.NAME,
    (event, lambdaContext, invocation) =>
      InputProgram.program(Driver.env, { screen, lambdaContext, invocation }, event),
    { propagator, state, triggers: ExtractorChain.make(extractors) }
  )
})

export const layer: Layer.Layer<DurableInputExtractor, never, Propagator> = Layer.effect(DurableInputExtractor, make)
