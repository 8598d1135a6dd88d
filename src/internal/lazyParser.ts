/**
 * Schema parsers built on first use.
 */
import type { ParseOptions } from "effect/SchemaAST"

/**
 * Defers building a Schema parser (`Schema.decodeUnknownEither(schema)` and the like) to its first call, so that
 * importing a module compiles nothing: import time is Lambda cold-start time.
 */
export const lazyParser = <I, O>(
  make: () => (input: I, options?: ParseOptions) => O
): (input: I, options?: ParseOptions) => O => {
  let parser: ((input: I, options?: ParseOptions) => O) | undefined
  return (input, options) => (parser ??= make())(input, options)
}
