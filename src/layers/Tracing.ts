/**
 * Effect tracing on top of extracted contexts: a {@link TraceContext.TraceContext} becomes a `Tracer.ExternalSpan`
 * (hex ids for W3C / OpenTelemetry, `sampled` from the sampling priority), and {@link withUpstream} makes
 * every `Effect.withSpan` inside a handler continue the upstream trace. Batch sources become span links.
 *
 * The Datadog extras that hex ids cannot carry (sampling priority, origin, `_dd.p.*` tags, the decimal ids) ride
 * in the external span's `context`:
 * - {@link DatadogSpanContext} holds the whole extracted context, so nothing is lost;
 * - `@effect/opentelemetry`'s `OtelTraceFlags` and `OtelTraceState` tags are filled too (same keys, no import),
 *   so the OpenTelemetry bridge keeps an upstream "drop" decision and dd-trace's OpenTelemetry provider recovers
 *   the priority and origin from the `dd` tracestate member.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
import type { ExtractorName } from "../internal/extractorName.js"
import * as Ids from "../internal/ids.js"
import { CurrentExtraction } from "../services/CurrentExtraction.js"
import * as ExtractorChain from "../services/ExtractorChain.js"

/**
 * The full Datadog context behind an external span built by {@link externalSpan}.
 *
 * @since 0.1.0
 * @category tracing
 */
export class DatadogSpanContext extends Context.Tag("effect-datadog-lambda/DatadogSpanContext")<
  DatadogSpanContext,
  TraceContext.TraceContext
>() {}

/**
 * The W3C trace flags `@effect/opentelemetry` reads from an external span's context (same tag key, so this library
 * does not import `@effect/opentelemetry`).
 *
 * @since 0.1.0
 * @category tracing
 */
export const OtelTraceFlags = Context.GenericTag<"OtelTraceFlags", number>(
  "@effect/opentelemetry/Tracer/OtelTraceFlags"
)

/**
 * The structural shape of an OpenTelemetry `TraceState`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TraceState {
  set(key: string, value: string): TraceState
  unset(key: string): TraceState
  get(key: string): string | undefined
  serialize(): string
}

/**
 * The W3C trace state `@effect/opentelemetry` reads from an external span's context.
 *
 * @since 0.1.0
 * @category tracing
 */
export const OtelTraceState = Context.GenericTag<"OtelTraceState", TraceState>(
  "@effect/opentelemetry/Tracer/OtelTraceState"
)

class ListTraceState implements TraceState {
  constructor(private readonly entries: ReadonlyArray<readonly [string, string]>) {}
  set(key: string, value: string): TraceState {
    return new ListTraceState([[key, value], ...this.entries.filter(([k]) => k !== key)])
  }
  unset(key: string): TraceState {
    return new ListTraceState(this.entries.filter(([k]) => k !== key))
  }
  get(key: string): string | undefined {
    return this.entries.find(([k]) => k === key)?.[1]
  }
  serialize(): string {
    return this.entries.map(([k, v]) => `${k}=${v}`).join(",")
  }
}

const ORIGIN_OR_TAG_VALUE_FILTER = /[^\x20-\x2B\x2D-\x3A\x3C-\x7D]/g
const TAG_KEY_FILTER = /[^\x21-\x2B\x2D-\x3C\x3E-\x7E]/g
const MAX_DD_MEMBER_LENGTH = 256

/**
 * The `dd` member of a W3C `tracestate` for a context, encoded as dd-trace encodes it: `s:<priority>`,
 * `o:<origin>` and `t.<name>:<value>` for each `_dd.p.*` tag except `_dd.p.tid` (the trace id carries it).
 * `undefined` when there is nothing to say or the member would exceed 256 characters.
 *
 * @since 0.1.0
 * @category encoding
 */
