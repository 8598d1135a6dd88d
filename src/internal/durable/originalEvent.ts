/**
 * The original event of a durable execution's first invocation: the EXECUTION operation's `InputPayload`, parsed
 * once per invocation. The durable input extractor and the serverless view both read it; the one that needs it
 * first parses it and the other reuses that, through the invocation's shared work. Effect-free.
 */
import { type Invocation, InvocationKey } from "../invocation.js"
import { isRecord } from "../propagation/carrier.js"

/** An `InputPayload` parsed: the original event, or why there is none. */
export type Parsed =
  | { readonly _tag: "Event"; readonly event: Readonly<Record<string, unknown>> }
  | { readonly _tag: "NotObject" }
  | { readonly _tag: "NotJson" }

const NOT_OBJECT: Parsed = Object.freeze({ _tag: "NotObject" })
const NOT_JSON: Parsed = Object.freeze({ _tag: "NotJson" })

const parseText = (payload: string): Parsed => {
  let parsed: unknown
  try {
    parsed = JSON.parse(payload)
  } catch {
    return NOT_JSON
  }
  return isRecord(parsed) ? { _tag: "Event", event: parsed } : NOT_OBJECT
}

const PARSED = new InvocationKey<{ readonly payload: string; readonly parsed: Parsed }>("durable InputPayload")

/**
 * `payload` parsed, once per invocation: a second read of the same text in `invocation` gets the first one's
 * result. The caller bounds the length.
 */
export const parse = (payload: string, invocation: Invocation | undefined): Parsed => {
  if (invocation === undefined) return parseText(payload)
  const first = invocation.shared(PARSED, () => ({ payload, parsed: parseText(payload) }))
  return first.payload === payload ? first.parsed : parseText(payload)
}
