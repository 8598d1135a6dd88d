/**
 * Bounded decoding of the encoded carriers found in events: JSON strings and base64 (UTF-8) payloads.
 */
import { isRecord } from "./propagation/carrier.js"

const MAX_JSON_LENGTH = 1024 * 1024

/** Default bounds: event bodies and record payloads larger than this are not parsed for a carrier. */
export const limits = {
  /** Longest JSON text parsed (SQS/SNS bodies are at most 256 KiB; EventBridge 256 KiB; Kinesis records 1 MiB). */
  maxJsonLength: MAX_JSON_LENGTH,
  /** Longest base64 text decoded: the padded base64 length of `maxJsonLength` bytes. */
  maxBase64Length: 4 * Math.ceil(MAX_JSON_LENGTH / 3)
} as const

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/** Parses JSON text; `undefined` when it is not a string, too long, or not valid JSON. */
export const parseJson = (text: unknown, maxLength: number = limits.maxJsonLength): unknown => {
  if (typeof text !== "string" || text.length === 0 || text.length > maxLength) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Parses JSON text that must hold an object; `undefined` otherwise. */
export const parseJsonObject = (
  text: unknown,
  maxLength: number = limits.maxJsonLength
): Readonly<Record<string, unknown>> | undefined => {
  const value = parseJson(text, maxLength)
  return isRecord(value) ? value : undefined
}

/**
 * Decodes base64 (standard or URL-safe alphabet) to a UTF-8 string; `undefined` when it is not a string, too long,
 * or not base64.
 */
export const decodeBase64 = (text: unknown, maxLength: number = limits.maxBase64Length): string | undefined => {
  if (typeof text !== "string" || text.length === 0 || text.length > maxLength || !BASE64.test(text)) return undefined
  return Buffer.from(text, "base64").toString("utf8")
}

/** Decodes base64 JSON that must hold an object. */
export const decodeBase64JsonObject = (
  text: unknown,
  maxLength: number = limits.maxBase64Length
): Readonly<Record<string, unknown>> | undefined => parseJsonObject(decodeBase64(text, maxLength), Infinity)
