/**
 * Pure reading of the Lambda client context (`context.clientContext.custom`), where dd-trace's Lambda `invoke`
 * instrumentation puts the caller's trace headers on synchronous (`RequestResponse`) invocations.
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { lazyParser } from "../lazyParser.js"
import { isRecord } from "../propagation/carrier.js"

/** `true` when the Lambda context has a `clientContext` object: the cheap guard. */
export const hasClientContext = (lambdaContext: unknown): boolean =>
  isRecord(lambdaContext) && isRecord(lambdaContext["clientContext"])

/**
 * The only part decoded: `clientContext.custom`, an object (its keys are not walked here; the propagator bounds
 * that).
 */
export const ClientContext = Schema.Struct({
  clientContext: Schema.Struct({
    custom: Schema.Object
  })
})

const decodeClientContext: (input: unknown) => Either.Either<typeof ClientContext.Type, ParseResult.ParseError> =
  lazyParser(() => Schema.decodeUnknownEither(ClientContext))

/**
 * The carrier: the legacy `custom._datadog` object when there is one, else `custom` itself (the current format,
 * headers directly in `custom`). `undefined` when there is no `custom` object.
 */
export const carrier = (lambdaContext: unknown): Readonly<Record<string, unknown>> | undefined => {
  if (!hasClientContext(lambdaContext)) return undefined
  const decoded = decodeClientContext(lambdaContext)
  if (Either.isLeft(decoded)) return undefined
  const custom = decoded.right.clientContext.custom
  if (!isRecord(custom)) return undefined
  const legacy = custom["_datadog"]
  return isRecord(legacy) ? legacy : custom
}
