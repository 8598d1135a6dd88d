/**
 * Step Functions context objects (`$$`, passed whole, under `Payload` or under `_datadog`) and the ids Datadog
 * derives from them with SHA-256, so the Lambda span joins the trace the Datadog backend builds for the state
 * machine. Pure and Effect-free.
 */
import type { ContextFields } from "../contextFields.js"
import type { ExtractorName } from "../extractorName.js"
import * as Ids from "../ids.js"
import { isRecord } from "../propagation/carrier.js"
import * as DatadogHeaders from "../propagation/datadogHeaders.js"

/** Bounds on the strings that are hashed or parsed: longer values are not a context object. */
export const limits = {
  /** Longest execution id, state name or entered time accepted (execution ARNs are at most ~2 KiB). */
  maxFieldLength: 4096
} as const

/**
 * How the trace id of a context is obtained.
 *
 * - `nested`: `serverless-version` `v1` with a `RootExecutionId` (the root state machine's execution).
 * - `lambda-root`: `serverless-version` `v1` with propagated `x-datadog-trace-id` / `x-datadog-tags`.
 * - `legacy-lambda-root`: no `v1`, but `Execution.Input._datadog` carries `x-datadog-trace-id` / `x-datadog-tags`.
 * - `legacy`: no `v1`; the trace is the execution's own.
 */
export type Kind = "nested" | "lambda-root" | "legacy-lambda-root" | "legacy"

/** The fields of a recognised context object that the ids depend on. */
export interface StepFunctionsContext {
  readonly kind: Kind
  readonly executionId: string
  readonly stateName: string
  readonly stateEnteredTime: string
  readonly retryCount: string
  readonly redriveCount: string
  /** Set for `nested`. */
  readonly rootExecutionId?: string | undefined
  /** Set for the two Lambda-root kinds: the propagated `x-datadog-trace-id`. */
  readonly propagatedTraceId?: string | undefined
  /** Set for the two Lambda-root kinds: the raw `x-datadog-tags`. */
  readonly propagatedTags?: string | undefined
}

const boundedString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length <= limits.maxFieldLength ? value : undefined

const countString = (value: unknown): string => {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === "string" && /^[0-9]{1,10}$/.test(value)) return value
  return "0"
}

/**
 * `true` when `value` has `Execution.Id`, `State.EnteredTime` and `State.Name` strings: a Step Functions context
 * object. Cheap: no decoding beyond these property reads.
 */
export const isContextObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (!isRecord(value)) return false
  const execution = value["Execution"]
  const state = value["State"]
  return isRecord(execution) && typeof execution["Id"] === "string" &&
    isRecord(state) && typeof state["EnteredTime"] === "string" && typeof state["Name"] === "string"
}

/**
 * Finds the context object: `value.Payload` when it holds `_datadog` or a context object (legacy Lambda task
 * API), then `._datadog` when it is an object (JSONata / `v1`). Returns `undefined` when none is a context object.
 */
export const unwrap = (value: unknown): Readonly<Record<string, unknown>> | undefined => {
  if (!isRecord(value)) return undefined
  let candidate: Readonly<Record<string, unknown>> = value
  const payload = candidate["Payload"]
  if (isRecord(payload) && (isRecord(payload["_datadog"]) || isContextObject(payload))) candidate = payload
  const datadog = candidate["_datadog"]
  if (isRecord(datadog)) candidate = datadog
  return isContextObject(candidate) ? candidate : undefined
}

const propagatedHeaders = (
  record: unknown
): { readonly traceId: string; readonly tags: string } | undefined => {
  if (!isRecord(record)) return undefined
  const traceId = boundedString(record[DatadogHeaders.headers.traceId])
  const tags = boundedString(record[DatadogHeaders.headers.tags])
  return traceId !== undefined && tags !== undefined ? { traceId, tags } : undefined
}

/**
 * Parses a Step Functions context object (direct, `Payload`-wrapped or under `_datadog`). Returns `undefined` when
 * `value` is not one, when a field is too long, or for a `v1` object with neither `RootExecutionId` nor propagated
 * Datadog headers (as the reference does). `RootExecutionId` wins over propagated headers when both are present.
 */
