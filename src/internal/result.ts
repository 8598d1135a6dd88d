/**
 * A success or a failure, for the Effect-free readers (each Effect line has its own `Either`/`Result`).
 */

/** A success holding `value`, or a failure holding `error`. */
export type Result<A, E> = Ok<A> | Err<E>

/** The success case of {@link Result}. */
export interface Ok<A> {
  readonly _tag: "Ok"
  readonly value: A
}

/** The failure case of {@link Result}. */
export interface Err<E> {
  readonly _tag: "Err"
  readonly error: E
}

/** A success. */
export const ok = <A>(value: A): Result<A, never> => ({ _tag: "Ok", value })

/** A failure. */
export const err = <E>(error: E): Result<never, E> => ({ _tag: "Err", error })
