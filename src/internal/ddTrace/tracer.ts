/**
 * Effect's tracer over dd-trace: spans, their scope switching and parents, and the lookup of the process-wide
 * dd-trace. The public signatures are in `DdTraceTracer`.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { TracerUnavailable } from "../../domain/Errors.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import * as DdTracePropagator from "../../layers/DdTracePropagator.js"
import type { ExtractorName } from "../extractorName.js"
import * as Apply from "../tracing/apply.js"
import * as ExternalSpan from "../tracing/externalSpan.js"
import * as SpanContextSource from "../tracing/spanContext.js"
import * as SpanContext from "./spanContext.js"
import * as DdSpans from "./spans.js"

type DdSpan = DdSpans.DdSpan
type DdTrace = DdSpans.DdTrace
type DdScope = DdSpans.DdScope

/** The dd-trace span behind an external span built by {@link parentSpan}. */
export class DdTraceSpan extends Context.Tag("effect-datadog-lambda/DdTraceTracer/DdTraceSpan")<
  DdTraceSpan,
  DdSpan
>() {}

// One asynchronous hop taken with `span` active in dd-trace's scope: the fiber resumes from a callback registered
// there, so the steps that follow run with `span` already active.
const hop = (scope: DdScope, span: DdSpan): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    scope.activate(span, () => {
      Promise.resolve().then(() => resume(Effect.void))
    })
  })

const EMPTY_LINKS: ReadonlyArray<Tracer.SpanLink> = []

const defaultClock = Clock.make()

// A time Effect passes that is not its default clock's "now" (see `DdSpans.explicitMillis`).
const explicitMillis = (time: bigint): number | undefined =>
  DdSpans.explicitMillis(time, defaultClock.unsafeCurrentTimeNanos())

class Span extends DdSpans.SpanCore implements Tracer.Span, SpanContextSource.SpanContextSource, Apply.SpanScope {
  readonly _tag = "Span"
  status: Tracer.SpanStatus
  links: ReadonlyArray<Tracer.SpanLink>

  constructor(
    tracer: DdTrace,
    scope: DdScope,
    started: { readonly dd: DdSpan; readonly outer: DdSpan | null },
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    super(tracer, scope, started.dd, started.outer)
    this.status = { _tag: "Started", startTime }
    this.links = links
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links = [...this.links, ...links]
    for (const link of DdSpans.toDdLinks(this.tracer, reader, links) ?? []) this.dd.addLink(link)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    const failed = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
    DdSpans.finish(
      this.dd,
      explicitMillis(endTime),
      failed ? { error: Cause.prettyErrors(exit.cause)[0] } : undefined
    )
  }

  [Apply.SpanScopeTypeId](): Effect.Effect<void> {
    return hop(this.scope, this.dd)
  }

  [SpanContextSource.SpanContextSourceTypeId](): Option.Option<TraceContext.TraceContext> {
    const upstream = Option.getOrUndefined(ExternalSpan.upstreamContext(this))
    const fields = DdSpans.injectedFields(this.tracer, this.dd, upstream?.source ?? "custom")
    return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
  }
}

// The spans this tracer is handed that are not its own: a joined dd-trace span, an extracted context.
const reader: DdSpans.SpanReader<Tracer.AnySpan> = {
  joined: (span) =>
    span._tag === "ExternalSpan" ? Option.getOrUndefined(Context.getOption(span.context, DdTraceSpan)) : undefined,
  datadog: (span) => {
    const context = Option.getOrUndefined(ExternalSpan.datadogContext(span))
    return context === undefined ? undefined : { context, fields: TraceContext.toFields(context) }
  }
}

const startSpan = (
  tracer: DdTrace,
  scope: DdScope,
  name: string,
  parent: Option.Option<Tracer.AnySpan>,
  context: Context.Context<never>,
  links: ReadonlyArray<Tracer.SpanLink>,
  startTime: bigint,
  kind: Tracer.SpanKind,
  root: boolean
): Span => {
  const started = DdSpans.startUnder(tracer, scope, reader, {
    name,
    parent: Option.getOrUndefined(parent),
    root,
    kind,
    startMillis: explicitMillis(startTime),
    links
  })
  return new Span(
    tracer,
    scope,
    started,
    name,
    parent,
    context,
    links.length === 0 ? EMPTY_LINKS : links,
    startTime,
    kind
  )
}

/** The tracer over a given dd-trace; `fallback` makes the spans while dd-trace is not initialised. */
export const fromDdTrace = (tracer: DdTrace, fallback: Tracer.Tracer): Tracer.Tracer => {
  let scope: DdScope | undefined
  return Tracer.make({
    span(name, parent, context, links, startTime, kind, options) {
      if (!SpanContext.isInitialised(tracer)) {
        return fallback.span(name, parent, context, links, startTime, kind, options)
      }
      try {
        scope = tracer.scope()
        return startSpan(tracer, scope, name, parent, context, links, startTime, kind, options?.root === true)
      } catch {
        // A dd-trace that throws while starting a span must not fail the app's effect.
        return fallback.span(name, parent, context, links, startTime, kind, options)
      }
    },
    context(f, fiber) {
      const span = fiber.currentSpan
      if (span instanceof Span) return DdSpans.runIn(span.scope, span.dd, f)
      if (scope === undefined) {
        if (!SpanContext.isInitialised(tracer)) return fallback.context(f, fiber)
        scope = tracer.scope()
      }
      return DdSpans.runOutside(scope, () => fallback.context(f, fiber))
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

/**
 * The span the process's initialised dd-trace has active right now (under the Datadog Lambda layer's `datadog()`
 * wrapper, its `aws.lambda` span), if any. Reads dd-trace's process-wide instance; never loads dd-trace.
 */
export const activeSpan: () => DdSpan | undefined = DdSpans.activeSpan

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
  source: ExtractorName = "dd-trace-span"
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
      context: Context.add(external.context, DdTraceSpan, span)
    })
  }
}

/**
 * The span dd-trace has active right now as an Effect parent ({@link parentSpan} of {@link activeSpan}), for a
 * handler wrapper that joins it rather than extracting a second time; `undefined` when there is none.
 */
export const joinActiveSpan = (): JoinedSpan | undefined => {
  const active = activeSpan()
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
  const loaded = yield* Effect.either(resolveLoaded)
  if (Either.isLeft(loaded)) {
    yield* Effect.logDebug("DdTraceTracer: dd-trace unavailable, the current tracer stays", loaded.left)
    return undefined
  }
  if (!SpanContext.isInitialised(loaded.right)) {
    yield* Effect.logDebug("DdTraceTracer: spans stay Effect's until dd-trace is initialised", notInitialised())
  }
  return loaded.right
})
