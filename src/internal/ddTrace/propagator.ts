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
import type { DdTracer } from "../../layers/DdTracePropagator.js"
import { Propagator } from "../../services/Propagator.js"
import type { ExtractorName } from "../extractorName.js"
import { importOptionalPeer } from "../optionalPeer.js"
import * as Carrier from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"
import { fromSpanContext, isInitialised, remember } from "./spanContext.js"

// Made when needed: a tagged error validates its fields on construction, which compiles a parser at import time.
const notInitialised = () =>
  new TracerUnavailable({
    reason: "NotInitialised",
    detail: "dd-trace is loaded but not initialised (or disabled); call tracer.init() before extracting"
  })

/**
 * Builds the service over a tracer resolved lazily (and once: the first outcome, success or failure, is kept, as
 * `Effect.cached` would keep it, but a kept tracer costs no effect on later calls).
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
      if (!isInitialised(tracer)) return Effect.fail(notInitialised())
      const normalized = Carrier.normalize(carrier)
      if (normalized === undefined) return Effect.succeed(Option.none())
      try {
        const spanContext = tracer.extract("text_map", normalized)
        const context = fromSpanContext(spanContext, source)
        if (context !== undefined) remember(context, spanContext as object)
        return Effect.succeed(Option.fromNullable(context))
      } catch (cause) {
        return Effect.fail(new PropagatorError({ reason: "ExtractFailed", detail: "dd-trace extract threw", cause }))
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

const fromGlobal = (): DdTracer | undefined => {
  const candidate = (globalThis as { readonly _ddtrace?: unknown })._ddtrace
  return typeof candidate === "object" && candidate !== null && typeof (candidate as DdTracer).extract === "function"
    ? candidate as DdTracer
    : undefined
}

/**
 * Resolves the process-wide dd-trace tracer: the one dd-trace registers on `globalThis` when loaded, else the
 * `dd-trace` package's default export. Fails with `NotInstalled` when neither is there.
 */
export const resolveGlobal: Effect.Effect<DdTracer, TracerUnavailable> = Effect.suspend(() => {
  const global = fromGlobal()
  if (global !== undefined) return Effect.succeed(global)
  return Effect.tryPromise({
    try: () => importOptionalPeer("dd-trace"),
    catch: (cause) =>
      new TracerUnavailable({ reason: "NotInstalled", detail: "the dd-trace package is not installed", cause })
  }).pipe(
    Effect.flatMap((module) => {
      const tracer = fromGlobal() ?? (module as { readonly default?: unknown }).default ?? module
      return typeof (tracer as DdTracer).extract === "function"
        ? Effect.succeed(tracer as DdTracer)
        : Effect.fail(new TracerUnavailable({ reason: "Incompatible", detail: "dd-trace exports no tracer.extract" }))
    })
  )
})
