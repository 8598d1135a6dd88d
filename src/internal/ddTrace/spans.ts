/**
 * The dd-trace side of `DdTraceTracer`, shared by both Effect lines: dd-trace's tracing API as this library uses it,
 * starting and finishing dd-trace spans, the dd-trace parent of an external span, the span each started one leaves
 * active in dd-trace's scope, the context dd-trace would inject, and the process-wide tracer. Effect-free: each line
 * wraps these spans in its own `Tracer.Span` and runs its fibers in their scope.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Carrier from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"
import * as NativeExtraction from "../propagation/nativeExtraction.js"
import * as TraceFields from "../tracing/traceFields.js"
import { type DdTracer, extractedSpanContext, isInitialised } from "./spanContext.js"

/** A dd-trace span context, as far as this library reads it. */
export interface DdSpanContext {
  toTraceId(full?: boolean): string
  toSpanId(full?: boolean): string
  toTraceparent(): string
}

/** A dd-trace span link. */
export interface DdLink {
  context: DdSpanContext
  attributes?: object
}

/** A dd-trace span, as far as this library uses it. */
export interface DdSpan {
  context(): DdSpanContext
  setTag(key: string, value: unknown): unknown
  addLink(link: DdLink): unknown
  finish(finishTime?: number): void
}

/** dd-trace's scope manager. */
export interface DdScope {
  active(): DdSpan | null
  activate<T>(span: DdSpan, fn: () => T): T
}

/** Options of dd-trace's `startSpan`, as far as this library passes them. */
export interface DdStartOptions {
  /** A dd-trace span or span context; `null` for a root. */
  readonly childOf?: object | null
  readonly tags?: Record<string, unknown>
  readonly links?: Array<DdLink>
  /** Milliseconds since the epoch; dd-trace's clock when absent. */
  readonly startTime?: number
}

/** The part of dd-trace's tracer `DdTraceTracer` uses (`import tracer from "dd-trace"` has it). */
export interface DdTrace extends DdTracer {
  startSpan(name: string, options?: DdStartOptions): DdSpan
  inject(context: DdSpan | DdSpanContext, format: string, carrier: object): void
  scope(): DdScope
}

/** `true` when a tracer has the tracing API `DdTraceTracer` uses. */
export const isDdTrace = (value: DdTracer): value is DdTrace => {
  const candidate = value as Partial<DdTrace>
  return typeof candidate.startSpan === "function" && typeof candidate.inject === "function" &&
    typeof candidate.scope === "function"
}

/** The detail of `TracerUnavailable` (`Incompatible`) for a dd-trace without that API. */
export const INCOMPATIBLE_DETAIL = "dd-trace exports no startSpan, inject or scope"

/** The detail of `TracerUnavailable` (`NotInitialised`) for the tracer. */
export const NOT_INITIALISED_DETAIL = "dd-trace is loaded but not initialised (or disabled); call tracer.init() first"

const ONE_MILLISECOND = 1_000_000n

/**
 * A time Effect passes (nanoseconds) that is not its clock's `now`: one the caller chose (an inferred span starting
 * at the event's timestamp, a span ended at a given time, a test clock), in milliseconds for dd-trace. Times within
 * a millisecond of `now` are `undefined`: they stay dd-trace's own, so the spans its integrations open line up with
 * their parents.
 */
export const explicitMillis = (time: bigint, now: bigint): number | undefined => {
  const gap = time - now
  return gap > ONE_MILLISECOND || gap < -ONE_MILLISECOND ? Number(time / 1_000n) / 1_000 : undefined
}

// The dd-trace span to have active once a fiber has left every span of the tracer, for each dd-trace span started
// here: the one active when the outermost of them started.
const outers = new WeakMap<DdSpan, DdSpan | null>()

/** The dd-trace span active when the outermost span around `span` started (`null`: none, or not one of ours). */
export const outerOf = (span: DdSpan): DdSpan | null => outers.get(span) ?? null

/**
 * Starts a dd-trace span: under `childOf` (a dd-trace span or span context, `null` for a root) with its `span.kind`
 * tag, an explicit start time (`undefined`: dd-trace's clock) and links; `outer` is what the fiber gets back in
 * dd-trace's scope once it has left the span (see {@link outerOf}).
 */
const start = (
  tracer: DdTrace,
  name: string,
  childOf: object | null,
  kind: string,
  startMillis: number | undefined,
  links: Array<DdLink> | undefined,
  outer: DdSpan | null
): DdSpan => {
  const base: DdStartOptions = startMillis === undefined
    ? { childOf, tags: { "span.kind": kind } }
    : { childOf, tags: { "span.kind": kind }, startTime: startMillis }
  const dd = tracer.startSpan(name, links === undefined ? base : { ...base, links })
  outers.set(dd, outer)
  return dd
}

/** An error as a span reports it. */
export interface SpanError {
  readonly name: string
  readonly message: string
  readonly stack?: string | undefined
}

/**
 * Finishes a span (`endMillis` `undefined`: at dd-trace's clock), marked with `error` when it failed: its type,
 * message and stack, or the `error` tag alone for a failure with no error to show.
 */
