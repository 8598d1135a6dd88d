/**
 * The optional, user-supplied extractor that runs first. Provide it as a layer built from an Effect, or from a
 * plain sync or async function.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import { ExtractionError, type ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import * as Ids from "../internal/ids.js"
import { isRecord } from "../internal/propagation/carrier.js"
import { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class CustomExtractor extends Context.Tag("effect-datadog-lambda/CustomExtractor")<
  CustomExtractor,
  TraceExtractor.TraceExtractor
>() {}

/**
 * A trace context in the shape datadog-lambda-js custom extractors return: decimal ids (strings, numbers or
 * bigints), an optional sampling priority (`samplingPriority` or the legacy `sampleMode`), and optionally the
 * 128-bit high half.
 *
 * @since 0.1.0
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
 * @since 0.1.0
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

const idOf = (value: unknown): string | undefined => {
  if (typeof value === "string") return Ids.parseDecimalU64(value)
  if (typeof value === "number") return Number.isSafeInteger(value) ? Ids.parseDecimalU64(String(value)) : undefined
  if (typeof value === "bigint") return Ids.parseDecimalU64(value.toString())
  return undefined
}

const fromContextLike = (value: Readonly<Record<string, unknown>>) => {
  const traceId = idOf(value.traceId)
  const parentId = idOf(value.parentId)
  if (traceId === undefined || parentId === undefined) {
    return Effect.fail(fail("IncompleteContext", "traceId and parentId must be non-zero unsigned 64-bit decimals"))
  }
  const priority = value.samplingPriority ?? value.sampleMode
  const lower = typeof value.traceIdHigh === "string" ? value.traceIdHigh.toLowerCase() : undefined
  // An all-zero high half means a 64-bit trace: neither the field nor the `_dd.p.tid` tag.
  const high = lower !== undefined && Ids.isHex16(lower) && lower !== "0000000000000000" ? lower : undefined
  return Effect.succeed(TraceExtractor.found(TraceContext.make({
    traceId,
    parentId,
    source: "custom",
    samplingPriority: Number.isInteger(priority) ? priority as number : undefined,
    traceIdHigh: high,
    origin: typeof value.origin === "string" ? value.origin : undefined,
    tags: high === undefined ? undefined : { "_dd.p.tid": high }
  })))
}

/**
 * Interprets what a custom extractor returned.
 *
 * @since 0.1.0
 * @category constructors
 */
export const interpret = (
  result: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> =>
  Effect.suspend((): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> => {
    if (result === null || result === undefined) return Effect.succeed(TraceExtractor.none)
    if (result instanceof TraceContext.TraceContext) return Effect.succeed(TraceExtractor.found(result))
    if (Option.isOption(result)) {
      return Effect.succeed(
        Option.isSome(result) && result.value instanceof TraceContext.TraceContext
          ? TraceExtractor.found(result.value)
          : TraceExtractor.none
      )
    }
    if (!isRecord(result)) return Effect.fail(fail("MalformedCarrier", `expected an object, got ${typeof result}`))
    if ("traceId" in result || "parentId" in result) return fromContextLike(result)
    return Effect.flatMap(Propagator, (propagator) => propagator.extract(result, "custom")).pipe(
      Effect.map(TraceExtractor.fromOption)
    )
  })

/**
 * A custom extractor from an Effect. Its failures and defects become `ExtractionError`s with reason
 * `CustomExtractorFailed`; the chain records them and continues.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E, R>(
  extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<CustomResult, E, R>
): Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator | R> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<Propagator | R>()
    return TraceExtractor.make({
      name: "custom",
      extract: (event, lambdaContext) =>
        Effect.suspend(() => extract(event, lambdaContext)).pipe(
          Effect.catchAllCause((cause) =>
            Effect.fail(fail("CustomExtractorFailed", "the custom extractor failed", cause))
          ),
          Effect.flatMap(interpret),
          Effect.provide(context)
        )
    })
  })

/**
 * A custom extractor from a plain function, sync or async: `(event, context) => context-like | headers | null`.
 * A throw or a rejection becomes an `ExtractionError` with reason `CustomExtractorFailed`.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(
  extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<CustomResult, E, R>
): Layer.Layer<CustomExtractor, never, Propagator | R> => Layer.effect(CustomExtractor, make(extract))

/**
 * Provides the custom extractor from a plain sync or async function.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFunction = (
  extract: (event: unknown, lambdaContext: unknown) => CustomResult | PromiseLike<CustomResult>
): Layer.Layer<CustomExtractor, never, Propagator> => Layer.effect(CustomExtractor, fromFunction(extract))
