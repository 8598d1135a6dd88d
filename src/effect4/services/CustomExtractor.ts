/**
 * The optional, user-supplied extractor that runs first in the default chain. Provide it as a layer built from an
 * Effect or from a plain sync or async function returning a context-like object, a header map or nothing; its
 * failures are recorded as `CustomExtractorFailed` attempts and the chain goes on.
 *
 * @example
 * ```ts
 * import { CustomExtractor } from "effect-datadog-lambda/effect4"
 *
 * const custom = CustomExtractor.layerFunction((event) =>
 *   (event as { readonly myHeaders?: Readonly<Record<string, string>> }).myHeaders ?? null
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as ContextLike from "../../internal/contextLike.js"
import { ExtractionError, type ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.2.0
 * @category services
 */
export class CustomExtractor extends Context.Service<CustomExtractor, TraceExtractor.TraceExtractor>()(
  "effect-datadog-lambda/CustomExtractor"
) {}

/**
 * A trace context in the shape datadog-lambda-js custom extractors return: decimal ids (strings, numbers or
 * bigints), an optional sampling priority (`samplingPriority` or the legacy `sampleMode`), and optionally the
 * 128-bit high half.
 *
 * @since 0.2.0
 * @category models
 */
export interface TraceContextLike {
  readonly traceId: string | number | bigint
  readonly parentId: string | number | bigint
  readonly samplingPriority?: number | undefined
  readonly sampleMode?: number | undefined
  readonly traceIdHigh?: string | undefined
  readonly origin?: string | undefined
}

/**
 * What a custom extractor may return: a context, a context-like object, a header map to run through the
 * propagator, or nothing.
 *
 * @since 0.2.0
 * @category models
 */
export type CustomResult =
  | TraceContext.TraceContext
  | TraceContextLike
  | Readonly<Record<string, unknown>>
  | Option.Option<TraceContext.TraceContext>
  | null
  | undefined

const fail = (reason: ExtractionError["reason"], detail: string, cause?: unknown) =>
  new ExtractionError({ extractor: "custom", reason, detail, ...(cause === undefined ? {} : { cause }) })

const isTraceContext = (value: unknown): value is TraceContext.TraceContext =>
  value instanceof TraceContext.TraceContext

const interpret = (
  result: unknown,
  propagator: Propagator.Service
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  const value = Option.isOption(result) ? Option.getOrNull(Option.filter(result, isTraceContext)) : result
  const classified = ContextLike.classify(value, isTraceContext)
  switch (classified._tag) {
    case "Nothing":
      return Effect.succeed(TraceExtractor.none)
    case "Context":
      return Effect.succeed(TraceExtractor.found(classified.context))
    case "Fields":
      return Effect.succeed(TraceExtractor.found(TraceContext.make(classified.fields)))
    case "Incomplete":
      return Effect.fail(fail("IncompleteContext", ContextLike.INCOMPLETE))
    case "NotAnObject":
      return Effect.fail(fail("MalformedCarrier", `expected an object, got ${classified.type}`))
    case "Carrier":
      return Effect.map(propagator.extract(classified.carrier, "custom"), TraceExtractor.fromOption)
  }
}

/**
 * A custom extractor from an Effect. Its failures and defects become `ExtractionError`s with reason
 * `CustomExtractorFailed`; the chain records them and continues.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <E, R>(
  extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<CustomResult, E, R>
): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator | R> =>
  Effect.gen(function*() {
    const propagator = yield* Propagator
    const context = yield* Effect.context<R>()
    return TraceExtractor.make({
      name: "custom",
      extract: (event, lambdaContext) =>
        Effect.suspend(() => extract(event, lambdaContext)).pipe(
          Effect.catchCause((cause) =>
            Effect.fail(fail("CustomExtractorFailed", "the custom extractor failed", cause))
          ),
          Effect.flatMap((result) => interpret(result, propagator)),
          Effect.provideContext(context)
        )
    })
  })

/**
 * A custom extractor from a plain function, sync or async: `(event, context) => context-like | headers | null`.
 * A throw or a rejection becomes an `ExtractionError` with reason `CustomExtractorFailed`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromFunction = (
  extract: (event: unknown, lambdaContext: unknown) => CustomResult | PromiseLike<CustomResult>
): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> =>
  make((event, lambdaContext) =>
    Effect.flatMap(
      Effect.try({ try: () => extract(event, lambdaContext), catch: (cause) => cause }),
      // A sync function stays synchronous: no async boundary on every invocation, and `Effect.runSync` works.
      (result) =>
        Predicate.isPromiseLike(result)
          ? Effect.tryPromise({ try: () => Promise.resolve(result), catch: (cause) => cause })
          : Effect.succeed(result)
    )
  )

/**
 * Provides the custom extractor from an Effect.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = <E, R>(
  extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<CustomResult, E, R>
): Layer.Layer<CustomExtractor, never, Propagator | R> => Layer.effect(CustomExtractor, make(extract))

/**
 * Provides the custom extractor from a plain sync or async function.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFunction = (
  extract: (event: unknown, lambdaContext: unknown) => CustomResult | PromiseLike<CustomResult>
): Layer.Layer<CustomExtractor, never, Propagator> => Layer.effect(CustomExtractor, fromFunction(extract))
