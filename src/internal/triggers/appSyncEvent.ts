/**
 * Pure reading of AWS AppSync direct Lambda resolver events.
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { lazyParser } from "../lazyParser.js"
import { isRecord } from "../propagation/carrier.js"

/**
 * `true` when the event looks like an AppSync resolver event (`info.selectionSetGraphQL` is set), as
 * datadog-lambda-js detects it.
 */
export const isAppSyncEvent = (event: unknown): boolean =>
  isRecord(event) && isRecord(event["info"]) && event["info"]["selectionSetGraphQL"] !== undefined

/** The only part of the event read: `request.headers`, the client's HTTP request headers. */
export const RequestHeaders = Schema.Struct({
  request: Schema.Struct({
    // Not a Record: decoding would walk every key; the propagator bounds the walk instead.
    headers: Schema.Object
  })
})

const decodeRequestHeaders: (input: unknown) => Either.Either<typeof RequestHeaders.Type, ParseResult.ParseError> =
  lazyParser(() => Schema.decodeUnknownEither(RequestHeaders))

/**
 * The request headers of an AppSync resolver event; `undefined` when `request.headers` is not an object. The
 * returned map is the event's own object (never copied onto the event, unlike datadog-lambda-js).
 */
export const requestHeaders = (event: unknown): Readonly<Record<string, unknown>> | undefined => {
  const decoded = decodeRequestHeaders(event)
  return Either.isRight(decoded) && isRecord(decoded.right.request.headers) ? decoded.right.request.headers : undefined
}