export const parse = (value: unknown): StepFunctionsContext | undefined => {
  const context = unwrap(value)
  if (context === undefined) return undefined
  const execution = context["Execution"] as Readonly<Record<string, unknown>>
  const state = context["State"] as Readonly<Record<string, unknown>>
  const executionId = boundedString(execution["Id"])
  const stateName = boundedString(state["Name"])
  const stateEnteredTime = boundedString(state["EnteredTime"])
  if (executionId === undefined || stateName === undefined || stateEnteredTime === undefined) return undefined
  const base = {
    executionId,
    stateName,
    stateEnteredTime,
    retryCount: countString(state["RetryCount"]),
    redriveCount: countString(execution["RedriveCount"])
  }
  if (context["serverless-version"] === "v1") {
    const rootExecutionId = boundedString(context["RootExecutionId"])
    if (rootExecutionId !== undefined) return { kind: "nested", ...base, rootExecutionId }
    const propagated = propagatedHeaders(context)
    return propagated === undefined ? undefined : {
      kind: "lambda-root",
      ...base,
      propagatedTraceId: propagated.traceId,
      propagatedTags: propagated.tags
    }
  }
  const input = execution["Input"]
  const propagated = isRecord(input) ? propagatedHeaders(input["_datadog"]) : undefined
  return propagated === undefined ? { kind: "legacy", ...base } : {
    kind: "legacy-lambda-root",
    ...base,
    propagatedTraceId: propagated.traceId,
    propagatedTags: propagated.tags
  }
}

const TOP_BIT_CLEAR = (1n << 63n) - 1n

const hash63 = (value: string, offset: 0 | 8): bigint => {
  // Node's module is loaded on first use, not at import, to keep it off every cold start.
  const digest = process.getBuiltinModule("node:crypto").createHash("sha256").update(value, "utf8").digest()
  const id = digest.readBigUInt64BE(offset) & TOP_BIT_CLEAR
  return id === 0n ? 1n : id
}

/**
 * Datadog's deterministic trace id (low 64 bits) for a string: SHA-256 bytes 8..15, big-endian, top bit cleared,
 * `0` replaced by `1`; decimal.
 */
export const hashTraceId = (value: string): string => hash63(value, 8).toString(10)

/**
 * Datadog's deterministic span id for a string: SHA-256 bytes 0..7, big-endian, top bit cleared, `0` replaced by
 * `1`; decimal.
 */
export const hashSpanId = (value: string): string => hash63(value, 0).toString(10)

/** Datadog's deterministic `_dd.p.tid` for a string: the same 63 bits as {@link hashSpanId}, as 16 lower-case hex. */
export const hashTid = (value: string): string => hash63(value, 0).toString(16).padStart(16, "0")

/**
 * The string hashed into the parent id: `"{executionId}#{stateName}#{stateEnteredTime}"`, followed by
 * `"#{retryCount}#{redriveCount}"` only when either count is non-zero.
 */
export const parentIdInput = (context: StepFunctionsContext): string => {
  const base = `${context.executionId}#${context.stateName}#${context.stateEnteredTime}`
  return context.retryCount !== "0" || context.redriveCount !== "0"
    ? `${base}#${context.retryCount}#${context.redriveCount}`
    : base
}

const traceIds = (
  context: StepFunctionsContext
): { readonly traceId: string; readonly tid: string | undefined } | undefined => {
  switch (context.kind) {
    case "nested": {
      const root = context.rootExecutionId ?? context.executionId
      return { traceId: hashTraceId(root), tid: hashTid(root) }
    }
    case "legacy":
      return { traceId: hashTraceId(context.executionId), tid: hashTid(context.executionId) }
    default: {
      // The reference reads the propagated tid with a decimal parser and mangles it; the hex is carried unchanged.
      const traceId = Ids.parseDecimalU64(context.propagatedTraceId ?? "")
      if (traceId === undefined) return undefined
      const tid = DatadogHeaders.parseTags(context.propagatedTags)?.["_dd.p.tid"]
      return { traceId, tid: tid !== undefined && tid !== "0000000000000000" ? tid : undefined }
    }
  }
}

/**
 * The Datadog context of a parsed Step Functions context object: sampling priority `1` (AUTO_KEEP), `_dd.p.tid`
 * both as `traceIdHigh` and in `tags`. `undefined` when a Lambda-root kind propagates an invalid trace id.
 */
export const toContextFields = (context: StepFunctionsContext, source: ExtractorName): ContextFields | undefined => {
  const ids = traceIds(context)
  if (ids === undefined) return undefined
  return {
    traceId: ids.traceId,
    parentId: hashSpanId(parentIdInput(context)),
    source,
    traceIdHigh: ids.tid,
    samplingPriority: 1,
    tags: ids.tid === undefined ? {} : { "_dd.p.tid": ids.tid }
  }
}

/**
 * Recognises a Step Functions context object (directly, `Payload`-wrapped, under `_datadog` including JSONata /
 * `v1`, nested root executions, Lambda roots with propagated headers, legacy `Execution.Input._datadog`) and returns
 * its deterministic Datadog context. Never throws, never mutates `value`.
 */
export const fromPayload = (value: unknown, source: ExtractorName): ContextFields | undefined => {
  const context = parse(value)
  return context === undefined ? undefined : toContextFields(context, source)
}
