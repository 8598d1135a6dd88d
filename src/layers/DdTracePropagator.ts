/**
 * The dd-trace propagator: extraction through the app's own initialised `dd-trace` tracer
 * (`tracer.extract("text_map", carrier)`), so every style the app configured applies.
 *
 * The layer only looks the tracer up; it never calls `init()`. Before `init()`, dd-trace's `extract` ignores the
 * carrier and returns a fake context, so every call checks that the tracer is initialised and fails with
 * `TracerUnavailable` otherwise.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { PropagatorError, TracerUnavailable } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import type { ExtractorName } from "../internal/extractorName.js"
import * as Ids from "../internal/ids.js"
import { importOptionalPeer } from "../internal/optionalPeer.js"
import * as Carrier from "../internal/propagation/carrier.js"
import * as DatadogHeaders from "../internal/propagation/datadogHeaders.js"
import { Propagator } from "../services/Propagator.js"

/**
 * The part of dd-trace's tracer this layer uses.
 *
 * @since 0.1.0
 * @category models
 */
export interface DdTracer {
  readonly extract: (format: string, carrier: unknown) => unknown
}

interface DdSpanContext {
  readonly toTraceId: (full?: boolean) => string
  readonly toSpanId: (full?: boolean) => string
  readonly _traceId?: unknown
  readonly _spanId?: unknown
  readonly _sampling?: { readonly priority?: unknown }
  readonly _trace?: { readonly origin?: unknown; readonly tags?: Readonly<Record<string, unknown>> }
}

const isSpanContext = (value: unknown): value is DdSpanContext =>
  typeof value === "object" && value !== null && typeof (value as DdSpanContext).toTraceId === "function" &&
  typeof (value as DdSpanContext).toSpanId === "function"

/**
 * `true` when the tracer proxy has been initialised with a real tracer (not dd-trace's no-op one). This mirrors
 * datadog-lambda-js: an initialised inner tracer carries its `_service`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isInitialised = (tracer: DdTracer): boolean => {
  const inner = (tracer as { readonly _tracer?: unknown })._tracer
  return typeof inner === "object" && inner !== null && "_service" in inner
}

// dd-trace's decimal ids (`toTraceId()`, `toSpanId()`) are computed digit by digit, and its hex and BigInt forms copy
// the id into a Buffer first, on every id. Its identifiers keep their bytes, which `toBuffer()`
// hands out without copying; the decimal of the low 8 bytes is what `toTraceId()`/`toSpanId()` return. An identifier
// without them (another dd-trace version) falls back to the methods.
const bufferOf = (id: unknown): ArrayLike<unknown> | undefined => {
  const toBuffer = typeof id === "object" && id !== null ? (id as { readonly toBuffer?: unknown }).toBuffer : undefined
  if (typeof toBuffer !== "function") return undefined
  const buffer: unknown = toBuffer.call(id)
  return typeof buffer === "object" && buffer !== null ? buffer as ArrayLike<unknown> : undefined
}

const decimalOf = (id: unknown, fallback: () => string): string => {
  const buffer = bufferOf(id)
  return (buffer === undefined ? undefined : Ids.bytesToDecimal(buffer)) ?? fallback()
}

const readIds = (value: DdSpanContext): readonly [string, string] | undefined => {
  try {
    return [decimalOf(value._traceId, () => value.toTraceId()), decimalOf(value._spanId, () => value.toSpanId())]
  } catch {
    // dd-trace's context for a sampling-only B3 header has no span id: `toSpanId()` throws.
    return undefined
  }
}

/**
 * Converts a dd-trace span context to a {@link TraceContext.TraceContext}; `undefined` when it lacks a valid
 * trace id or parent id. Keeps the `_dd.p.*` trace tags (`_dd.p.tid` lower-cased) and `_dd.parent_id`. Never
 * throws.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromSpanContext = (value: unknown, source: ExtractorName): TraceContext.TraceContext | undefined => {
  if (!isSpanContext(value)) return undefined
  const ids = readIds(value)
  if (ids === undefined || !Ids.isDecimalU64(ids[0]) || !Ids.isDecimalU64(ids[1])) return undefined
  const tags: Record<string, string> = {}
  const rawTags = value._trace?.tags
  if (typeof rawTags === "object" && rawTags !== null) {
    for (const key in rawTags) {
      const tag = rawTags[key]
      if (typeof tag !== "string" || !(key.startsWith("_dd.p.") || key === "_dd.parent_id")) continue
      tags[key] = key === "_dd.p.tid" ? tag.toLowerCase() : tag
    }
  }
  const tid = tags["_dd.p.tid"]
  const priority = value._sampling?.priority
  const origin = value._trace?.origin
  return TraceContext.make({
    traceId: ids[0],
    parentId: ids[1],
    source,
    traceIdHigh: tid !== undefined && Ids.isHex16(tid) && tid !== Ids.ZERO_HEX16 ? tid : undefined,
    samplingPriority: typeof priority === "number" && Number.isSafeInteger(priority) ? priority : undefined,
    origin: typeof origin === "string" ? origin : undefined,
    tags
  })
}

// The dd-trace span context each extracted context came from, so that a tracer over the same dd-trace
// (`DdTraceTracer`) can parent on exactly what dd-trace extracted instead of extracting it a second time.
const extracted = new WeakMap<TraceContext.TraceContext, object>()

/**
 * The dd-trace span context a context was extracted from by this propagator (`undefined` for a context from
 * anywhere else, or one rebuilt since, e.g. attributed to another extractor).
 *
 * @since 0.1.0
 * @category conversions
 */
