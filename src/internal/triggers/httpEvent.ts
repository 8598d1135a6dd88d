/**
 * Pure reading of HTTP-shaped Lambda events: API Gateway REST (v1), HTTP API (v2), WebSocket, ALB (single and
 * multi-value headers) and Function URLs, including the context a Datadog-traced Lambda authorizer leaves in
 * `requestContext.authorizer`.
 */
import * as Encoded from "../encoded.js"
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "./decoders.js"

/** Bounds on the authorizer context. */
export const limits = {
  /** Longest base64 `_datadog` authorizer value decoded (the real one is a few hundred characters). */
  maxAuthorizerLength: 16 * 1024
} as const

/** The payload key the traced authorizer writes with the id of the request it authorised. */
export const AUTHORIZING_REQUEST_ID = "x-datadog-authorizing-requestid"

/**
 * The header map of an HTTP event: `headers`, else `multiValueHeaders` (ALB multi-value mode), when it is an
 * object. Keys are lower-cased and multi-value arrays reduced to their first value later, by the propagator.
 */
export const headers = (event: unknown): Readonly<Record<string, unknown>> | undefined => {
  if (!isRecord(event)) return undefined
  const found = event["headers"] ?? event["multiValueHeaders"]
  return isRecord(found) ? found : undefined
}

/**
 * `true` for an API Gateway WebSocket event (`requestContext.messageDirection` is set). WebSocket `MESSAGE`
 * events carry no headers.
 */
export const isWebSocket = (event: unknown): boolean =>
  isRecord(event) && isRecord(event["requestContext"]) && event["requestContext"]["messageDirection"] !== undefined

/** `true` when `requestContext.authorizer` is an object: the cheap guard before decoding the authorizer slice. */
export const hasAuthorizer = (event: unknown): boolean =>
  isRecord(event) && isRecord(event["requestContext"]) && isRecord(event["requestContext"]["authorizer"])

/**
 * What the authorizer context of an event holds:
 *
 * - `Absent`: no `_datadog` value (or authorizer decoding is off).
 * - `Malformed`: a `_datadog` value that is not base64 JSON of an object, or is too long.
 * - `Stale`: a decoded payload that fails the freshness rule (a cached authorizer result from another request).
 * - `Fresh`: a payload to run through the propagator.
 */
export type AuthorizerContext =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Malformed"; readonly detail: string }
  | { readonly _tag: "Stale" }
  | { readonly _tag: "Fresh"; readonly carrier: Readonly<Record<string, unknown>> }

const ABSENT: AuthorizerContext = { _tag: "Absent" }
const STALE: AuthorizerContext = { _tag: "Stale" }

/**
 * Reads the authorizer context: `requestContext.authorizer._datadog` (REST v1, WebSocket), or
 * `requestContext.authorizer.lambda._datadog` for HTTP API v2 (`version` `"2.0"`), base64 JSON. It is fresh only if
 * `authorizer.integrationLatency > 0` (the authorizer ran for this request) or `requestContext.requestId` equals
 * the payload's `x-datadog-authorizing-requestid`; otherwise it came from API Gateway's authorizer cache and
 * belongs to another request's trace.
 */
export const authorizerContext = (event: unknown, decoders: Decoders): AuthorizerContext => {
  if (!hasAuthorizer(event)) return ABSENT
  const decoded = decoders.authorizedEvent(event)
  if (decoded === undefined) return ABSENT
  const { requestContext, version } = decoded
  const authorizer = requestContext.authorizer
  const raw = version === "2.0"
    ? isRecord(authorizer.lambda) ? authorizer.lambda["_datadog"] : undefined
    : authorizer._datadog
  if (raw === undefined || raw === null || raw === "") return ABSENT
  if (typeof raw !== "string") return { _tag: "Malformed", detail: "the authorizer _datadog value is not a string" }
  if (raw.length > limits.maxAuthorizerLength) {
    return { _tag: "Malformed", detail: `the authorizer _datadog value is longer than ${limits.maxAuthorizerLength}` }
  }
  const carrier = Encoded.decodeBase64JsonObject(raw, limits.maxAuthorizerLength)
  if (carrier === undefined) {
    return { _tag: "Malformed", detail: "the authorizer _datadog value is not base64 JSON of an object" }
  }
  const latency = authorizer.integrationLatency
  const authorizingRequestId = carrier[AUTHORIZING_REQUEST_ID]
  const fresh = (typeof latency === "number" && latency > 0) ||
    (typeof requestContext.requestId === "string" && requestContext.requestId === authorizingRequestId)
  return fresh ? { _tag: "Fresh", carrier } : STALE
}
