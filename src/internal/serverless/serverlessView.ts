/**
 * The spans of one invocation as Datadog's serverless view reads them, as pure values: the invocation span with
 * the tags datadog-lambda-js 12.143 puts on it (`dist/trace/listener.js`) and the inferred spans above it, each the
 * child of the one before, the first the child of the upstream context when {@link Description.continuesUpstream}
 * holds. The wrappers build the description when an invocation starts ({@link describe}) and apply the handler's
 * response when it ends ({@link complete}). Effect-free, shared by both Effect lines: the trigger slices a line reads
 * with its own Schema come in as its `Decoders`.
 */
import * as DurableOperations from "../durable/durableOperations.js"
import * as OriginalEvent from "../durable/originalEvent.js"
import type { ExtractorName } from "../extractorName.js"
import type { Invocation as SharedWork } from "../invocation.js"
import { isRecord } from "../propagation/carrier.js"
import type { Decoders } from "../triggers/decoders.js"
import * as StepFunctionsContext from "../triggers/stepFunctionsContext.js"
import { VERSION } from "../version.js"
import type * as ColdStart from "./coldStart.js"
import * as DurableFacts from "./durableFacts.js"
import * as EventSource from "./eventSource.js"
import * as InferredSpans from "./inferredSpans.js"
import * as LambdaContext from "./lambdaContext.js"
import { type InferredSpan, setTag, type SpanDescription, type Tags } from "./spanDescription.js"

/** This library's version, written on the invocation span as `effect_datadog_lambda`. */
export { VERSION }

/** The default name of the invocation span. */
export const DEFAULT_SPAN_NAME = "aws.lambda"

/**
 * Options of {@link describe} (see {@link fromEnv} for the environment variables behind them).
 *
 * - `spanName`: the invocation span's name (default `aws.lambda`).
 * - `functionName`: `AWS_LAMBDA_FUNCTION_NAME`, used when the Lambda context has no `functionName`.
 * - `managedServices`: infer spans for managed services (`DD_TRACE_MANAGED_SERVICES`, default on).
 * - `mergeXrayTraces`: continue an X-Ray context (`DD_MERGE_XRAY_TRACES`, default off): without it, a context the
 *   X-Ray fallback found is not continued, as in datadog-lambda-js.
 * - `responseStreaming`: the handler streams its response (no response is then `200`, not `502`).
 * - `ddTraceVersion`: the dd-trace version behind the tracer, written as `dd_trace` when known.
 * - the inferred spans' options ({@link InferredSpans.Options}).
 */
export interface Options extends InferredSpans.Options {
  readonly spanName: string
  readonly functionName: string | undefined
  readonly managedServices: boolean
  readonly mergeXrayTraces: boolean
  readonly responseStreaming: boolean
  readonly ddTraceVersion: string | undefined
}

/** The defaults: what {@link fromEnv} gives for an empty environment. */
export const defaults: Options = {
  spanName: DEFAULT_SPAN_NAME,
  functionName: undefined,
  managedServices: true,
  mergeXrayTraces: false,
  responseStreaming: false,
  ddTraceVersion: undefined,
  service: undefined,
  serviceMapping: {},
  awsServiceRepresentation: true,
  removeIntegrationServiceNames: false,
  decodeAuthorizerContext: true
}

/**
 * `DD_SERVICE_MAPPING` (`from:to,from:to`), parsed as datadog-lambda-js parses it: an entry with exactly one `:`,
 * both sides non-empty after trimming and different, maps the left side to the right.
 */
export const parseServiceMapping = (text: string | undefined): Readonly<Record<string, string>> => {
  const mapping: Record<string, string> = Object.create(null)
  for (const entry of (text ?? "").split(",")) {
    const parts = entry.split(":").map((part) => part.trim())
    if (parts.length === 2 && parts[0] !== "" && parts[1] !== "" && parts[0] !== parts[1]) {
      mapping[parts[0]!] = parts[1]!
    }
  }
  return mapping
}

const isTrue = (value: string | undefined, fallback: boolean): boolean =>
  value === undefined ? fallback : value.toLowerCase() === "true"

const CONFIG_TRUE = new Set(["true", "yes", "on", "1", "y"])
const CONFIG_FALSE = new Set(["false", "no", "off", "0", "n"])

