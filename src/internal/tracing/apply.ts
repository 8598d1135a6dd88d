/**
 * Applying an extraction result to an effect: the result and the parent reach the effect in one change of the
 * fiber's context, batch contexts become links (of every span inside, or of the invocation span only), and the
 * invocation span enters its tracer's own scope when it has one.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { CurrentExtraction } from "../../services/CurrentExtraction.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { InvocationSpanOptions } from "../../wrappers/Tracing.js"
import { externalSpan, links } from "./externalSpan.js"
import * as TraceFields from "./traceFields.js"

/** The key of {@link SpanScope}'s method. */
export const SpanScopeTypeId: unique symbol = Symbol.for("effect-datadog-lambda/Tracing/SpanScope")

/**
 * A span that lives in a scope of its tracer's own (dd-trace's, for `DdTraceTracer`): its method is an effect that
 * resumes the fiber in that scope with the span active, so the steps that follow need no switch of scope.
 */
export interface SpanScope {
  readonly [SpanScopeTypeId]: () => Effect.Effect<void>
}

const isSpanScope = (span: Tracer.AnySpan): span is Tracer.AnySpan & SpanScope => SpanScopeTypeId in span

// Runs `self` with the extraction result provided and `parent` as its parent span: one change of the fiber's context
// for both (each `Effect.provideService` is one, a dozen steps of the run loop and a copy of the context).
export const provideExtraction = <A, E, R>(
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

/** `Tracing.applyExtraction`: the result's parent and links for every span inside, and the result provided. */
export const underExtraction = <A, E, R>(
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
 * The attributes of an invocation span for a result: `datadog.extractor` (the extractor that found the context,
 * or `none`) and the upstream's `_dd.p.*` propagation tags (`_dd.p.tid` included); see
 * `TraceFields.invocationAttributes`.
 */
export const invocationAttributes = (result: ExtractionResult): Record<string, unknown> =>
  TraceFields.invocationAttributes(
    Option.isSome(result.context) ? TraceContext.toFields(result.context.value) : undefined
  )

/** `Tracing.withInvocationSpan`: one span continuing the result, the links its own. */
export const underInvocationSpan = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  name: string,
  result: ExtractionResult,
  options?: InvocationSpanOptions
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

/** `Tracing.withUpstream`: the chain's result for the event, applied. */
export const underUpstream = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  event: unknown,
  lambdaContext: unknown
): Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> =>
  Effect.flatMap(ExtractorChain.extract(event, lambdaContext), (result) => underExtraction(self, result))
