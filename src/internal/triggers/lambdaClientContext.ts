/**
 * Pure reading of the Lambda client context (`context.clientContext.custom`), where dd-trace's Lambda `invoke`
 * instrumentation puts the caller's trace headers on synchronous (`RequestResponse`) invocations.
 */
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "./decoders.js"

/** `true` when the Lambda context has a `clientContext` object: the cheap guard. */
export const hasClientContext = (lambdaContext: unknown): boolean =>
  isRecord(lambdaContext) && isRecord(lambdaContext["clientContext"])

/**
 * The carrier: the legacy `custom._datadog` object when there is one, else `custom` itself (the current format,
 * headers directly in `custom`). `undefined` when there is no `custom` object.
 */
export const carrier = (lambdaContext: unknown, decoders: Decoders): Readonly<Record<string, unknown>> | undefined => {
  if (!hasClientContext(lambdaContext)) return undefined
  const custom = decoders.clientContext(lambdaContext)?.clientContext.custom
  if (!isRecord(custom)) return undefined
  const legacy = custom["_datadog"]
  return isRecord(legacy) ? legacy : custom
}
