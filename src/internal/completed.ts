/**
 * Combinators that keep an already completed effect completed.
 *
 * In Effect 3 an `Exit` is an `Effect`, and `Effect.succeed` / `Effect.fail` return one. Extraction is pure work
 * run inside the one effect of the chain, so each step returns its result as an `Exit` and these combinators
 * apply the next step at once instead of adding a step for the runtime (each `Effect.map` or `Effect.flatMap`
 * costs about 100 ns, which matters on every invocation). An effect that is not completed (an app's propagator,
 * a page read) goes through the ordinary combinator.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"

/**
 * Whether the effect is already completed (an `Exit`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isCompleted = <A, E, R>(self: Effect.Effect<A, E, R>): self is Exit.Exit<A, E> => {
  // The op code alone: in Effect 3 only an `Exit` carries these, and it is one property read where `Exit.isExit`
  // tests a symbol key first (which cost several percent of a whole extraction).
  const op = (self as { readonly _op?: unknown })._op
  return op === "Success" || op === "Failure"
}

/**
 * `Effect.map`, applied at once on a completed effect.
 *
 * @since 0.1.0
 * @category combinators
 */
export const map = <A, E, R, B>(self: Effect.Effect<A, E, R>, f: (a: A) => B): Effect.Effect<B, E, R> =>
  isCompleted(self)
    ? (Exit.isSuccess(self) ? Exit.succeed(f(self.value)) : Exit.failCause(self.cause))
    : Effect.map(self, f)

/**
 * `Effect.flatMap`, applied at once on a completed effect.
 *
 * @since 0.1.0
 * @category combinators
 */
export const flatMap = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (a: A) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E | E2, R | R2> =>
  isCompleted(self) ? (Exit.isSuccess(self) ? f(self.value) : Exit.failCause(self.cause)) : Effect.flatMap(self, f)

/**
 * `Effect.either` followed by `f`, applied at once on a completed effect. Defects and interruptions pass through.
 *
 * @since 0.1.0
 * @category combinators
 */
export const matchEither = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (result: Either.Either<A, E>) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E2, R | R2> => {
  if (!isCompleted(self)) return Effect.flatMap(Effect.either(self), f)
  if (Exit.isSuccess(self)) return f(Either.right(self.value))
  const cause = self.cause
  return cause._tag === "Fail" ? f(Either.left(cause.error)) : Effect.flatMap(Effect.either(self), f)
}
