/**
 * The per-invocation durable state service set by `DurableState.withClient`, which wins over a layer's.
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type { DurableState } from "../../services/DurableState.js"

/** The per-invocation override set by {@link withClient}. */
export const currentOverride: FiberRef.FiberRef<Option.Option<DurableState.Service>> = FiberRef.unsafeMake(
  Option.none<DurableState.Service>()
)

/**
 * The service to use now: the per-invocation override, else the one given (captured from the context when the
 * extractor was built).
 */
export const resolve = (
  fallback: Option.Option<DurableState.Service>
): Effect.Effect<Option.Option<DurableState.Service>> =>
  Effect.map(FiberRef.get(currentOverride), (override) => Option.isSome(override) ? override : fallback)
