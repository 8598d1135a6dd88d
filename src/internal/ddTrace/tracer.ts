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
import type { Attempt, ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import * as DdTracePropagator from "../../layers/DdTracePropagator.js"
import type { DdLink, DdScope, DdSpan, DdSpanContext, DdStartOptions, DdTrace } from "../../layers/DdTraceTracer.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"
import * as Carrier from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"
import * as NativeExtraction from "../propagation/nativeExtraction.js"
import * as Apply from "../tracing/apply.js"
import * as ExternalSpan from "../tracing/externalSpan.js"
import * as SpanContextSource from "../tracing/spanContext.js"
import * as SpanContext from "./spanContext.js"

const isDdTrace = (value: DdTracePropagator.DdTracer): value is DdTrace => {
  const candidate = value as Partial<DdTrace>
  return typeof candidate.startSpan === "function" && typeof candidate.inject === "function" &&
    typeof candidate.scope === "function"
}

/** The dd-trace span behind an external span built by {@link parentSpan}. */
export class DdTraceSpan extends Context.Tag("effect-datadog-lambda/DdTraceTracer/DdTraceSpan")<
  DdTraceSpan,
  DdSpan
>() {}

// Every style dd-trace injects: the injected headers are read back with the same rules dd-trace extracts by.
const injectedStyles: NativeExtraction.Options = {
  styles: ["datadog", "tracecontext", "b3multi", "b3 single header"],
  extractFirst: false,
  maxTagsLength: DatadogHeaders.MAX_TAGS_LENGTH
}

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
const ONE_MILLISECOND = 1_000_000n

// A time Effect passes (nanoseconds) that is not its default clock's "now": one the caller chose (an inferred span
// starting at the event's timestamp, a span ended at a given time, a test clock), in milliseconds for dd-trace.
// Times that are "now" stay dd-trace's own, so the spans its integrations open line up with their parents.
const explicitMillis = (time: bigint): number | undefined => {
  const gap = time - defaultClock.unsafeCurrentTimeNanos()
  return gap > ONE_MILLISECOND || gap < -ONE_MILLISECOND ? Number(time / 1_000n) / 1_000 : undefined
}

class Span implements Tracer.Span, SpanContextSource.SpanContextSource, Apply.SpanScope {
  readonly _tag = "Span"
  readonly attributes = new Map<string, unknown>()
  status: Tracer.SpanStatus
  links: ReadonlyArray<Tracer.SpanLink>
  private ids: readonly [string, string] | undefined = undefined

  constructor(
    readonly tracer: DdTrace,
    readonly scope: DdScope,
    readonly dd: DdSpan,
    readonly outer: DdSpan | null,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.status = { _tag: "Started", startTime }
    this.links = links
  }

  private idPair(): readonly [string, string] {
    if (this.ids === undefined) {
      const context = this.dd.context()
      this.ids = [context.toTraceId(true), context.toSpanId(true)]
    }
    return this.ids
  }

  get traceId(): string {
    return this.idPair()[0]
  }

  get spanId(): string {
    return this.idPair()[1]
  }

  get sampled(): boolean {
    return !this.dd.context().toTraceparent().endsWith("-00")
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    if (key.startsWith("_dd.p.")) return
    this.dd.setTag(key, typeof value === "bigint" ? value.toString() : value)
  }

  event(_name: string, _startTime: bigint, _attributes?: Record<string, unknown>): void {}

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links = [...this.links, ...links]
    for (const link of toDdLinks(this.tracer, links) ?? []) this.dd.addLink(link)
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
      const [error] = Cause.prettyErrors(exit.cause)
      if (error !== undefined) {
        this.dd.setTag("error.type", error.name)
        this.dd.setTag("error.message", error.message)
        if (error.stack !== undefined) this.dd.setTag("error.stack", error.stack)
      } else {
        this.dd.setTag("error", true)
      }
    }
    this.dd.finish(explicitMillis(endTime))
  }

  [Apply.SpanScopeTypeId](): Effect.Effect<void> {
    return hop(this.scope, this.dd)
  }

  [SpanContextSource.SpanContextSourceTypeId](): Option.Option<TraceContext.TraceContext> {
    const headers: Record<string, string> = {}
    this.tracer.inject(this.dd, "text_map", headers)
    const carrier = Carrier.normalize(headers)
    if (carrier === undefined) return Option.none()
    const upstream = Option.getOrUndefined(ExternalSpan.upstreamContext(this))
    const source: ExtractorName = upstream?.source ?? "custom"
    const fields = NativeExtraction.extract(carrier, injectedStyles, source)
    return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
  }
}

