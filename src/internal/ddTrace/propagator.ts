/**
 * The dd-trace propagator's machinery: a tracer resolved once and kept, and extraction that refuses to run on an
 * uninitialised tracer (whose `extract` returns a fake context).
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { PropagatorError, TracerUnavailable } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { Propagator } from "../../services/Propagator.js"
import type { ExtractorName } from "../extractorName.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"
import * as DdExtraction from "./extraction.js"
import { type DdTracer, isInitialised, remember } from "./spanContext.js"

// Made when needed: a tagged error validates its fields on construction, which compiles a parser at import time.
const notInitialised = () =>
  new TracerUnavailable({ reason: "NotInitialised", detail: DdExtraction.NOT_INITIALISED_DETAIL })

/**
 * The propagator over a tracer resolved on first use: the tracer is looked up once (a failure to find it is kept,
 * an interruption is not), and every extraction after that is an already completed effect.
 */
export const makeLazy = (resolve: Effect.Effect<DdTracer, TracerUnavailable>): Effect.Effect<Propagator["Type"]> =>
  Effect.sync(() => {
    let resolved: Exit.Exit<DdTracer, TracerUnavailable> | undefined
    const keep = (exit: Exit.Exit<DdTracer, TracerUnavailable>): Exit.Exit<DdTracer, TracerUnavailable> => {
      if (resolved === undefined && !(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause))) resolved = exit
      return exit
    }
    const withTracer = <A, E>(
      f: (tracer: DdTracer) => Effect.Effect<A, E>
    ): Effect.Effect<A, E | TracerUnavailable> => {
      // Once resolved, the tracer is used at once: the result is a completed effect, with no runtime step. The
      // first call resolves it when the effect runs.
      const kept = resolved
      if (kept !== undefined) return Exit.isSuccess(kept) ? f(kept.value) : Exit.failCause(kept.cause)
      return Effect.suspend(() => Effect.flatMap(Effect.flatten(Effect.map(Effect.exit(resolve), keep)), f))
    }
    const extract = (tracer: DdTracer, carrier: unknown, source: ExtractorName): Effect.Effect<
      Option.Option<TraceContext.TraceContext>,
      PropagatorError | TracerUnavailable
    > => {
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
          remember(context, extraction.spanContext)
          return Effect.succeed(Option.some(context))
        }
      }
    }
    return Propagator.of({
      extract: (carrier, source) => withTracer((tracer) => extract(tracer, carrier, source)),
      inject: (context) =>
        withTracer((tracer) =>
          isInitialised(tracer)
            ? Effect.succeed(DatadogHeaders.inject(TraceContext.toFields(context)))
            : Effect.fail(notInitialised())
        )
    })
  })

/** The app's tracer: the global one, else the `dd-trace` package's (see {@link DdExtraction.resolveGlobal}). */
export const resolveGlobal: Effect.Effect<DdTracer, TracerUnavailable> = Effect.suspend(() => {
  const global = DdExtraction.fromGlobal()
  return global !== undefined
    ? Effect.succeed(global)
    : Effect.flatMap(Effect.promise(DdExtraction.resolveGlobal), fromResolution)
})

const fromResolution = (resolution: DdExtraction.Resolution): Effect.Effect<DdTracer, TracerUnavailable> => {
  if (resolution._tag === "Resolved") return Effect.succeed(resolution.tracer)
  const { cause, detail, reason } = resolution
  return Effect.fail(new TracerUnavailable({ reason, detail, ...(cause === undefined ? {} : { cause }) }))
}
