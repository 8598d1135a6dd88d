/**
 * What a custom extractor returned, read into an extraction result.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../domain/Errors.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"
import * as TraceExtractor from "../services/TraceExtractor.js"
import * as Ids from "./ids.js"
import { isRecord } from "./propagation/carrier.js"

/** The custom extractor's typed failure. */
export const fail = (reason: ExtractionError["reason"], detail: string, cause?: unknown) =>
  new ExtractionError({ extractor: "custom", reason, detail, ...(cause === undefined ? {} : { cause }) })

const idOf = (value: unknown): string | undefined => {
  if (typeof value === "string") return Ids.parseDecimalU64(value)
  if (typeof value === "number") return Number.isSafeInteger(value) ? Ids.parseDecimalU64(String(value)) : undefined
  if (typeof value === "bigint") return Ids.parseDecimalU64(value.toString())
  return undefined
}

const fromContextLike = (value: Readonly<Record<string, unknown>>) => {
  const traceId = idOf(value.traceId)
  const parentId = idOf(value.parentId)
  if (traceId === undefined || parentId === undefined) {
    return Effect.fail(fail("IncompleteContext", "traceId and parentId must be non-zero unsigned 64-bit decimals"))
  }
  const priority = value.samplingPriority ?? value.sampleMode
  const lower = typeof value.traceIdHigh === "string" ? value.traceIdHigh.toLowerCase() : undefined
  // An all-zero high half means a 64-bit trace: neither the field nor the `_dd.p.tid` tag.
  const high = lower !== undefined && Ids.isHex16(lower) && lower !== "0000000000000000" ? lower : undefined
  return Effect.succeed(TraceExtractor.found(TraceContext.make({
    traceId,
    parentId,
    source: "custom",
    samplingPriority: Number.isInteger(priority) ? priority as number : undefined,
    traceIdHigh: high,
    origin: typeof value.origin === "string" ? value.origin : undefined,
    tags: high === undefined ? undefined : { "_dd.p.tid": high }
  })))
}

/**
 * Interprets what a custom extractor returned: a context, a context-like object (checked), a header map (through
 * the propagator) or nothing.
 */
export const interpret = (
  result: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> =>
  Effect.suspend((): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure, Propagator> => {
    if (result === null || result === undefined) return Effect.succeed(TraceExtractor.none)
    if (result instanceof TraceContext.TraceContext) return Effect.succeed(TraceExtractor.found(result))
    if (Option.isOption(result)) {
      return Effect.succeed(
        Option.isSome(result) && result.value instanceof TraceContext.TraceContext
          ? TraceExtractor.found(result.value)
          : TraceExtractor.none
      )
    }
    if (!isRecord(result)) return Effect.fail(fail("MalformedCarrier", `expected an object, got ${typeof result}`))
    if ("traceId" in result || "parentId" in result) return fromContextLike(result)
    return Effect.flatMap(Propagator, (propagator) => propagator.extract(result, "custom")).pipe(
      Effect.map(TraceExtractor.fromOption)
    )
  })
