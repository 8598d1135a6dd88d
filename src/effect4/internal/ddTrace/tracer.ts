/**
 * Effect 4's tracer over dd-trace: spans (the dd-trace side is `internal/ddTrace/spans.ts`), the fiber's steps run in
 * dd-trace's scope, joining the span dd-trace has active, and the lookup of the process-wide dd-trace. The public
 * signatures are in `DdTraceTracer`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type { Fiber } from "effect/Fiber"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Tracer from "effect/Tracer"
import * as SpanContext from "../../../internal/ddTrace/spanContext.js"
import * as DdSpans from "../../../internal/ddTrace/spans.js"
import type { ExtractorName } from "../../../internal/extractorName.js"
import { TracerUnavailable } from "../../domain/Errors.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import * as DdTracePropagator from "../../layers/DdTracePropagator.js"
import * as ExternalSpan from "../tracing/externalSpan.js"
import * as SpanContextSource from "../tracing/spanContext.js"

type DdSpan = DdSpans.DdSpan
type DdTrace = DdSpans.DdTrace
type DdScope = DdSpans.DdScope

/** The dd-trace span behind an external span built by {@link parentSpan}. */
export class DdTraceSpan extends Context.Service<DdTraceSpan, DdSpan>()(
  "effect-datadog-lambda/DdTraceTracer/DdTraceSpan"
) {}

const defaultClock = Clock.Clock.defaultValue()

// A time Effect passes that is not its default clock's "now" (see `DdSpans.explicitMillis`).
const explicitMillis = (time: bigint): number | undefined =>
  DdSpans.explicitMillis(time, defaultClock.currentTimeNanosUnsafe())

/** What Effect 4 hands a tracer for a new span. */
type SpanOptions = Parameters<Tracer.Tracer["span"]>[0]

// Effect 4 resumes a fiber on its scheduler, whatever async context the resumption came from: there is no entering
// dd-trace's scope once for the steps that follow (as the Effect 3 line's invocation span does), so `context` runs
// every step of a fiber whose current span is one of these with it active.
class Span extends DdSpans.SpanCore implements Tracer.Span, SpanContextSource.SpanContextSource {
  readonly _tag = "Span"
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly annotations: Context.Context<never>
  readonly kind: Tracer.SpanKind
  status: Tracer.SpanStatus
  links: ReadonlyArray<Tracer.SpanLink>

  constructor(
    tracer: DdTrace,
    scope: DdScope,
    started: { readonly dd: DdSpan; readonly outer: DdSpan | null },
    options: SpanOptions
  ) {
    super(tracer, scope, started.dd, started.outer)
    this.name = options.name
    this.parent = options.parent
    this.annotations = options.annotations
    this.kind = options.kind
    this.status = { _tag: "Started", startTime: options.startTime }
    this.links = options.links
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links = [...this.links, ...links]
    for (const link of DdSpans.toDdLinks(this.tracer, reader, links) ?? []) this.dd.addLink(link)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    const failed = Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)
    DdSpans.finish(
      this.dd,
      explicitMillis(endTime),
      failed ? { error: Cause.prettyErrors(exit.cause)[0] } : undefined
    )
  }

  [SpanContextSource.SpanContextSourceTypeId](): Option.Option<TraceContext.TraceContext> {
    const fields = DdSpans.injectedFields(this.tracer, this.dd, ExternalSpan.upstreamContext(this)?.source ?? "custom")
    return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
  }
}

// The spans this tracer is handed that are not its own: a joined dd-trace span, an extracted context.
const reader: DdSpans.SpanReader<Tracer.AnySpan> = {
  joined: (span) => span._tag === "ExternalSpan" ? Context.getOrUndefined(span.annotations, DdTraceSpan) : undefined,
  datadog: (span) => {
    const context = ExternalSpan.datadogContext(span)
    return context === undefined ? undefined : { context, fields: TraceContext.toFields(context) }
  }
}

const startSpan = (tracer: DdTrace, scope: DdScope, options: SpanOptions): Span => {
  const started = DdSpans.startUnder(tracer, scope, reader, {
    name: options.name,
    parent: Option.getOrUndefined(options.parent),
    root: options.root,
    kind: options.kind,
    startMillis: explicitMillis(options.startTime),
    links: options.links
  })
  return new Span(tracer, scope, started, options)
}

const EVALUATE = "~effect/Effect/evaluate"

/** Evaluates one step of a fiber: Effect's `Tracer.EffectPrimitive` contract. */
const evaluate = <X>(primitive: Tracer.EffectPrimitive<X>, fiber: Fiber<any, any>): X => primitive[EVALUATE](fiber)

