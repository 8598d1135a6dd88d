/**
 * Applying an extraction result to an effect: the result and the parent reach the effect in one change of the
 * fiber's context, and batch contexts become links (of every span inside, or of the invocation span only).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as TraceFields from "../../../internal/tracing/traceFields.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { CurrentExtraction } from "../../services/CurrentExtraction.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import type { InvocationSpanOptions } from "../../wrappers/Tracing.js"
import { externalSpan, links } from "./externalSpan.js"

/**
 * Runs `self` with the extraction result provided and `parent` as its parent span: one change of the fiber's
 * context for both.
 */
export const provideExtraction = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  result: ExtractionResult,
  parent: Tracer.AnySpan | undefined
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.updateContext(self, (context: Context.Context<Exclude<R, CurrentExtraction>>) => {
    const provided = Context.add(context, CurrentExtraction, result)
    return (parent === undefined ? provided : Context.add(provided, Tracer.ParentSpan, parent)) as Context.Context<R>
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
    effect = Effect.linkSpans(effect, spanLinks[i]!.span, spanLinks[i]!.attributes)
  }
  return provideExtraction(
    effect,
    result,
    Option.isSome(result.context) ? externalSpan(result.context.value) : undefined
  )
}

/** The attributes of an invocation span for a result (`TraceFields.invocationAttributes`). */
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
  // (`DdTraceTracer`) switches to none of them. `self` runs with the extraction result provided; those steps
  // without it.
  return Effect.useSpan(name, {
    kind: options?.kind ?? "server",
    attributes,
    ...(spanLinks.length === 0 ? {} : { links: spanLinks }),
    ...(parent !== undefined ? { parent } : options?.root === true ? { root: true } : {})
  }, (span) => provideExtraction(self, result, span))
}

/** `Tracing.withUpstream`: the chain's result for the event, applied. */
export const underUpstream = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  event: unknown,
  lambdaContext: unknown
): Effect.Effect<A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> =>
  Effect.flatMap(ExtractorChain.extract(event, lambdaContext), (result) => underExtraction(self, result))