export const finish = (
  span: DdSpan,
  endMillis: number | undefined,
  failure: { readonly error: SpanError | undefined } | undefined
): void => {
  if (failure !== undefined) {
    const error = failure.error
    if (error !== undefined) {
      span.setTag("error.type", error.name)
      span.setTag("error.message", error.message)
      if (error.stack !== undefined) span.setTag("error.stack", error.stack)
    } else {
      span.setTag("error", true)
    }
  }
  span.finish(endMillis)
}

/** Runs `f` with `span` active in dd-trace's scope (without a switch when it already is). */
export const runIn = <A>(scope: DdScope, span: DdSpan, f: () => A): A =>
  scope.active() === span ? f() : scope.activate(span, f)

/**
 * Runs `f` outside the tracer's spans. A fiber resumed by a callback registered inside one of them still runs with
 * that (finished) span active: put back the dd-trace span that was active around them. When there was none, the
 * finished span stays (a span opened there is then in the same trace rather than a new one).
 */
export const runOutside = <A>(scope: DdScope, f: () => A): A => {
  const active = scope.active()
  const outer = active === null ? null : outerOf(active)
  return outer === null || outer === active ? f() : scope.activate(outer, f)
}

// `true` for a dd-trace span context.
const isSpanContext = (value: unknown): value is DdSpanContext =>
  typeof value === "object" && value !== null && typeof (value as DdSpanContext).toTraceId === "function"

/**
 * The dd-trace span context for an extracted context: the one the dd-trace propagator extracted for `context` (the
 * line's context object), else dd-trace's extraction of its Datadog headers, else of its W3C headers. `undefined`
 * when dd-trace extracts neither.
 */
const spanContextFor = (
  tracer: DdTrace,
  context: object | undefined,
  fields: ContextFields
): DdSpanContext | undefined => {
  const known = context === undefined ? undefined : extractedSpanContext(context)
  if (isSpanContext(known)) return known
  const datadog = tracer.extract("text_map", DatadogHeaders.inject(fields))
  if (isSpanContext(datadog)) return datadog
  const w3c = tracer.extract("text_map", TraceFields.w3cHeaders(fields))
  return isSpanContext(w3c) ? w3c : undefined
}

// dd-trace span contexts for external spans, so that every child of one external parent shares one dd-trace trace
// (one chunk, one sampling decision).
const externalContexts = new WeakMap<object, DdSpanContext | null>()

/**
 * The dd-trace span context of an external span (kept per span): of the Datadog context it carries (`datadog`: the
 * line's context object and its fields), else of its own ids. `undefined` when dd-trace reads neither.
 */
const externalContext = (
  tracer: DdTrace,
  span: TraceFields.SpanIds & object,
  datadog: { readonly context: object; readonly fields: ContextFields } | undefined
): DdSpanContext | undefined => {
  const cached = externalContexts.get(span)
  if (cached !== undefined) return cached ?? undefined
  const fields = datadog?.fields ?? TraceFields.fromSpan(span, undefined, undefined)
  const resolved = fields === undefined ? undefined : spanContextFor(tracer, datadog?.context, fields)
  externalContexts.set(span, resolved ?? null)
  return resolved
}

/** The dd-trace side of one of `DdTraceTracer`'s spans: each line's `Tracer.Span` extends it. */
export class SpanCore {
  readonly attributes = new Map<string, unknown>()
  private ids: readonly [string, string] | undefined = undefined

  constructor(
    readonly tracer: DdTrace,
    readonly scope: DdScope,
    readonly dd: DdSpan,
    /** The dd-trace span active when the outermost span around this one started (see {@link outerOf}). */
    readonly outer: DdSpan | null
  ) {}

  private idPair(): readonly [string, string] {
    if (this.ids === undefined) {
      const context = this.dd.context()
      this.ids = [context.toTraceId(true), context.toSpanId(true)]
    }
    return this.ids
  }

  /** dd-trace's trace id, in W3C hex. */
  get traceId(): string {
    return this.idPair()[0]
  }

  /** dd-trace's span id, in W3C hex. */
  get spanId(): string {
    return this.idPair()[1]
  }

  /** Whether dd-trace sampled the span (its traceparent's flags). */
  get sampled(): boolean {
    return !this.dd.context().toTraceparent().endsWith("-00")
  }

  /** Sets an attribute, and the dd-trace tag (a bigint as its decimal); `_dd.p.*` stay the trace's own. */
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    if (key.startsWith("_dd.p.")) return
    this.dd.setTag(key, typeof value === "bigint" ? value.toString() : value)
  }

  event(_name: string, _startTime: bigint, _attributes?: Record<string, unknown>): void {}
}

/**
 * How a line reads the spans its tracer is handed (`S`, its `Tracer.AnySpan`) that are not of this tracer: the
 * dd-trace span an external span joins (a line's `parentSpan`), and the Datadog context an external span carries
 * (`Tracing.externalSpan`: the line's context object and its fields).
 */
