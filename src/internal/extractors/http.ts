/**
 * API Gateway (REST v1, HTTP v2, WebSocket), ALB and Function URL headers, with the Lambda-authorizer context. A
 * Datadog-traced authorizer's context wins when fresh; unlike datadog-lambda-js, the request headers are still tried
 * when it yields nothing. WebSocket `MESSAGE` events carry the `$connect` authorizer's context, which the freshness
 * rule rejects (it belongs to the connection's trace). `DD_DECODE_AUTHORIZER_CONTEXT=false` turns authorizer
 * decoding off.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../../domain/Errors.js"
import { HttpExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as HttpEvent from "../triggers/httpEvent.js"
import * as Builtin from "./builtin.js"

/** Options of the extractor. */
export interface Options {
  /** Read the Lambda-authorizer context (`DD_DECODE_AUTHORIZER_CONTEXT`, default `true`). */
  readonly decodeAuthorizerContext?: boolean | undefined
}

/** The cheap guard: a `headers`/`multiValueHeaders` object, or a WebSocket event with an authorizer. */
export const accepts = (event: unknown): boolean =>
  HttpEvent.headers(event) !== undefined || (HttpEvent.isWebSocket(event) && HttpEvent.hasAuthorizer(event))

const NOTE_NO_HEADERS = "no headers object"

/** Builds the extractor over a propagator. */
export const makeWith = (propagator: Propagator["Type"], options: Options = {}): TraceExtractor.TraceExtractor => {
  const decodeAuthorizer = options.decodeAuthorizerContext ?? true

  const fromHeaders = (
    event: unknown,
    notes: ReadonlyArray<string>
  ): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    const headers = HttpEvent.headers(event)
    if (headers === undefined) return Effect.succeed(TraceExtractor.noneWith(...notes, NOTE_NO_HEADERS))
    return Completed.map(propagator.extract(headers, "http"), (context) =>
      Option.isSome(context)
        ? TraceExtractor.found(context.value, { notes: [...notes, "from the request headers"] })
        : TraceExtractor.noneWith(...notes, "no trace context in the request headers"))
  }

  const extract = (event: unknown): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    if (!decodeAuthorizer) return fromHeaders(event, [])
    const authorizer = HttpEvent.authorizerContext(event)
    switch (authorizer._tag) {
      case "Absent":
        return fromHeaders(event, [])
      case "Malformed":
        return fromHeaders(event, [`authorizer context ignored: ${authorizer.detail}`])
      case "Stale":
        return fromHeaders(event, ["authorizer context ignored: cached for another request"])
      case "Fresh":
        return Completed.flatMap(propagator.extract(authorizer.carrier, "http"), (context) =>
          Option.isSome(context)
            ? Effect.succeed(TraceExtractor.found(context.value, { notes: ["from the Lambda authorizer context"] }))
            : fromHeaders(event, ["authorizer context holds no trace context"]))
    }
  }

  return Builtin.makeTrigger({ name: "http", extract, accepts })
}

/**
 * Builds the extractor, reading `DD_DECODE_AUTHORIZER_CONTEXT` (default `true`; an unreadable value keeps the
 * default).
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.flatMap(
  Config.boolean("DD_DECODE_AUTHORIZER_CONTEXT").pipe(Config.withDefault(true), Effect.orElseSucceed(() => true)),
  (decodeAuthorizerContext) => Effect.map(Propagator, (propagator) => makeWith(propagator, { decodeAuthorizerContext }))
)

export const layer: Layer.Layer<HttpExtractor, never, Propagator> = Layer.effect(HttpExtractor, make)
