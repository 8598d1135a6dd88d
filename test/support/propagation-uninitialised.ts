/**
 * Child-process script: dd-trace loaded but not initialised (argument `uninitialised`), or initialised while
 * disabled with `DD_TRACE_ENABLED=false` (argument `disabled`). Prints what raw dd-trace and both dd-trace
 * layers do with a Datadog carrier, as one JSON line.
 */
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as SpanContext from "../../src/internal/ddTrace/spanContext.js"
import * as DatadogHeaders from "../../src/internal/propagation/datadogHeaders.js"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"

if (process.argv[2] === "disabled") tracer.init({ plugins: false })

const carrier = { "x-datadog-trace-id": "123", "x-datadog-parent-id": "456" }

const outcome = (layer: Layer.Layer<Propagator>) => {
  const run = <A>(effect: Effect.Effect<A, { readonly _tag: string; readonly reason: string }, Propagator>) =>
    Either.match(Effect.runSync(Effect.either(Effect.provide(effect, layer))), {
      onLeft: (error) => ({ error: error._tag, reason: error.reason }),
      onRight: (value) => ({ value })
    })
  return {
    extract: run(Effect.flatMap(Propagator, (propagator) => propagator.extract(carrier, "http"))),
    inject: run(
      Effect.flatMap(
        Propagator,
        (propagator) => propagator.inject(TraceContext.make(DatadogHeaders.extract(carrier, "http")!))
      )
    )
  }
}

const raw = tracer.extract("text_map", carrier)
console.log(JSON.stringify({
  rawTraceId: raw?.toTraceId() ?? null,
  isInitialised: SpanContext.isInitialised(tracer),
  global: outcome(DdTracePropagator.layerGlobal),
  explicit: outcome(DdTracePropagator.layer(tracer))
}))