export interface SpanReader<S> {
  readonly joined: (span: S) => DdSpan | undefined
  readonly datadog: (span: S) => { readonly context: object; readonly fields: ContextFields } | undefined
}

/** A span link, as both lines have them. */
export interface Link<S> {
  readonly span: S
  readonly attributes: Readonly<Record<string, unknown>>
}

const ddSpanOf = <S extends TraceFields.SpanIds & object>(reader: SpanReader<S>, span: S): DdSpan | undefined =>
  span instanceof SpanCore ? span.dd : reader.joined(span)

const linkContext = <S extends TraceFields.SpanIds & object>(
  tracer: DdTrace,
  reader: SpanReader<S>,
  span: S
): DdSpanContext | undefined => {
  const dd = ddSpanOf(reader, span)
  return dd === undefined ? externalContext(tracer, span, reader.datadog(span)) : dd.context()
}

/** dd-trace's links for span links: one per linked span dd-trace can read, with the link's attributes. */
export const toDdLinks = <S extends TraceFields.SpanIds & object>(
  tracer: DdTrace,
  reader: SpanReader<S>,
  links: ReadonlyArray<Link<S>>
): Array<DdLink> | undefined => {
  if (links.length === 0) return undefined
  const out: Array<DdLink> = []
  for (const link of links) {
    const context = linkContext(tracer, reader, link.span)
    if (context !== undefined) out.push({ context, attributes: { ...link.attributes } })
  }
  return out
}

/** What a line's tracer is asked for, as {@link startUnder} needs it. */
export interface SpanRequest<S> {
  readonly name: string
  readonly parent: S | undefined
  readonly root: boolean
  readonly kind: string
  /** An explicit start (see {@link explicitMillis}); `undefined`: dd-trace's clock. */
  readonly startMillis: number | undefined
  readonly links: ReadonlyArray<Link<S>>
}

/**
 * Starts the dd-trace span of a new Effect span: a child of the parent's dd-trace span or span context (of the
 * span dd-trace has active for a span without a parent, unless a root is asked for), with the links dd-trace can
 * read. Gives it and the dd-trace span to have active once the fiber has left every span of this tracer: the one
 * active when the outermost of them started.
 */
export const startUnder = <S extends TraceFields.SpanIds & object>(
  tracer: DdTrace,
  scope: DdScope,
  reader: SpanReader<S>,
  request: SpanRequest<S>
): { readonly dd: DdSpan; readonly outer: DdSpan | null } => {
  const parent = request.parent
  const outer = parent instanceof SpanCore ? parent.outer : scope.active()
  const childOf = parent === undefined
    ? request.root ? null : outer
    : ddSpanOf(reader, parent) ?? externalContext(tracer, parent, reader.datadog(parent)) ?? null
  const dd = start(
    tracer,
    request.name,
    childOf,
    request.kind,
    request.startMillis,
    toDdLinks(tracer, reader, request.links),
    outer
  )
  return { dd, outer }
}

// Every style dd-trace injects: the injected headers are read back with the same rules dd-trace extracts by.
const injectedStyles: NativeExtraction.Options = {
  styles: ["datadog", "tracecontext", "b3multi", "b3 single header"],
  extractFirst: false,
  maxTagsLength: DatadogHeaders.MAX_TAGS_LENGTH
}

/**
 * The context dd-trace would propagate from a span: its ids, sampling decision, origin and `_dd.p.*` tags, read
 * back from what it injects, attributed to `source`.
 */
export const injectedFields = (tracer: DdTrace, span: DdSpan, source: ExtractorName): ContextFields | undefined => {
  const headers: Record<string, string> = {}
  tracer.inject(span, "text_map", headers)
  const carrier = Carrier.normalize(headers)
  return carrier === undefined ? undefined : NativeExtraction.extract(carrier, injectedStyles, source)
}

/** The process's dd-trace (`globalThis._ddtrace`) when it is initialised and has the tracing API. */
export const globalTracer = (): DdTrace | undefined => {
  const candidate = (globalThis as { readonly _ddtrace?: unknown })._ddtrace
  if (typeof candidate !== "object" || candidate === null) return undefined
  const tracer = candidate as DdTrace
  return isDdTrace(tracer) && isInitialised(tracer) ? tracer : undefined
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

/** The extractor of the attempt a handler wrapper records when it joined the span dd-trace had active. */
export const JOINED_EXTRACTOR = "dd-trace-span"

/**
 * The attempt a handler wrapper records when it joined the active span: `dd-trace-span`, found, and whether the
 * chain ran as well.
 */
export const joinedAttempt = (extracted: boolean): {
  readonly extractor: ExtractorName
  readonly outcome: "found"
  readonly detail: string
} => ({
  extractor: JOINED_EXTRACTOR,
  outcome: "found",
  detail: extracted
    ? "joined the span dd-trace had active (datadog-lambda-js's aws.lambda); the chain ran as well"
    : "joined the span dd-trace had active (datadog-lambda-js's aws.lambda); no extraction"
})