/** `DD_DECODE_AUTHORIZER_CONTEXT` is read as the HTTP extractor reads it (Effect's `Config.boolean`). */
const configBoolean = (value: string | undefined, fallback: boolean): boolean =>
  value !== undefined && CONFIG_TRUE.has(value)
    ? true
    : value !== undefined && CONFIG_FALSE.has(value)
    ? false
    : fallback

/**
 * Options from environment variables, read as datadog-lambda-js reads them: `AWS_LAMBDA_FUNCTION_NAME`,
 * `DD_SERVICE`, `DD_SERVICE_MAPPING`, `DD_TRACE_MANAGED_SERVICES` and `DD_MERGE_XRAY_TRACES` (on only for `true`,
 * any case), `DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED` (off only for `false` or `0`),
 * `DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED` (on for `true` or `1`) and `DD_DECODE_AUTHORIZER_CONTEXT`
 * (as the HTTP extractor reads it). `overrides` win.
 */
export const fromEnv = (
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<Options> = {}
): Options => {
  const representation = env["DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED"]
  const removeNames = env["DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED"]
  return {
    ...defaults,
    functionName: env["AWS_LAMBDA_FUNCTION_NAME"],
    service: env["DD_SERVICE"],
    serviceMapping: parseServiceMapping(env["DD_SERVICE_MAPPING"]),
    managedServices: isTrue(env["DD_TRACE_MANAGED_SERVICES"], true),
    mergeXrayTraces: isTrue(env["DD_MERGE_XRAY_TRACES"], false),
    awsServiceRepresentation: representation !== "false" && representation !== "0",
    removeIntegrationServiceNames: removeNames === "true" || removeNames === "1",
    decodeAuthorizerContext: configBoolean(env["DD_DECODE_AUTHORIZER_CONTEXT"], true),
    ...overrides
  }
}

/** The environment variables {@link fromEnv} reads. */
export const ENV_KEYS: ReadonlyArray<string> = [
  "AWS_LAMBDA_FUNCTION_NAME",
  "DD_SERVICE",
  "DD_SERVICE_MAPPING",
  "DD_TRACE_MANAGED_SERVICES",
  "DD_MERGE_XRAY_TRACES",
  "DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED",
  "DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED",
  "DD_DECODE_AUTHORIZER_CONTEXT"
]

/** {@link fromEnv} of the values of {@link ENV_KEYS}, in that order (`undefined`: unset), as a `Config` reads them. */
export const fromValues = (
  values: ReadonlyArray<string | undefined>,
  overrides: Partial<Options> = {}
): Options => {
  const env: Record<string, string | undefined> = {}
  for (let i = 0; i < ENV_KEYS.length; i++) env[ENV_KEYS[i]!] = values[i]
  return fromEnv(env, overrides)
}

/**
 * One invocation: the event and Lambda context as the handler receives them, the extractor that found its context
 * (`undefined` when none did, or the chain did not run), the cold-start state's verdict, and the time the invocation span starts
 * (milliseconds since the epoch).
 */
export interface Invocation {
  readonly event: unknown
  readonly context: unknown
  readonly extractor: ExtractorName | undefined
  readonly coldStart: ColdStart.Invocation
  readonly now: number
  /** The work the invocation's extractors shared: a durable input payload they parsed is not parsed again. */
  readonly shared?: SharedWork | undefined
}

/** The longest durable input {@link durableTriggerEvent} parses: Lambda's synchronous invocation payload limit. */
export const MAX_DURABLE_INPUT_LENGTH = 6 * 1024 * 1024

/**
 * The event that started a durable execution, on its first invocation: the EXECUTION operation's `InputPayload`
 * parsed (at most {@link MAX_DURABLE_INPUT_LENGTH} characters), when it is a JSON object. `undefined` for a resumed
 * invocation (its trigger was the first invocation's, whose trace the checkpoint continues), for anything that is
 * not a durable envelope, and for an input that is absent, too long or not an object. Total; never mutates.
 */
export const durableTriggerEvent = (event: unknown): Readonly<Record<string, unknown>> | undefined =>
  originalEvent(event, DurableFacts.fromEvent(event), undefined)

