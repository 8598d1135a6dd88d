/**
 * Combinators that keep an already completed effect completed.
 *
 * In Effect 3 an `Exit` is an `Effect`, and `Effect.succeed` / `Effect.fail` return one. Extraction is pure work
 * run inside the one effect of the chain, so each step returns its result as an `Exit` and these combinators
 * apply the next step at once instead of adding a step for the runtime, on every invocation. An effect that is
 * not completed (an app's propagator, a page read) goes through the ordinary combinator. Only public API is used
 * (`Exit.isExit`), so a new Effect release cannot change what counts as completed.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"

/**
 * Whether the effect is already completed (an `Exit`). On an effect this is `Exit.isExit` without its test that the
 * value is an effect (a symbol lookup through the prototype chain, on every extractor of every invocation): it
 * reads `Exit`'s public discriminant, `_tag` `"Success"` or `"Failure"`.
 */
export const isCompleted = <A, E, R>(self: Effect.Effect<A, E, R>): self is Exit.Exit<A, E> => {
  const tag = (self as { readonly _tag?: unknown })._tag
  return tag === "Success" || tag === "Failure"
}

/** `Effect.map`, applied at once on a completed effect. */
export const map = <A, E, R, B>(self: Effect.Effect<A, E, R>, f: (a: A) => B): Effect.Effect<B, E, R> =>
  isCompleted(self)
    ? (Exit.isSuccess(self) ? Exit.succeed(f(self.value)) : Exit.failCause(self.cause))
    : Effect.map(self, f)

/** `Effect.flatMap`, applied at once on a completed effect. */
export const flatMap = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (a: A) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E | E2, R | R2> =>
  isCompleted(self) ? (Exit.isSuccess(self) ? f(self.value) : Exit.failCause(self.cause)) : Effect.flatMap(self, f)

/** `Effect.either` followed by `f`, applied at once on a completed effect. Defects and interruptions pass through. */
export const matchEither = <A, E, R, B, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (result: Either.Either<A, E>) => Effect.Effect<B, E2, R2>
): Effect.Effect<B, E2, R | R2> => {
  if (!isCompleted(self)) return Effect.flatMap(Effect.either(self), f)
  if (Exit.isSuccess(self)) return f(Either.right(self.value))
  const cause = self.cause
  return cause._tag === "Fail" ? f(Either.left(cause.error)) : Effect.flatMap(Effect.either(self), f)
}