export const extractedSpanContext = (context: TraceContext.TraceContext): object | undefined => extracted.get(context)

// Made when needed: a tagged error validates its fields on construction, which compiles a parser at import time.
const notInitialised = () =>
  new TracerUnavailable({
    reason: "NotInitialised",
    detail: "dd-trace is loaded but not initialised (or disabled); call tracer.init() before extracting"
  })

/**
 * Builds the service over a tracer resolved lazily (and once: the first outcome, success or failure, is kept, as
 * `Effect.cached` would keep it, but a kept tracer costs no effect on later calls).
 *
 * @since 0.1.0
 * @category constructors
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
        if (context !== undefined) extracted.set(context, spanContext as object)
        return Effect.succeed(Option.fromNullable(context))
      } catch (cause) {
        return Effect.fail(new PropagatorError({ reason: "ExtractFailed", detail: "dd-trace extract threw", cause }))
      }
    }
    return Propagator.of({
      extract: (carrier, source) => withTracer((tracer) => extract(tracer, carrier, source)),
      inject: (context) =>
        withTracer((tracer) =>
          isInitialised(tracer) ? Effect.succeed(DatadogHeaders.inject(context)) : Effect.fail(notInitialised())
        )
    })
  })

/**
 * Builds the service over a given tracer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (tracer: DdTracer): Effect.Effect<Propagator["Type"]> => makeLazy(Effect.succeed(tracer))

/**
 * The propagator over a tracer the app passes in (`import tracer from "dd-trace"`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (tracer: DdTracer): Layer.Layer<Propagator> => Layer.effect(Propagator, make(tracer))

const fromGlobal = (): DdTracer | undefined => {
  const candidate = (globalThis as { readonly _ddtrace?: unknown })._ddtrace
  return typeof candidate === "object" && candidate !== null && typeof (candidate as DdTracer).extract === "function"
    ? candidate as DdTracer
    : undefined
}

/**
 * Resolves the process-wide dd-trace tracer: the one dd-trace registers on `globalThis` when loaded, else the
 * `dd-trace` package's default export. Fails with `NotInstalled` when neither is there.
 *
 * @since 0.1.0
 * @category constructors
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

/**
 * The propagator over the process-wide dd-trace tracer, resolved on first use. Building the layer never fails;
 * extraction fails with `TracerUnavailable` while dd-trace is missing or not initialised.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGlobal: Layer.Layer<Propagator> = Layer.effect(Propagator, makeLazy(resolveGlobal))