const originalEvent = (
  event: unknown,
  facts: DurableFacts.DurableFacts | undefined,
  shared: SharedWork | undefined
): Readonly<Record<string, unknown>> | undefined => {
  if (facts === undefined || !facts.firstInvocation) return undefined
  const envelope = DurableOperations.readEnvelope(event as DurableOperations.DurableEvent)
  if (envelope._tag === "Err") return undefined
  // The direct read accepts exactly what each line's Schema view of an operation accepts.
  const payload = DurableOperations.readFields(DurableOperations.findExecution(envelope.value.operations))
    ?.inputPayload
  if (payload === undefined || payload.length > MAX_DURABLE_INPUT_LENGTH) return undefined
  const parsed = OriginalEvent.parse(payload, shared)
  return parsed._tag === "Event" ? parsed.event : undefined
}

/**
 * What {@link describe} gives.
 *
 * - `inferred`: the inferred spans, root first (empty when managed services are off).
 * - `invocation`: the invocation span; it ends with the invocation (`endTime` `undefined`).
 * - `continuesUpstream`: whether the first span continues the extracted context (`false` without one, and for an
 *   X-Ray context unless `mergeXrayTraces`).
 * - `trigger`: the event's source, which {@link complete} needs.
 * - `durable`: the event is a durable execution's envelope ({@link complete} then writes
 *   `aws.durable.execution_status` from the SDK's output, as datadog-lambda-js does).
 */
export interface Description {
  readonly inferred: ReadonlyArray<InferredSpan>
  readonly invocation: SpanDescription
  readonly continuesUpstream: boolean
  readonly trigger: EventSource.EventSource | undefined
  readonly durable: boolean
}

/**
 * `_dd.parent_source` for the extractor that found the context: `event` for a context found in the event or the
 * Lambda context, `xray` for one the X-Ray fallback found (only when it is continued), `undefined` without one.
 */
export const parentSource = (
  source: ExtractorName | undefined,
  mergeXrayTraces: boolean
): "event" | "xray" | undefined => {
  if (source === undefined) return undefined
  if (source === "xray") return mergeXrayTraces ? "xray" : undefined
  return "event"
}

/**
 * The extractors that datadog-lambda-js tries only after the Step Functions context (or does not have): when one of
 * them found the context, or none did, the invocation span carries the Step Functions context's tags.
 */
const STEP_FUNCTIONS_OR_LATER: ReadonlySet<ExtractorName> = new Set([
  "step-functions",
  "kafka",
  "lambda-context",
  "xray"
])

const propagatedTid = (tags: string | undefined): string => {
  for (const tag of (tags ?? "").split(",")) {
    if (tag.includes("_dd.p.tid=")) return tag.split("=")[1]!
  }
  return ""
}

/**
 * The `detail._datadog` of an event datadog-lambda-js hands to its EventBridge extractor (a `detail-type`; no
 * durable ARN, `headers` or `Records`), when it is there: that extractor builds its Step Functions context from it
 * (`extractTraceContext`) instead of from the event, and the context then tags the invocation span. `undefined`
 * when the extractor does not run or finds no carrier.
 */
const eventBridgeCarrier = (event: unknown): { readonly carrier: unknown } | undefined => {
  if (!isRecord(event) || event["detail-type"] === undefined || event.Records !== undefined) return undefined
  if (typeof event.DurableExecutionArn === "string") return undefined
  if (isRecord(event.headers) || isRecord(event.multiValueHeaders)) return undefined
  const carrier = isRecord(event.detail) ? event.detail._datadog : undefined
  return carrier === undefined || carrier === null || carrier === false || carrier === "" || carrier === 0
    ? undefined
    : { carrier }
}

// dd-trace extracts a context from these before datadog-lambda-js tries the carrier as a Step Functions context.
const hasTraceHeaders = (carrier: unknown): boolean =>
  isRecord(carrier) && (carrier["x-datadog-trace-id"] !== undefined || carrier["traceparent"] !== undefined)

/**
 * The Step Functions context's tags (`execution_id`, `state_name`, ..., `serverless_version`), as datadog-lambda-js's
 * `StepFunctionContextService` writes them on the invocation span: from the event itself, or from an EventBridge
 * event's `detail._datadog` carrier (an EventBridge rule targeted by a state machine task). `source` is the extractor
 * that found the context (`undefined`: none).
 */
