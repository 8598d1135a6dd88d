/**
 * Pure parsing of W3C Trace Context headers (`traceparent`, `tracestate`) with dd-trace's rules.
 *
 * `traceparent` is matched case-insensitively after trimming; version `ff` is invalid (dd-trace compares it
 * case-sensitively, so `FF` is accepted), version `00` must have no trailing fields, all-zero ids are invalid.
 * The sampled flag gives priority 1 or 0. The `dd` member of `tracestate` adds `s` (the priority, only when it
 * agrees with the flag), `o` (origin, `~` → `=`), `p` (`_dd.parent_id`), `t.dm` (`_dd.p.dm`) and `t.*`
 * (`_dd.p.*`); `t.tid` never overrides the upper half of the `traceparent` trace id. Effect-free.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"
import type { Carrier } from "./carrier.js"

/** Header names. */
export const headers = {
  traceparent: "traceparent",
  tracestate: "tracestate"
} as const

const TRACEPARENT = /^([a-f0-9]{2})-([a-f0-9]{32})-([a-f0-9]{16})-([a-f0-9]{2})(-.*)?$/i
const KEY_WHITESPACE = /[ \t]/
// W3C §3.3.1: at most 32 list members, values up to 256 characters (dd-trace's `TraceState`).
const MAX_MEMBERS = 32
const MAX_MEMBER_VALUE_LENGTH = 256

/** A valid `traceparent`, ids lower-cased. */
export interface Traceparent {
  readonly version: string
  /** 32 lower-case hex characters, never all zeros. */
  readonly traceId: string
  /** 16 lower-case hex characters, never all zeros. */
  readonly spanId: string
  readonly sampled: boolean
}

/** Parses a `traceparent` value; `undefined` when dd-trace would reject it. */
export const parseTraceparent = (value: string | undefined): Traceparent | undefined => {
  if (!value) return undefined
  const match = TRACEPARENT.exec(value.trim())
  if (match === null) return undefined
  const [, version, traceId, spanId, flags, tail] = match
  if (Ids.isAllZeros(traceId) || Ids.isAllZeros(spanId) || version === "ff" || (tail && version === "00")) {
    return undefined
  }
  return {
    version,
    traceId: traceId.toLowerCase(),
    spanId: spanId.toLowerCase(),
    sampled: (Number.parseInt(flags, 16) & 1) === 1
  }
}

// One `key<pair>value` entry of a list, trimmed as dd-trace's `TraceState` does; `undefined` when it skips it.
const entryKey = (segment: string, separator: number): string | undefined => {
  const key = segment.slice(0, separator).trim()
  return key.length === 0 || KEY_WHITESPACE.test(key) ? undefined : key
}

/**
 * The value of the first valid `dd` list member of a `tracestate` header (only the first 32 members are read;
 * members with an empty, tabbed or over-long value are skipped), as dd-trace's `TraceState` picks it.
 */
export const ddMember = (tracestate: string | undefined): string | undefined => {
  if (!tracestate) return undefined
  for (const segment of tracestate.split(",", MAX_MEMBERS)) {
    const separator = segment.indexOf("=")
    if (separator === -1 || entryKey(segment, separator) !== "dd") continue
    const value = segment.slice(separator + 1).trimEnd()
    if (value.length > 0 && value.length <= MAX_MEMBER_VALUE_LENGTH && !value.includes("\t")) return value
  }
  return undefined
}

/** What the `dd` member of `tracestate` contributes. */
export interface DdState {
  /** The priority after the `s` rule (the flag's 1/0 unless `s` agrees with it). */
  readonly samplingPriority: number
  readonly origin: string | undefined
  /** `_dd.parent_id` (from `p`), `_dd.p.dm` (from `t.dm`) and the other `_dd.p.*` tags (from `t.*`). */
  readonly tags: Record<string, string>
}

/** Applies a `dd` member to a sampled flag, with dd-trace's rules; for repeated keys the first wins. */
export const parseDdMember = (
  member: string | undefined,
  sampled: boolean,
  tags: Record<string, string> = {}
): DdState => {
  let samplingPriority = sampled ? 1 : 0
  let origin: string | undefined
  if (member === undefined) return { samplingPriority, origin, tags }
  const seen = new Set<string>()
  for (const segment of member.split(";")) {
    const separator = segment.indexOf(":")
    if (separator === -1) continue
    const key = entryKey(segment, separator)
    if (key === undefined || seen.has(key)) continue
    const value = segment.slice(separator + 1).trimEnd()
    if (value.length === 0) continue
    seen.add(key)
    switch (key) {
      case "p":
        tags["_dd.parent_id"] = value
        break
      case "s": {
        const priority = Number.parseInt(value, 10)
        if (Number.isInteger(priority) && (sampled ? priority > 0 : priority < 0)) samplingPriority = priority
        break
      }
      case "o":
        origin = value.replaceAll("~", "=")
        break
      case "t.dm": {
        const mechanism = Math.abs(Number.parseInt(value, 10))
        if (Number.isInteger(mechanism)) tags["_dd.p.dm"] = `-${mechanism}`
        break
      }
      default:
        if (key.startsWith("t.") && key !== "t.tid") tags[`_dd.p.${key.slice(2)}`] = value.replaceAll("~", "=")
    }
  }
  return { samplingPriority, origin, tags }
}

/** A W3C context as dd-trace reads it. */
export interface Parsed {
  /** The full trace id, 32 lower-case hex characters. */
  readonly traceIdHex: string
  /** The low 64 bits in decimal; `undefined` when they are zero (dd-trace accepts that, the id is unusable). */
  readonly traceId: string | undefined
  /** The upper 64 bits when not zero (also in `tags` as `_dd.p.tid`). */
  readonly traceIdHigh: string | undefined
  readonly parentId: string
  /** `Number.parseInt` semantics: may exceed the safe-integer range when `s` does. */
  readonly samplingPriority: number
  readonly origin: string | undefined
  readonly tags: Record<string, string>
}

/** Reads `traceparent` and `tracestate` from a normalised carrier; `undefined` without a valid `traceparent`. */
export const parse = (carrier: Carrier): Parsed | undefined => {
  const traceparent = parseTraceparent(carrier[headers.traceparent])
  if (traceparent === undefined) return undefined
  const high = traceparent.traceId.slice(0, 16)
  const low = traceparent.traceId.slice(16)
  const traceIdHigh = high === Ids.ZERO_HEX16 ? undefined : high
  const tags: Record<string, string> = traceIdHigh === undefined ? {} : { "_dd.p.tid": traceIdHigh }
  const dd = parseDdMember(ddMember(carrier[headers.tracestate]), traceparent.sampled, tags)
  return {
    traceIdHex: traceparent.traceId,
    traceId: low === Ids.ZERO_HEX16 ? undefined : Ids.hexToDecimal(low),
    traceIdHigh,
    parentId: Ids.hexToDecimal(traceparent.spanId),
    samplingPriority: dd.samplingPriority,
    origin: dd.origin,
    tags: dd.tags
  }
}

/** Extracts a complete context from the W3C headers of a normalised carrier. */
export const extract = (carrier: Carrier, source: ExtractorName): ContextFields | undefined => {
  const parsed = parse(carrier)
  if (parsed === undefined || parsed.traceId === undefined) return undefined
  return {
    traceId: parsed.traceId,
    traceIdHigh: parsed.traceIdHigh,
    parentId: parsed.parentId,
    samplingPriority: Number.isSafeInteger(parsed.samplingPriority) ? parsed.samplingPriority : undefined,
    origin: parsed.origin,
    tags: parsed.tags,
    source
  }
}
