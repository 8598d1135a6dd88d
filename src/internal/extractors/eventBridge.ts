/**
 * EventBridge events delivered directly: the carrier is `detail._datadog` (an object written by dd-trace; a Step
 * Functions context object there is recognised too). When an input transformer forwarded only `detail`, `_datadog`
 * sits at the top level of the event; a header map there is read too (a Step Functions context object at the top
 * level is left to the Step Functions extractor). Legacy CloudWatch Events and scheduled events match the shape
 * and carry nothing.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { EventBridgeExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import type * as TraceExtractor from "../../services/TraceExtractor.js"
import * as EventBridgeEvent from "../triggers/eventBridgeEvent.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"

/** The cheap guard: a `detail-type` key, or a top-level `_datadog` header map. */
export const accepts = (event: unknown): boolean => EventBridgeEvent.isEventBridgeShaped(event)

const candidatesOf: BatchExtraction.CandidatesOf = (event, _index, budget) => EventBridgeEvent.candidates(event, budget)

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator.Service): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "eventbridge",
    extract: (event) => BatchExtraction.extract(propagator, "eventbridge", [event], candidatesOf, { single: true }),
    accepts
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(Propagator, makeWith)

export const layer: Layer.Layer<EventBridgeExtractor, never, Propagator> = Layer.effect(EventBridgeExtractor, make)
