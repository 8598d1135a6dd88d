/**
 * The extraction result of the invocation being handled, provided to handler effects by `LambdaTracing.withExtraction`
 * and by `Tracing.applyExtraction`, `Tracing.withInvocationSpan` and `Tracing.withUpstream`. The Effect 4 form of the
 * package root's `CurrentExtraction`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
 * import { CurrentExtraction } from "effect-datadog-lambda/effect4"
 *
 * const app = Effect.gen(function*() {
 *   const upstream = yield* CurrentExtraction.context
 *   yield* Effect.log(`from ${Option.match(upstream, { onNone: () => "nowhere", onSome: (c) => c.source })}`)
 * })
 * ```
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import type { TraceContext } from "../domain/TraceContext.js"

/**
 * @since 0.2.0
 * @category services
 */
export class CurrentExtraction extends Context.Service<CurrentExtraction, ExtractionResult>()(
  "effect-datadog-lambda/CurrentExtraction"
) {}

/**
 * The current invocation's extraction result, when a Lambda integration provided one.
 *
 * @since 0.2.0
 * @category accessors
 */
export const get: Effect.Effect<Option.Option<ExtractionResult>> = Effect.serviceOption(CurrentExtraction)

/**
 * The upstream context of the current invocation (`None` when nothing was extracted or no integration runs).
 *
 * @since 0.2.0
 * @category accessors
 */
export const context: Effect.Effect<Option.Option<TraceContext>> = Effect.map(
  get,
  Option.flatMap((result) => result.context)
)
