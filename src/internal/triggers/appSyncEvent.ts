/**
 * Pure reading of AWS AppSync direct Lambda resolver events.
 */
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "./decoders.js"

/**
 * `true` when the event looks like an AppSync resolver event (`info.selectionSetGraphQL` is set), as
 * datadog-lambda-js detects it.
 */
export const isAppSyncEvent = (event: unknown): boolean =>
  isRecord(event) && isRecord(event["info"]) && event["info"]["selectionSetGraphQL"] !== undefined

/**
 * The request headers of an AppSync resolver event; `undefined` when `request.headers` is not an object. The
 * returned map is the event's own object (never copied onto the event, unlike datadog-lambda-js).
 */
export const requestHeaders = (event: unknown, decoders: Decoders): Readonly<Record<string, unknown>> | undefined => {
  const headers = decoders.appSyncRequest(event)?.request.headers
  return isRecord(headers) ? headers : undefined
}