// dd-trace span contexts for external spans, so that every child of one external parent shares one dd-trace
// trace (one chunk, one sampling decision).
const externalContexts = new WeakMap<Tracer.AnySpan, DdSpanContext | null>()

const traceContextOfIds = (span: Tracer.AnySpan): TraceContext.TraceContext | undefined => {
  const ids = Ids.fromW3cTraceId(span.traceId)
  if (ids === undefined || !Ids.isHex16(span.spanId) || span.spanId === Ids.ZERO_HEX16) return undefined
  return TraceContext.make({
    traceId: ids.traceId,
    traceIdHigh: ids.traceIdHigh,
    parentId: Ids.hexToDecimal(span.spanId),
    samplingPriority: span.sampled ? 1 : 0,
    source: "custom"
  })
}

const isSpanContext = (value: unknown): value is DdSpanContext =>
  typeof value === "object" && value !== null && typeof (value as DdSpanContext).toTraceId === "function"

const w3cHeaders = (context: TraceContext.TraceContext): Record<string, string> => {
  const member = ExternalSpan.ddTraceStateMember(context)
  const flags = TraceContext.isSampled(context) === false ? "00" : "01"
  const traceparent = `00-${context.w3cTraceId}-${context.w3cParentId}-${flags}`
  return member === undefined ? { traceparent } : { traceparent, tracestate: `dd=${member}` }
}

/**
 * The dd-trace span context for an extracted context: the one the dd-trace propagator extracted, else dd-trace's
 * extraction of its Datadog headers, else of its W3C headers. `undefined` when dd-trace extracts neither.
 */
const spanContextFor = (tracer: DdTrace, context: TraceContext.TraceContext): DdSpanContext | undefined => {
  const known = SpanContext.extractedSpanContext(context)
  if (isSpanContext(known)) return known
  const datadog = tracer.extract("text_map", DatadogHeaders.inject(TraceContext.toFields(context)))
  if (isSpanContext(datadog)) return datadog
  const w3c = tracer.extract("text_map", w3cHeaders(context))
  return isSpanContext(w3c) ? w3c : undefined
}

const externalContext = (tracer: DdTrace, span: Tracer.AnySpan): DdSpanContext | undefined => {
  const cached = externalContexts.get(span)
  if (cached !== undefined) return cached ?? undefined
  const context = Option.getOrUndefined(ExternalSpan.datadogContext(span)) ?? traceContextOfIds(span)
  const resolved = context === undefined ? undefined : spanContextFor(tracer, context)
  externalContexts.set(span, resolved ?? null)
  return resolved
}

// The Effect span of every dd-trace span this module started.
const spans = new WeakMap<DdSpan, Span>()

const ddSpanOf = (span: Tracer.AnySpan): DdSpan | undefined =>
  span instanceof Span
    ? span.dd
    : span._tag === "ExternalSpan"
    ? Option.getOrUndefined(Context.getOption(span.context, DdTraceSpan))
    : undefined

const parentOf = (tracer: DdTrace, span: Tracer.AnySpan): DdSpan | DdSpanContext | undefined =>
  ddSpanOf(span) ?? externalContext(tracer, span)

const linkContext = (tracer: DdTrace, span: Tracer.AnySpan): DdSpanContext | undefined => {
  const dd = ddSpanOf(span)
  return dd === undefined ? externalContext(tracer, span) : dd.context()
}