export const ddTraceStateMember = (context: TraceContext.TraceContext): string | undefined => {
  const parts: Array<string> = []
  if (Option.isSome(context.samplingPriority)) parts.push(`s:${context.samplingPriority.value}`)
  if (Option.isSome(context.origin)) {
    parts.push(`o:${context.origin.value.replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  for (const key in context.tags) {
    if (!key.startsWith("_dd.p.") || key === "_dd.p.tid") continue
    const name = key.slice(6).replace(TAG_KEY_FILTER, "_")
    parts.push(`t.${name}:${context.tags[key].replace(ORIGIN_OR_TAG_VALUE_FILTER, "_").replaceAll("=", "~")}`)
  }
  if (parts.length === 0) return undefined
  const member = parts.join(";")
  return member.length + 3 > MAX_DD_MEMBER_LENGTH ? undefined : member
}

/**
 * The parent span for a Datadog context: 32-hex trace id (with `_dd.p.tid` as the upper half), 16-hex span id,
 * `sampled` from the sampling priority (`true` when the upstream made no decision), and the extras in `context`.
 *
 * @since 0.1.0
 * @category tracing
 */
export const externalSpan = (context: TraceContext.TraceContext): Tracer.ExternalSpan => {
  const decision = TraceContext.isSampled(context)
  // Typed as `Context<never>` (what `ExternalSpan` holds): the tags added below are optional extras.
  let spanContext: Context.Context<never> = Context.make(DatadogSpanContext, context)
  if (decision !== undefined) spanContext = Context.add(spanContext, OtelTraceFlags, decision ? 1 : 0)
  const member = ddTraceStateMember(context)
  if (member !== undefined) spanContext = Context.add(spanContext, OtelTraceState, new ListTraceState([["dd", member]]))
  return Tracer.externalSpan({
    traceId: context.w3cTraceId,
    spanId: context.w3cParentId,
    sampled: decision ?? true,
    context: spanContext
  })
}

/**
 * The Datadog context an external span was built from, when it was built by {@link externalSpan}.
 *
 * @since 0.1.0
 * @category tracing
 */
export const datadogContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> =>
  Context.getOption(span.context, DatadogSpanContext)

/**
 * The nearest ancestor (or the span itself) carrying a {@link DatadogSpanContext}: the upstream context a span
 * descends from.
 *
 * @since 0.1.0
 * @category tracing
 */
export const upstreamContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> => {
  let current: Tracer.AnySpan | undefined = span
  for (let depth = 0; current !== undefined && depth < 1024; depth++) {
    const found = datadogContext(current)
    if (Option.isSome(found)) return found
    current = current._tag === "Span" ? Option.getOrUndefined(current.parent) : undefined
  }
  return Option.none()
}

/**
 * The key of {@link SpanContextSource}'s method.
 *
 * @since 0.1.0
 * @category tracing
 */
export const SpanContextSourceTypeId: unique symbol = Symbol.for("effect-datadog-lambda/Tracing/SpanContextSource")

/**
 * A span that knows its own Datadog context better than its ids say: a tracer whose spans are Datadog spans
 * (`DdTraceTracer`) implements it, so {@link spanContext} reports the tracer's sampling decision and trace tags.
 *
 * @since 0.1.0
 * @category tracing
 */
export interface SpanContextSource {
  readonly [SpanContextSourceTypeId]: () => Option.Option<TraceContext.TraceContext>
}

const isSpanContextSource = (span: Tracer.AnySpan): span is Tracer.AnySpan & SpanContextSource =>
  SpanContextSourceTypeId in span

/**
 * The key of {@link SpanScope}'s method.
 *
 * @since 0.1.0
 * @category tracing
 */
export const SpanScopeTypeId: unique symbol = Symbol.for("effect-datadog-lambda/Tracing/SpanScope")

/**
 * A span that lives in a scope of its tracer's own (dd-trace's, for `DdTraceTracer`): its method is an effect that
 * resumes the fiber in that scope with the span active, so the steps that follow need no switch of scope.
 *
 * @since 0.1.0
 * @category tracing
 */
export interface SpanScope {
  readonly [SpanScopeTypeId]: () => Effect.Effect<void>
}

const isSpanScope = (span: Tracer.AnySpan): span is Tracer.AnySpan & SpanScope => SpanScopeTypeId in span

// Runs `self` with the extraction result provided and `parent` as its parent span: one change of the fiber's context
// for both (each `Effect.provideService` is one, a dozen steps of the run loop and a copy of the context).
const provideExtraction = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  result: ExtractionResult,
  parent: Tracer.AnySpan | undefined
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.mapInputContext(self, (context: Context.Context<Exclude<R, CurrentExtraction>>) => {
    const provided = Context.add(context, CurrentExtraction, result)
    return (parent === undefined ? provided : Context.add(provided, Tracer.ParentSpan, parent)) as Context.Context<R>
  })

// `Effect.withSpan` that, once the span has started, enters its tracer's scope before `self` runs, when the span has
// one (`SpanScope`): with `DdTraceTracer`, one asynchronous hop with the span active in dd-trace's scope instead of a
// switch of scope there and back on each synchronous step of `self`. Only for the outermost span of a fiber (the
// invocation span): the fiber stays in the span's scope after it, and a hop taken while Effect's scheduler is
// already running resumes in the scheduler's context (then the tracer switches per step, as without the hop).
// `self` runs with the extraction result provided; the steps that open and end the span run without it.
const withScopedSpan = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  name: string,
  options: Tracer.SpanOptions,
  result: ExtractionResult
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.useSpan(name, options, (span) => {
    const body = provideExtraction(self, result, span)
    return isSpanScope(span) ? Effect.zipRight(span[SpanScopeTypeId](), body) : body
  })

/**
 * The span attribute that overrides the sampling priority written for a span (dd-trace honours the same tag):
 * `2` keeps the trace, `-1` drops it.
 *
 * @since 0.1.0
 * @category constants
 */
export const SAMPLING_PRIORITY_ATTRIBUTE = "sampling.priority"

const priorityOverride = (span: Tracer.AnySpan): number | undefined => {
  if (span._tag !== "Span") return undefined
  const value = span.attributes.get(SAMPLING_PRIORITY_ATTRIBUTE)
  const priority = typeof value === "string" ? Number(value) : value
  return typeof priority === "number" && Number.isSafeInteger(priority) ? priority : undefined
}

/**
 * The Datadog context to propagate *from* a live span (the inject side): the span's own ids in decimal (the upper
 * half of a 128-bit trace id as `_dd.p.tid`), the origin and `_dd.p.*` tags of its upstream context, and a
 * sampling priority taken from, in order: the span's `sampling.priority` attribute, the upstream priority, the
 * span's `sampled` flag (`1` or `0`). The `source` is the upstream context's extractor, or `custom` for a span
 * with no extracted ancestor. `None` when the span's ids are not 32/16 lower-case hex.
 *
 * Effect's built-in tracer marks every span sampled; the upstream priority is what carries an upstream "drop".
 * A span that is a {@link SpanContextSource} (a `DdTraceTracer` span) reports its own context instead: the ids,
 * sampling decision, origin and `_dd.p.*` tags dd-trace itself would propagate.
 *
 * @since 0.1.0
 * @category tracing
 */
export const spanContext = (span: Tracer.AnySpan): Option.Option<TraceContext.TraceContext> => {
  if (isSpanContextSource(span)) return span[SpanContextSourceTypeId]()
  const ids = Ids.fromW3cTraceId(span.traceId)
  if (ids === undefined || !Ids.isHex16(span.spanId) || span.spanId === "0000000000000000") return Option.none()
  const upstream = Option.getOrUndefined(upstreamContext(span))
  const priority = priorityOverride(span) ?? Option.getOrUndefined(upstream?.samplingPriority ?? Option.none()) ??
    (span.sampled ? 1 : 0)
  return Option.some(TraceContext.make({
    traceId: ids.traceId,
    traceIdHigh: ids.traceIdHigh,
    parentId: Ids.hexToDecimal(span.spanId),
    samplingPriority: priority,
    origin: upstream === undefined ? undefined : Option.getOrUndefined(upstream.origin),
    tags: upstream?.tags,
    source: upstream?.source ?? ("custom" satisfies ExtractorName)
  }))
}

/**
 * The Datadog context of the current span, for injection into outgoing calls or checkpoints.
 *
 * @since 0.1.0
 * @category tracing
 */
export const currentSpanContext: Effect.Effect<Option.Option<TraceContext.TraceContext>> = Effect.map(
  Effect.option(Effect.currentSpan),
  Option.flatMap(spanContext)
)

/**
 * The span links for a result's batch contexts (every context except the parent), one per context.
 *
 * @since 0.1.0
 * @category tracing
 */
export const links = (result: ExtractionResult): ReadonlyArray<Tracer.SpanLink> =>
  result.links.map((link) => ({
    _tag: "SpanLink",
    span: externalSpan(link),
    attributes: { "datadog.source": link.source }
  }))

const underExtraction = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  result: ExtractionResult
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> => {
  let effect: Effect.Effect<A, E, R> = self
  const spanLinks = links(result)
  // Each wrapper appends when it runs, outermost first: wrap in reverse to keep the batch order.
  for (let i = spanLinks.length - 1; i >= 0; i--) {
    effect = Effect.linkSpans(effect, spanLinks[i].span, spanLinks[i].attributes)
  }
  return provideExtraction(
    effect,
    result,
    Option.isSome(result.context) ? externalSpan(result.context.value) : undefined
  )
}

/**
 * Runs an effect under an extraction result: its spans are children of the extracted context (or roots when
 * there is none), linked to every batch context (`Effect.linkSpans`), and {@link CurrentExtraction} is provided.
 *
 * `Effect.linkSpans` links *every* span opened inside to the batch. To link one span only, the invocation's,
 * use {@link withInvocationSpan} (what `LambdaTracing` and `DurableTracing` do).
 *
 * @since 0.1.0
 * @category tracing
 */
export const applyExtraction: {
  (
    result: ExtractionResult
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
  <A, E, R>(self: Effect.Effect<A, E, R>, result: ExtractionResult): Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
} = dual(2, <A, E, R>(self: Effect.Effect<A, E, R>, result: ExtractionResult) => underExtraction(self, result))

/**
 * The attributes of an invocation span for a result: `datadog.extractor` (the extractor that found the context,
 * or `none`) and the upstream's `_dd.p.*` propagation tags (`_dd.p.tid` included).
 *
 * The tags are for tracers that cannot take them from the parent: dd-trace's OpenTelemetry bridge starts a
 * remote parent with no trace tags, and an attribute is how they still reach the trace chunk. `DdTraceTracer`
 * carries them on the trace itself and ignores these attributes.
 *
 * @since 0.1.0
 * @category tracing
 */
export const invocationAttributes = (result: ExtractionResult): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { "datadog.extractor": "none" }
  if (Option.isNone(result.context)) return attributes
  const context = result.context.value
  attributes["datadog.extractor"] = context.source
  for (const key in context.tags) {
    if (key.startsWith("_dd.p.")) attributes[key] = context.tags[key]
  }
  if (Option.isSome(context.traceIdHigh)) attributes["_dd.p.tid"] = context.traceIdHigh.value
  return attributes
}

/**
 * Options of {@link withInvocationSpan}.
 *
 * @since 0.1.0
 * @category models
 */
export interface InvocationSpanOptions {
  /** Extra attributes of the invocation span (they win over {@link invocationAttributes}). */
  readonly attributes?: Record<string, unknown> | undefined
  /** The span's kind (default `server`). */
  readonly kind?: Tracer.SpanKind | undefined
  /** The parent, instead of the extracted context (e.g. the span dd-trace already had active). */
  readonly parent?: Tracer.AnySpan | undefined
  /** Without `parent`: start a new trace instead of continuing the extracted context. */
  readonly root?: boolean | undefined
}

const applyInvocation = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  name: string,
  result: ExtractionResult,
  options: InvocationSpanOptions | undefined
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> => {
  const spanLinks = links(result)
  const attributes = options?.attributes === undefined
    ? invocationAttributes(result)
    : { ...invocationAttributes(result), ...options.attributes }
  const parent = options?.parent ??
    (options?.root !== true && Option.isSome(result.context) ? externalSpan(result.context.value) : undefined)
  // The parent is the span's option, not the fiber's current span around it: the steps that open and end the
  // invocation span then run with no span of the tracer current, so a tracer that switches scopes per step
  // (`DdTraceTracer`) switches to none of them.
  return withScopedSpan(self, name, {
    kind: options?.kind ?? "server",
    // The stack of this call is the library's, not the app's: not worth capturing on every invocation.
    captureStackTrace: false,
    attributes,
    ...(spanLinks.length === 0 ? {} : { links: spanLinks }),
    ...(parent !== undefined ? { parent } : options?.root === true ? { root: true } : {})
  }, result)
}

/**
 * Runs an effect inside one invocation span (kind `server` by default) that continues the extracted context:
 * the batch contexts are links of that span only, its attributes are {@link invocationAttributes}, and
 * {@link CurrentExtraction} is provided. The effect's own spans are children of the invocation span. With a tracer
 * whose spans have their own scope ({@link SpanScope}: `DdTraceTracer`), the effect starts in that scope.
 *
 * @since 0.1.0
 * @category tracing
 */
export const withInvocationSpan: {
  (
    name: string,
    result: ExtractionResult,
    options?: InvocationSpanOptions
  ): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    name: string,
    result: ExtractionResult,
    options?: InvocationSpanOptions
  ): Effect.Effect<A, E, Exclude<R, CurrentExtraction>>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, name: string, result: ExtractionResult, options?: InvocationSpanOptions) =>
    applyInvocation(self, name, result, options)
)

/**
 * Extracts the upstream context of an invocation with the {@link ExtractorChain.ExtractorChain} in the context
 * and runs an effect under it (see {@link applyExtraction}): every `Effect.withSpan` inside continues the
 * upstream trace.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Tracing from "effect-datadog-lambda/Tracing"
 *
 * const handler = (event: unknown, context: unknown) =>
 *   Effect.withSpan(Effect.log("hello"), "work").pipe(Tracing.withUpstream(event, context))
 * ```
 *
 * @since 0.1.0
 * @category tracing
 */
export const withUpstream: {
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    event: unknown,
    lambdaContext?: unknown
  ): Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain>
  (
    event: unknown,
    lambdaContext?: unknown
  ): <A, E, R>(
    self: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, event: unknown, lambdaContext?: unknown) =>
    Effect.flatMap(ExtractorChain.extract(event, lambdaContext), (result) => underExtraction(self, result))
)
