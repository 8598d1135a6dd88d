// The built-in trigger extractors as one chain: what the durable input extractor runs on an original event.
import * as Layer from "effect/Layer"
import * as BuiltinLayers from "../../src/internal/extractors/layers.js"
import * as Triggers from "../../src/internal/extractors/triggers.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import type { Propagator } from "../../src/services/Propagator.js"

/** The chain of the built-in trigger extractors, in chain order, over `propagator`. */
export const triggerSection = (propagator: Layer.Layer<Propagator>): Layer.Layer<ExtractorChain.ExtractorChain> =>
  ExtractorChain.layerFromServices(Triggers.services).pipe(
    Layer.provide(BuiltinLayers.layerTriggers),
    Layer.provide(propagator)
  )