const toDdLinks = (tracer: DdTrace, links: ReadonlyArray<Tracer.SpanLink>): Array<DdLink> | undefined => {
  if (links.length === 0) return undefined
  const out: Array<DdLink> = []
  for (const link of links) {
    const context = linkContext(tracer, link.span)
    if (context !== undefined) out.push({ context, attributes: { ...link.attributes } })
  }
  return out
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
  const parentSpan = Option.getOrUndefined(parent)
  // The dd-trace span to have active once the fiber has left every span of this tracer: the one active when the
  // outermost of them started.
  const outer = parentSpan instanceof Span ? parentSpan.outer : scope.active()
  const childOf = parentSpan === undefined ? root ? null : outer : parentOf(tracer, parentSpan) ?? null
  const ddLinks = toDdLinks(tracer, links)
  const explicitStart = explicitMillis(startTime)
  const base: DdStartOptions = explicitStart === undefined
    ? { childOf, tags: { "span.kind": kind } }
    : { childOf, tags: { "span.kind": kind }, startTime: explicitStart }
  const options: DdStartOptions = ddLinks === undefined ? base : { ...base, links: ddLinks }
  const dd = tracer.startSpan(name, options)
  const span = new Span(
    tracer,
    scope,
    dd,
    outer,
    name,
    parent,
    context,
    links.length === 0 ? EMPTY_LINKS : links,
    startTime,
    kind
  )
  spans.set(dd, span)
  return span
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
      if (span instanceof Span) return span.scope.active() === span.dd ? f() : span.scope.activate(span.dd, f)
      if (scope === undefined) {
        if (!SpanContext.isInitialised(tracer)) return fallback.context(f, fiber)
        scope = tracer.scope()
      }
      // Outside this tracer's spans, a fiber resumed by a callback registered inside one of them still runs with
      // that (finished) span active: put back the dd-trace span that was active around them. When there was none,
      // the finished span stays (a span opened there is then in the same trace rather than a new one).
      const active = scope.active()
      const outer = active === null ? null : spans.get(active)?.outer ?? null
      return outer === null || outer === active
        ? fallback.context(f, fiber)
        : scope.activate(outer, () => fallback.context(f, fiber))
    }
  })
}

// Made when needed: constructing an error validates it, which would otherwise cost every cold import.
const incompatible = () =>
  new TracerUnavailable({
    reason: "Incompatible",
    detail: "dd-trace exports no startSpan, inject or scope"
  })

const notInitialised = () =>
  new TracerUnavailable({
    reason: "NotInitialised",
    detail: "dd-trace is loaded but not initialised (or disabled); call tracer.init() first"
  })

const resolveLoaded: Effect.Effect<DdTrace, TracerUnavailable> = Effect.flatMap(
  DdTracePropagator.resolveGlobal,
  (tracer) => isDdTrace(tracer) ? Effect.succeed(tracer) : Effect.fail(incompatible())
)

/**
 * The process-wide dd-trace (see `DdTracePropagator.resolveGlobal`), initialised and with the tracing API this
 * module uses; fails with `TracerUnavailable` (`NotInstalled`, `Incompatible` or `NotInitialised`) otherwise.
 */
export const resolveGlobal: Effect.Effect<DdTrace, TracerUnavailable> = Effect.flatMap(
  resolveLoaded,
  (tracer) => SpanContext.isInitialised(tracer) ? Effect.succeed(tracer) : Effect.fail(notInitialised())
)

const globalTracer = (): DdTrace | undefined => {
  const candidate = (globalThis as { readonly _ddtrace?: unknown })._ddtrace
  if (typeof candidate !== "object" || candidate === null) return undefined
  const tracer = candidate as DdTrace
  return isDdTrace(tracer) && SpanContext.isInitialised(tracer) ? tracer : undefined
}

/**
 * The span the process's initialised dd-trace has active right now (under the Datadog Lambda layer's `datadog()`
 * wrapper, its `aws.lambda` span), if any. Reads dd-trace's process-wide instance; never loads dd-trace.
 */
export const activeSpan = (): DdSpan | undefined => {
  const tracer = globalTracer()
  if (tracer === undefined) return undefined
  try {
    return tracer.scope().active() ?? undefined
  } catch {
    return undefined
  }
}

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
  const context = SpanContext.fromSpanContext(span.context(), source)
  if (context === undefined) return undefined
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
 * The attempt a handler wrapper records when it joined the active span: `dd-trace-span`, found, and whether the
 * chain ran as well.
 */
const joinedAttempt = (extracted: boolean): Attempt => ({
  extractor: "dd-trace-span",
  outcome: "found",
  detail: extracted
    ? "joined the span dd-trace had active (datadog-lambda-js's aws.lambda); the chain ran as well"
    : "joined the span dd-trace had active (datadog-lambda-js's aws.lambda); no extraction"
})

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
    ? Effect.succeed({ context: Option.some(joined.context), links: [], attempts: [joinedAttempt(false)] })
    : Effect.map(extract, (result) => ({ ...result, attempts: [joinedAttempt(true), ...result.attempts] }))

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