export const stepFunctionsTags = (event: unknown, source: ExtractorName | undefined): Tags | undefined => {
  const found = eventBridgeCarrier(event)
  let context: StepFunctionsContext.StepFunctionsContext | undefined
  if (found !== undefined) {
    if (source !== undefined && source !== "eventbridge" && !STEP_FUNCTIONS_OR_LATER.has(source)) return undefined
    if (hasTraceHeaders(found.carrier)) return undefined
    context = StepFunctionsContext.parse(found.carrier)
  } else {
    if (source !== undefined && !STEP_FUNCTIONS_OR_LATER.has(source)) return undefined
    context = StepFunctionsContext.parse(event)
  }
  if (context === undefined) return undefined
  const tags: Record<string, string> = {
    execution_id: context.executionId,
    redrive_count: context.redriveCount,
    retry_count: context.retryCount,
    state_entered_time: context.stateEnteredTime,
    state_name: context.stateName
  }
  switch (context.kind) {
    case "nested":
      tags.root_execution_id = context.rootExecutionId!
      tags.serverless_version = "v1"
      break
    case "lambda-root":
    case "legacy-lambda-root":
      tags.trace_id = context.propagatedTraceId!
      tags.dd_p_tid = propagatedTid(context.propagatedTags)
      tags.serverless_version = context.kind === "lambda-root" ? "v1" : "legacy-lambda-root"
      break
  }
  return tags
}

const invocationService = (
  options: Options,
  lambdaContext: LambdaContext.LambdaContext | undefined,
  functionName: string | undefined
): string | undefined => {
  const ddService = options.service?.trim()
  if (ddService !== undefined && ddService !== "") return ddService
  if (!options.awsServiceRepresentation) return DEFAULT_SPAN_NAME
  return lambdaContext === undefined ? DEFAULT_SPAN_NAME : functionName
}

/**
 * Describes the spans of an invocation. Total: any event and Lambda context give a description; neither is
 * mutated. A durable execution's envelope adds the durable tags datadog-lambda-js writes
 * (`aws.durable.execution_name`, `aws.durable.execution_id`, `aws.durable.first_invocation`); on its first
 * invocation the trigger's tags and the inferred spans are read from the original event
 * ({@link durableTriggerEvent}), where datadog-lambda-js, which reads only the envelope, has none.
 */
export const describe = (invocation: Invocation, options: Options, decoders: Decoders): Description => {
  const lambdaContext = LambdaContext.read(invocation.context)
  const durable = DurableFacts.fromEvent(invocation.event)
  const triggerEvent = originalEvent(invocation.event, durable, invocation.shared) ?? invocation.event
  const trigger = EventSource.trigger(triggerEvent, lambdaContext)
  const source = parentSource(invocation.extractor, options.mergeXrayTraces)
  const tags: Record<string, string | number> = {}
  let functionName: string | undefined
  if (lambdaContext !== undefined) {
    functionName = lambdaContext.functionName ?? options.functionName
    const { arn, version } = LambdaContext.functionArn(lambdaContext.invokedFunctionArn)
    tags["span.kind"] = "server"
    tags.cold_start = invocation.coldStart.coldStart ? "true" : "false"
    tags.function_arn = arn
    tags.function_version = version
    setTag(tags, "request_id", lambdaContext.awsRequestId)
    setTag(tags, "resource_names", functionName)
    setTag(tags, "functionname", functionName?.toLowerCase())
    setTag(tags, "dd_trace", options.ddTraceVersion)
    tags.effect_datadog_lambda = VERSION
    if (invocation.coldStart.proactiveInitialization) tags.proactive_initialization = 1
    if (source !== undefined) tags["_dd.parent_source"] = source
    if (trigger !== undefined) Object.assign(tags, trigger.tags)
  }
  Object.assign(tags, stepFunctionsTags(invocation.event, invocation.extractor))
  if (durable !== undefined) Object.assign(tags, DurableFacts.toAttributes(durable))
  const inferred = options.managedServices
    ? InferredSpans.infer(triggerEvent, trigger?.source, lambdaContext, options, invocation.now, decoders)
    : []
  return {
    inferred,
    invocation: {
      name: options.spanName,
      service: invocationService(options, lambdaContext, functionName),
      resource: functionName,
      type: "serverless",
      kind: "server",
      tags,
      startTime: invocation.now,
      endTime: undefined
    },
    continuesUpstream: source !== undefined,
    trigger: trigger?.source,
    durable: durable !== undefined
  }
}

