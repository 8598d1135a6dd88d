/**
 * The payload of a `_datadog_{N}` checkpoint: Datadog-style headers (`x-datadog-*`) as compact JSON, in
 * dd-trace's key order (trace id, parent id, sampling priority, origin, tags). This is what dd-trace-js and
 * dd-trace-py write and what every Datadog reader parses.
 *
 * Pure, Effect-free functions only: the writer's decisions (diff, anchor) are built from these.
 */
import type { ContextFields } from "../contextFields.js"
import * as Encoded from "../encoded.js"
import * as Ids from "../ids.js"
import { isRecord } from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"

/** Datadog-style headers, all values strings. */
export type Headers = Readonly<Record<string, string>>

/** A decoded prior payload: a JSON object whose values may be anything (it was written by someone else). */
export type Decoded = Readonly<Record<string, unknown>>

/** Longest payload text parsed. A real payload is a few hundred bytes (tags are capped at 512 characters). */
export const MAX_PAYLOAD_LENGTH = 64 * 1024

const PARENT_ID = DatadogHeaders.headers.parentId

/** The headers of a context, in dd-trace's order. */
export const fromContext = (context: ContextFields): Headers => DatadogHeaders.inject(context)

/** Serialises headers the way both Datadog writers do: compact JSON (no spaces), keys in insertion order. */
export const encode = (headers: Headers): string => JSON.stringify(headers)

/**
 * Decodes a stored payload (`StepDetails.Result` or an update's `Payload`): a JSON string holding an object, or an
 * already-decoded object. `undefined` for anything else (too long, not JSON, not an object).
 */
export const decode = (raw: unknown): Decoded | undefined => {
  if (typeof raw === "string") return Encoded.parseJsonObject(raw, MAX_PAYLOAD_LENGTH)
  return isRecord(raw) ? raw : undefined
}

const isParentKey = (key: string): boolean => key.length === PARENT_ID.length && key.toLowerCase() === PARENT_ID

/**
 * The parent id a payload carries, canonicalised, when it is a valid non-zero unsigned 64-bit decimal string.
 * The key is matched case-insensitively (as readers lower-case header names).
 */
export const parentId = (payload: Decoded): string | undefined => {
  for (const key in payload) {
    if (!isParentKey(key)) continue
    const value = payload[key]
    return typeof value === "string" ? Ids.parseDecimalU64(value) : undefined
  }
  return undefined
}

/**
 * `true` when two payloads are equal once `x-datadog-parent-id` is removed from both: same keys, same values
 * (compared with `===`, so a number never equals its string). The parent id always differs between invocations
 * (it is the span that was current when the payload was made), so it never counts as a change.
 */
export const equalIgnoringParent = (self: Decoded, that: Decoded): boolean => {
  let count = 0
  for (const key in self) {
    if (isParentKey(key)) continue
    if (!Object.prototype.hasOwnProperty.call(that, key) || self[key] !== that[key]) return false
    count++
  }
  for (const key in that) {
    if (!isParentKey(key)) count--
  }
  return count === 0
}

/**
 * The same headers with `x-datadog-parent-id` replaced (keeping its position, so the key order stays dd-trace's).
 * Headers without a parent id are returned unchanged.
 */
export const withParentId = (headers: Headers, id: string): Headers => {
  if (!Object.prototype.hasOwnProperty.call(headers, PARENT_ID)) return headers
  const out: Record<string, string> = {}
  for (const key in headers) out[key] = key === PARENT_ID ? id : headers[key]
  return out
}