/** The tracer over a given dd-trace; `fallback` makes the spans while dd-trace is not initialised. */
export const fromDdTrace = (tracer: DdTrace, fallback: Tracer.Tracer): Tracer.Tracer => {
  let scope: DdScope | undefined
  const fallbackContext = fallback.context
  const outside = <X>(primitive: Tracer.EffectPrimitive<X>, fiber: Fiber<any, any>): X =>
    fallbackContext === undefined ? evaluate(primitive, fiber) : fallbackContext(primitive, fiber)
  return Tracer.make({
    span(options) {
      if (!SpanContext.isInitialised(tracer)) return fallback.span(options)
      try {
        scope = tracer.scope()
        return startSpan(tracer, scope, options)
      } catch {
        // A dd-trace that throws while starting a span must not fail the app's effect.
        return fallback.span(options)
      }
    },
    context(primitive, fiber) {
      const span = fiber.cache.span
      if (span instanceof Span) return DdSpans.runIn(span.scope, span.dd, () => evaluate(primitive, fiber))
      if (scope === undefined) {
        if (!SpanContext.isInitialised(tracer)) return outside(primitive, fiber)
        scope = tracer.scope()
      }
      return DdSpans.runOutside(scope, () => outside(primitive, fiber))
    }
  })
}

// Made when needed: constructing an error validates it, which would otherwise cost every cold import.
const incompatible = () => new TracerUnavailable({ reason: "Incompatible", detail: DdSpans.INCOMPATIBLE_DETAIL })

const notInitialised = () => new TracerUnavailable({ reason: "NotInitialised", detail: DdSpans.NOT_INITIALISED_DETAIL })

const resolveLoaded: Effect.Effect<DdTrace, TracerUnavailable> = Effect.flatMap(
  DdTracePropagator.resolveGlobal,
  (tracer) => DdSpans.isDdTrace(tracer) ? Effect.succeed(tracer) : Effect.fail(incompatible())
)

/**
 * The process-wide dd-trace (see `DdTracePropagator.resolveGlobal`), initialised and with the tracing API this
 * module uses; fails with `TracerUnavailable` (`NotInstalled`, `Incompatible` or `NotInitialised`) otherwise.
 */
export const resolveGlobal: Effect.Effect<DdTrace, TracerUnavailable> = Effect.flatMap(
  resolveLoaded,
  (tracer) => SpanContext.isInitialised(tracer) ? Effect.succeed(tracer) : Effect.fail(notInitialised())
)

/** A dd-trace span as an Effect parent: the external span and the context it carries. */
export interface JoinedSpan {
  readonly span: Tracer.ExternalSpan
  readonly context: TraceContext.TraceContext
}

/**
 * An Effect parent for a dd-trace span: `DdTraceTracer` makes the spans under it children of that very span (one
 * trace chunk); other tracers see an external span with its ids, sampling priority, origin and `_dd.p.*` tags
 * (`Tracing.externalSpan` of its context, attributed to `source`). `undefined` when its ids cannot be read.
 */
export const parentSpan = (
  span: DdSpan,
  source: ExtractorName = DdSpans.JOINED_EXTRACTOR
): JoinedSpan | undefined => {
  const fields = SpanContext.fromSpanContext(span.context(), source)
  if (fields === undefined) return undefined
  const context = TraceContext.make(fields)
  const external = ExternalSpan.externalSpan(context)
  return {
    context,
    span: Tracer.externalSpan({
      traceId: external.traceId,
      spanId: external.spanId,
      sampled: external.sampled,
      annotations: Context.add(external.annotations, DdTraceSpan, span)
    })
  }
}

/**
 * The span dd-trace has active right now as an Effect parent ({@link parentSpan} of `DdSpans.activeSpan`), for a
 * handler wrapper that joins it rather than extracting a second time; `undefined` when there is none.
 */
export const joinActiveSpan = (): JoinedSpan | undefined => {
  const active = DdSpans.activeSpan()
  return active === undefined ? undefined : parentSpan(active)
}

/**
 * The result of an invocation: the chain's (`extract`) when no span was joined; with a joined span, its context alone
 * (`joinOnly`) or the chain's result with the joined attempt first.
 */
export const joinedExtraction = <R>(
  joined: JoinedSpan | undefined,
  joinOnly: boolean,
  extract: Effect.Effect<ExtractionResult, never, R>
): Effect.Effect<ExtractionResult, never, R> =>
  joined === undefined
    ? extract
    : joinOnly
    ? Effect.succeed({ context: Option.some(joined.context), links: [], attempts: [DdSpans.joinedAttempt(false)] })
    : Effect.map(extract, (result) => ({ ...result, attempts: [DdSpans.joinedAttempt(true), ...result.attempts] }))

/**
 * The process-wide dd-trace with the tracing API this module uses, initialised or not (`undefined`, logged at debug
 * level, when it is missing or incompatible): what `DdTraceTracer.layerGlobal` builds its tracer over.
 */
export const loadGlobal: Effect.Effect<DdTrace | undefined> = Effect.gen(function*() {
  const loaded = yield* Effect.result(resolveLoaded)
  if (Result.isFailure(loaded)) {
    yield* Effect.logDebug("DdTraceTracer: dd-trace unavailable, the current tracer stays", loaded.failure)
    return undefined
  }
  if (!SpanContext.isInitialised(loaded.success)) {
    yield* Effect.logDebug("DdTraceTracer: spans stay Effect's until dd-trace is initialised", notInitialised())
  }
  return loaded.success
})
