/**
 * The propagator over the app's dd-trace: extraction with dd-trace's own configured styles. dd-trace must be
 * initialised (`tracer.init()`, or `dd-trace/init`) before the first extraction; before that its `extract` returns
 * a fake context that ignores the carrier, which this layer refuses with `TracerUnavailable` (`NotInitialised`).
 * It never initialises dd-trace itself.
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DdTracePropagator, DefaultChain } from "effect-datadog-lambda/effect4"
 *
 * const chain = DefaultChain.layer.pipe(Layer.provide(DdTracePropagator.layerGlobal))
 * ```
 *
 * @since 0.2.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DdExtraction from "../../internal/ddTrace/extraction.js"
import * as SpanContext from "../../internal/ddTrace/spanContext.js"
import type { ExtractorName } from "../../internal/extractorName.js"
import * as DatadogHeaders from "../../internal/propagation/datadogHeaders.js"
import { PropagatorError, TracerUnavailable } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"

/**
 * The part of dd-trace's tracer this layer uses.
 *
 * @since 0.2.0
 * @category models
 */
export type DdTracer = SpanContext.DdTracer

const notInitialised = () =>
  new TracerUnavailable({ reason: "NotInitialised", detail: DdExtraction.NOT_INITIALISED_DETAIL })

const extractWith = (
  tracer: DdTracer,
  carrier: unknown,
  source: ExtractorName
): Effect.Effect<Option.Option<TraceContext.TraceContext>, PropagatorError | TracerUnavailable> => {
  const extraction = DdExtraction.extract(tracer, carrier, source)
  switch (extraction._tag) {
    case "NotInitialised":
      return Effect.fail(notInitialised())
    case "Threw":
      return Effect.fail(
        new PropagatorError({ reason: "ExtractFailed", detail: DdExtraction.THREW_DETAIL, cause: extraction.cause })
      )
    case "Nothing":
      return Effect.succeed(Option.none())
    case "Extracted": {
      const context = TraceContext.make(extraction.fields)
      SpanContext.remember(context, extraction.spanContext)
      return Effect.succeed(Option.some(context))
    }
  }
}

// The propagator over a tracer resolved on first use: the tracer is looked up once (a failure to find it is kept, an
// interruption is not), and every extraction after that is an already completed effect.
const makeLazy = (resolve: Effect.Effect<DdTracer, TracerUnavailable>): Effect.Effect<Propagator.Service> =>
  Effect.sync(() => {
    let resolved: Exit.Exit<DdTracer, TracerUnavailable> | undefined
    const withTracer = <A, E>(
      f: (tracer: DdTracer) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | TracerUnavailable> => {
      const kept = resolved
      if (kept !== undefined) return Exit.isSuccess(kept) ? f(kept.value) : Exit.failCause(kept.cause)
      return Effect.flatMap(
        Effect.onExit(resolve, (exit) =>
          Effect.sync(() => {
            if (resolved === undefined && !(Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause))) {
              resolved = exit
            }
          })),
        f
      )
    }
    return {
      extract: (carrier, source) => withTracer((tracer) => extractWith(tracer, carrier, source)),
      inject: (context) =>
        withTracer((tracer) =>
          SpanContext.isInitialised(tracer)
            ? Effect.succeed(DatadogHeaders.inject(TraceContext.toFields(context)))
            : Effect.fail(notInitialised())
        )
    }
  })

/**
 * The propagator over a given tracer.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (tracer: DdTracer): Effect.Effect<Propagator.Service> => makeLazy(Effect.succeed(tracer))

/**
 * The propagator over a given tracer.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (tracer: DdTracer): Layer.Layer<Propagator> => Layer.effect(Propagator, make(tracer))

/**
 * The app's tracer: the global one (`globalThis._ddtrace`), else the `dd-trace` package's, imported on first use.
 *
 * @since 0.2.0
 * @category constructors
 */
export const resolveGlobal: Effect.Effect<DdTracer, TracerUnavailable> = Effect.suspend(() => {
  const global = DdExtraction.fromGlobal()
  if (global !== undefined) return Effect.succeed(global)
  return Effect.flatMap(Effect.promise(DdExtraction.resolveGlobal), (resolution) => {
    if (resolution._tag === "Resolved") return Effect.succeed(resolution.tracer)
    const { cause, detail, reason } = resolution
    return Effect.fail(new TracerUnavailable({ reason, detail, ...(cause === undefined ? {} : { cause }) }))
  })
})

/**
 * The propagator over the app's global dd-trace tracer, resolved on the first extraction.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerGlobal: Layer.Layer<Propagator> = Layer.effect(Propagator, makeLazy(resolveGlobal))