/** The tag datadog-lambda-js writes with the durable SDK's output `Status` (`SUCCEEDED`, `FAILED`, `PENDING`). */
export const EXECUTION_STATUS = "aws.durable.execution_status"

/** How the handler ended: it returned `response`, or it failed. */
export type Outcome =
  | { readonly _tag: "Success"; readonly response: unknown }
  | { readonly _tag: "Failure" }

/**
 * What to apply when the handler ends.
 *
 * - `invocation`: tags for the invocation span (`http.status_code` for an HTTP trigger, the SDK's
 *   `aws.durable.execution_status` for a durable envelope), and whether to mark it as an error (a 5xx status).
 * - `trigger`: for the last inferred span, the one of the trigger: its tags (`http.status_code`), whether to mark
 *   it as an error (the handler failed and the span is synchronous: the request failed with it), and its end time
 *   (`endTime` for a synchronous span, its own for an asynchronous one). `undefined` without inferred spans.
 *
 * The other inferred spans end at their own `endTime`.
 */
export interface Completion {
  readonly invocation: { readonly tags: Tags; readonly error: boolean }
  readonly trigger: { readonly tags: Tags; readonly error: boolean; readonly endTime: number } | undefined
}

/** What to apply when the handler ends at `endTime` (milliseconds since the epoch) with `outcome`. */
export const complete = (
  description: Description,
  outcome: Outcome,
  endTime: number,
  options: Pick<Options, "responseStreaming"> = defaults
): Completion => {
  // A durable invocation returns the SDK's output (`{ Status, Result }`), not the trigger's response.
  const code = description.durable ? undefined : EventSource.statusCode(
    description.trigger,
    outcome._tag === "Success" ? outcome.response : undefined,
    options.responseStreaming
  )
  const tags: Tags = code === undefined ? {} : { "http.status_code": code }
  const status = description.durable && outcome._tag === "Success"
    ? DurableFacts.invocationStatus(outcome.response)
    : undefined
  const last = description.inferred[description.inferred.length - 1]
  return {
    invocation: {
      tags: status !== undefined ? { ...tags, [EXECUTION_STATUS]: status } : tags,
      error: EventSource.isServerError(code)
    },
    trigger: last === undefined ? undefined : {
      tags,
      error: outcome._tag === "Failure" && last.synchronicity === "sync",
      endTime: last.endTime ?? endTime
    }
  }
}

/**
 * A description's fields and tags as span attributes: the tags, and `service.name`, `resource.name` and `span.type`
 * for the three fields (`DdTraceTracer` maps them to dd-trace's span fields).
 */
export const attributesOf = (description: SpanDescription): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { ...description.tags }
  if (description.service !== undefined) attributes["service.name"] = description.service
  if (description.resource !== undefined) attributes["resource.name"] = description.resource
  if (description.type !== undefined) attributes["span.type"] = description.type
  return attributes
}

/** The attributes the invocation span gets when the handler ends: the completion's tags, and `error` for a 5xx. */
export const completionAttributes = (completion: Completion): Readonly<Record<string, unknown>> => {
  const { error, tags } = completion.invocation
  return error ? { ...tags, error: 1 } : tags
}

/**
 * How an inferred span ends: at `endTime` (milliseconds since the epoch), with these tags, marked as failed when
 * `error` holds.
 */
export interface InferredEnd {
  readonly endTime: number
  readonly tags: Tags
  readonly error: boolean
}

const NO_TAGS: Tags = {}

/**
 * How each inferred span of a description ends, root first, once the invocation has ended at `end`: every span at
 * its own end time (`end` for a synchronous one), but the last (the trigger's), which takes the completion's.
 */
export const inferredEnds = (
  description: Description,
  completion: Completion,
  end: number
): ReadonlyArray<InferredEnd> =>
  description.inferred.map((span, i) =>
    i < description.inferred.length - 1 || completion.trigger === undefined
      ? { endTime: span.endTime ?? end, tags: NO_TAGS, error: false }
      : completion.trigger
  )

/** Milliseconds since the epoch (to the microsecond) as the nanoseconds Effect's spans take. */
export const nanosOf = (millis: number): bigint => BigInt(Math.round(millis * 1_000)) * 1_000n
