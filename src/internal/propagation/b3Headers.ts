/**
 * Pure parsing of B3 headers (multi-header `x-b3-*` and the single `b3` header) with dd-trace 5's rules.
 *
 * A header with only a sampling decision (`x-b3-sampled: 1`, `b3: 0`) is a context without ids: dd-trace makes
 * one with a random trace id and no span id, which wins over later styles but cannot be a parent.
 */
import * as Ids from "../ids.js"
import type { Carrier } from "./carrier.js"

/** Header names. */
export const headers = {
  traceId: "x-b3-traceid",
  spanId: "x-b3-spanid",
  sampled: "x-b3-sampled",
  flags: "x-b3-flags",
  single: "b3"
} as const

const TRACE_ID = /^([0-9a-f]{16}){1,2}$/i
const SPAN_ID = /^[0-9a-f]{16}$/i
const SINGLE = /^(([0-9a-f]{16}){1,2}-[0-9a-f]{16}(-[01d](-[0-9a-f]{16})?)?|[01d])$/i

/** A B3 context as dd-trace reads it. */
export interface Parsed {
  /** The trace id in lower-case hex (16 or 32 characters); `undefined` for a sampling-only header. */
  readonly traceIdHex: string | undefined
  /** The low 64 bits in decimal; `undefined` when zero or absent (the context is unusable). */
  readonly traceId: string | undefined
  /** The upper 64 bits of a 32-hex trace id, when not zero. */
  readonly traceIdHigh: string | undefined
  /** The span id in decimal; `undefined` when zero or absent. */
  readonly parentId: string | undefined
  /** 2 for debug, 1/0 from `sampled`. */
  readonly samplingPriority: number | undefined
}

interface Fields {
  traceId?: string
  spanId?: string
  sampled?: string
  flags?: string
}

const toParsed = (fields: Fields): Parsed | undefined => {
  const debug = fields.flags === "1"
  const samplingPriority = debug ? 2 : fields.sampled === "1" ? 1 : fields.sampled === "0" ? 0 : undefined
  const { spanId, traceId } = fields
  if (!traceId || !spanId || Ids.isAllZeros(traceId)) {
    return samplingPriority === undefined ? undefined : {
      traceIdHex: undefined,
      traceId: undefined,
      traceIdHigh: undefined,
      parentId: undefined,
      samplingPriority
    }
  }
  const traceIdHex = traceId.toLowerCase()
  const low = traceIdHex.slice(-16)
  const high = traceIdHex.length === 32 ? traceIdHex.slice(0, 16) : Ids.ZERO_HEX16
  return {
    traceIdHex,
    traceId: low === Ids.ZERO_HEX16 ? undefined : Ids.hexToDecimal(low),
    traceIdHigh: high === Ids.ZERO_HEX16 ? undefined : high,
    parentId: Ids.isAllZeros(spanId) ? undefined : Ids.hexToDecimal(spanId.toLowerCase()),
    samplingPriority
  }
}

/** Reads the `x-b3-*` headers; `undefined` when there is no B3 context. */
export const parseMulti = (carrier: Carrier): Parsed | undefined => {
  const traceId = carrier[headers.traceId]
  const sampled = carrier[headers.sampled]
  const flags = carrier[headers.flags]
  if (traceId === undefined && sampled === undefined && flags === undefined) return undefined
  const spanId = carrier[headers.spanId]
  const fields: Fields = {}
  if (traceId && spanId && TRACE_ID.test(traceId) && SPAN_ID.test(spanId)) {
    fields.traceId = traceId
    fields.spanId = spanId
  }
  if (sampled) fields.sampled = sampled
  if (flags) fields.flags = flags
  return fields.traceId === undefined && fields.sampled === undefined && fields.flags === undefined
    ? undefined
    : toParsed(fields)
}

/**
 * Reads the single `b3` header (`{trace}-{span}[-{sampled}[-{parent}]]` or just `0`, `1`, `d`); `undefined` when
 * there is no B3 context.
 */
export const parseSingle = (carrier: Carrier): Parsed | undefined => {
  const header = carrier[headers.single]
  if (!header || !SINGLE.test(header)) return undefined
  const traceIdEnd = header.indexOf("-")
  if (traceIdEnd === -1) return toParsed(header === "d" ? { sampled: "1", flags: "1" } : { sampled: header })
  const spanIdEnd = traceIdEnd + 17
  const fields: Fields = { traceId: header.slice(0, traceIdEnd), spanId: header.slice(traceIdEnd + 1, spanIdEnd) }
  if (header.length > spanIdEnd) {
    const sampled = header[spanIdEnd + 1]
    fields.sampled = sampled === "0" ? "0" : "1"
    if (sampled === "d") fields.flags = "1"
  }
  return toParsed(fields)
}
