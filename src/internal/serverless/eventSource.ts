/**
 * Which managed service triggered an invocation, and the `function_trigger.*` and `http.*` tags, as
 * datadog-lambda-js 12.143 computes them (`dist/trace/trigger.js`, `dist/utils/event-type-guards.js`: the same
 * guards in the same order), plus Kafka. Total and read-only: where datadog-lambda-js would throw part-way, the
 * part it would have dropped is left out the same way.
 */
import * as Encoded from "../encoded.js"
import { get, lastPart, text, truthy } from "../jsValue.js"
import * as KafkaEvent from "../triggers/kafkaEvent.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as LambdaContext from "./lambdaContext.js"
import { setTag, type Tags } from "./spanDescription.js"

/** The `function_trigger.event_source` values (datadog-lambda-js's `eventTypes`, plus `kafka`). */
export type EventSource =
  | "api-gateway"
  | "application-load-balancer"
  | "cloudfront"
  | "cloudwatch-events"
  | "cloudwatch-logs"
  | "dynamodb"
  | "eventbridge"
  | "kafka"
  | "kinesis"
  | "lambda-function-url"
  | "s3"
  | "sns"
  | "sqs"
  | "states"

/** The API Gateway flavours: REST (v1), HTTP (v2) and WebSocket. */
export type ApiGatewayKind = "rest-api" | "http-api" | "websocket"

/** Bounds on the work of reading an event. */
export const limits = {
  /** Longest decompressed CloudWatch Logs payload read for its log group (Lambda payloads are at most 6 MB). */
  maxLogsLength: 16 * 1024 * 1024
} as const

const requestContext = (event: unknown): unknown => get(event, "requestContext")

const includesText = (value: unknown, needle: string): boolean =>
  (typeof value === "string" || Array.isArray(value)) && value.includes(needle)

/** API Gateway REST (v1): `requestContext.stage`, `httpMethod` and `resource` are present. */
export const isApiGatewayRest = (event: unknown): boolean =>
  get(requestContext(event), "stage") !== undefined && get(event, "httpMethod") !== undefined &&
  get(event, "resource") !== undefined

/** API Gateway HTTP API (v2): `version` `2.0`, a `rawQueryString`, and a domain that is not a Function URL's. */
export const isApiGatewayHttp = (event: unknown): boolean => {
  const context = requestContext(event)
  return context !== undefined && context !== null && get(event, "version") === "2.0" &&
    get(event, "rawQueryString") !== undefined && !includesText(get(context, "domainName"), "lambda-url")
}

/** API Gateway WebSocket: `requestContext.messageDirection` is present. */
export const isApiGatewayWebSocket = (event: unknown): boolean =>
  get(requestContext(event), "messageDirection") !== undefined

/** A Lambda Function URL: the domain contains `lambda-url`. */
export const isFunctionUrl = (event: unknown): boolean =>
  includesText(get(requestContext(event), "domainName"), "lambda-url")

/** An Application Load Balancer request: `requestContext.elb` is present. */
export const isLoadBalancer = (event: unknown): boolean => get(requestContext(event), "elb") !== undefined

const hasRecordField = (event: unknown, field: string): boolean => {
  const record = RecordBatch.firstRecord(event)
  return record !== undefined && get(record, field) !== undefined
}

/**
 * The object holding a Step Functions context: the event, its `Payload` (legacy Lambda task API), then `_datadog`
 * (JSONata / `serverless-version` `v1`), as datadog-lambda-js unwraps it.
 */
const stepFunctionsObject = (event: unknown): unknown => {
  let candidate = event
  const payload = get(candidate, "Payload")
  if (typeof payload === "object" && payload !== null) candidate = payload
  const datadog = get(candidate, "_datadog")
  if (typeof datadog === "object" && datadog !== null) candidate = datadog
  return candidate
}

const isStepFunctions = (event: unknown): boolean => {
  const candidate = stepFunctionsObject(event)
  return typeof get(candidate, "Execution") === "object" && typeof get(candidate, "State") === "object" &&
    typeof get(candidate, "StateMachine") === "object"
}

/** The API Gateway flavour of an event, `undefined` when it is not an API Gateway event. */
export const apiGatewayKind = (event: unknown): ApiGatewayKind | undefined =>
  isApiGatewayRest(event)
    ? "rest-api"
    : isApiGatewayHttp(event)
    ? "http-api"
    : isApiGatewayWebSocket(event)
    ? "websocket"
    : undefined

/**
 * The source of an event: datadog-lambda-js's `parseEventSource`, in its order (Function URL, API Gateway, ALB,
 * CloudWatch Logs, CloudWatch Events, CloudFront, DynamoDB, Kinesis, S3, SNS, SQS, EventBridge, Step Functions),
 * then Kafka.
 */
export const detect = (event: unknown): EventSource | undefined => {
  if (typeof event !== "object" || event === null) return undefined
  if (isFunctionUrl(event)) return "lambda-function-url"
  if (apiGatewayKind(event) !== undefined) return "api-gateway"
  if (isLoadBalancer(event)) return "application-load-balancer"
  if (get(event, "awslogs") !== undefined) return "cloudwatch-logs"
  if (get(event, "source") === "aws.events") return "cloudwatch-events"
  if (hasRecordField(event, "cf")) return "cloudfront"
  if (hasRecordField(event, "dynamodb")) return "dynamodb"
  if (hasRecordField(event, "kinesis")) return "kinesis"
  if (hasRecordField(event, "s3")) return "s3"
  if (hasRecordField(event, "Sns")) return "sns"
  if (get(RecordBatch.firstRecord(event), "eventSource") === "aws:sqs") return "sqs"
  if (get(event, "detail-type") !== undefined) return "eventbridge"
  if (isStepFunctions(event)) return "states"
  if (KafkaEvent.isKafkaEvent(event)) return "kafka"
  return undefined
}

/** `true` for the sources whose invocation is an HTTP request (API Gateway, ALB, Function URL). */
export const isHttp = (source: EventSource | undefined): boolean =>
  source === "api-gateway" || source === "application-load-balancer" || source === "lambda-function-url"

const firstItem = (value: unknown): unknown => {
  if (typeof value === "string") return value[0]
  return get(value, "0")
}

const logGroup = (event: unknown): { readonly found: boolean; readonly value?: unknown } => {
  const data = get(get(event, "awslogs"), "data")
  if (typeof data !== "string" || data.length > limits.maxLogsLength) return { found: false }
  try {
    // Node's module is loaded on first use, not at import, to keep it off every cold start.
    const json = process.getBuiltinModule("node:zlib").gunzipSync(Buffer.from(data, "base64"), {
      maxOutputLength: limits.maxLogsLength
    }).toString()
    const logs = Encoded.parseJson(json, limits.maxLogsLength)
    return logs === undefined || logs === null ? { found: false } : { found: true, value: get(logs, "logGroup") }
  } catch {
    return { found: false }
  }
}

/**
 * The event source ARN, as datadog-lambda-js's `parseEventSourceARN` finds or builds it (for EventBridge it is
 * the event's `source`, as there). `undefined` where it finds none, including whenever the invoked function ARN
 * lacks a region (it reads the region first). Kafka: the MSK cluster's `eventSourceArn`.
 */
export const arn = (
  source: EventSource,
  event: unknown,
  lambdaContext: LambdaContext.LambdaContext | undefined
): unknown => {
  if (source === "kafka") return get(event, "eventSourceArn")
  const at = LambdaContext.location(lambdaContext?.invokedFunctionArn)
  if (at === undefined) return undefined
  try {
    return sourceArn(source, event, at)
  } catch {
    // A field JavaScript cannot write as a string: datadog-lambda-js catches the error and writes no ARN.
    return undefined
  }
}

const sourceArn = (
  source: Exclude<EventSource, "kafka">,
  event: unknown,
  at: NonNullable<ReturnType<typeof LambdaContext.location>>
): unknown => {
  const record = RecordBatch.firstRecord(event)
  switch (source) {
    case "s3":
      return get(get(get(record, "s3"), "bucket"), "arn")
    case "sns":
      return get(get(record, "Sns"), "TopicArn")
    case "sqs":
    case "dynamodb":
    case "kinesis":
      return get(record, "eventSourceARN")
    case "cloudfront": {
      const config = get(get(record, "cf"), "config")
      if (config === undefined || config === null) return undefined
      return `arn:${at.partition}:cloudfront::${text(at.accountId)}:distribution/${text(get(config, "distributionId"))}`
    }
    case "api-gateway": {
      const context = requestContext(event)
      return `arn:${at.partition}:apigateway:${at.region}::/restapis/${text(get(context, "apiId"))}/stages/${
        text(get(context, "stage"))
      }`
    }
    case "application-load-balancer":
      return get(get(requestContext(event), "elb"), "targetGroupArn")
    case "cloudwatch-logs": {
      const group = logGroup(event)
      return group.found
        ? `arn:${at.partition}:logs:${at.region}:${text(at.accountId)}:log-group:${text(group.value)}`
        : undefined
    }
    case "cloudwatch-events":
      return firstItem(get(event, "resources"))
    case "eventbridge":
      return get(event, "source")
    case "states":
      return get(get(stepFunctionsObject(event), "StateMachine"), "Id")
    case "lambda-function-url":
      return undefined
  }
}

const url = (domain: unknown, path: unknown): string => `https://${text(domain)}${text(path ?? "")}`

const referer = (tags: Record<string, string | number>, event: unknown): void => {
  const value = get(get(event, "headers"), "Referer")
  if (truthy(value)) setTag(tags, "http.referer", value)
}

/** `undefined` where datadog-lambda-js's `extractHTTPTags` throws (and drops every HTTP tag). */
const httpTagsOf = (event: unknown): Tags | undefined => {
  try {
    return readHttpTags(event)
  } catch {
    return undefined
  }
}

const readHttpTags = (event: unknown): Tags | undefined => {
  const tags: Record<string, string | number> = {}
  const context = requestContext(event)
  if (isApiGatewayRest(event)) {
    const path = get(context, "path")
    const domain = get(context, "domainName")
    if (truthy(domain)) tags["http.url"] = url(domain, path)
    setTag(tags, "http.url_details.path", path)
    setTag(tags, "http.method", get(context, "httpMethod"))
    referer(tags, event)
    const resource = get(event, "resource")
    if (truthy(resource)) setTag(tags, "http.route", resource)
    return tags
  }
  if (isApiGatewayHttp(event)) {
    const http = get(context, "http")
    if (http === undefined || http === null) return undefined
    const path = get(http, "path")
    tags["http.url"] = url(get(context, "domainName"), path)
    setTag(tags, "http.url_details.path", path)
    setTag(tags, "http.method", get(http, "method"))
    referer(tags, event)
    const routeKey = get(event, "routeKey")
    if (truthy(routeKey)) {
      if (typeof routeKey !== "string") return undefined
      tags["http.route"] = lastPart(routeKey, " ")!
    }
    return tags
  }
  if (isLoadBalancer(event)) {
    setTag(tags, "http.url_details.path", get(event, "path"))
    setTag(tags, "http.method", get(event, "httpMethod"))
    referer(tags, event)
    return tags
  }
  if (isFunctionUrl(event)) {
    const http = get(context, "http")
    if (http === undefined || http === null) return undefined
    const path = get(http, "path")
    const domain = get(context, "domainName")
    if (truthy(domain)) tags["http.url"] = url(domain, path)
    setTag(tags, "http.url_details.path", path)
    setTag(tags, "http.method", get(http, "method"))
    referer(tags, event)
    return tags
  }
  return undefined
}

/**
 * The trigger of an invocation: its source and the tags datadog-lambda-js's `extractTriggerTags` puts on the
 * invocation span (`function_trigger.event_source`, `function_trigger.event_source_arn`, and for HTTP sources
 * `http.url`, `http.url_details.path`, `http.method`, `http.route`, `http.referer`).
 */
export interface Trigger {
  readonly source: EventSource
  readonly tags: Tags
}

/** Reads the trigger of an event; `undefined` when no source is recognised. */
export const trigger = (
  event: unknown,
  lambdaContext: LambdaContext.LambdaContext | undefined
): Trigger | undefined => {
  const source = detect(event)
  if (source === undefined) return undefined
  const tags: Record<string, string | number> = { "function_trigger.event_source": source }
  const sourceArn = arn(source, event, lambdaContext)
  if (truthy(sourceArn)) setTag(tags, "function_trigger.event_source_arn", sourceArn)
  if (isHttp(source)) Object.assign(tags, httpTagsOf(event))
  return { source, tags }
}

/**
 * The `http.status_code` of an HTTP-triggered invocation, from the handler's response as datadog-lambda-js's
 * `extractHTTPStatusCodeTag` reads it: the response's `statusCode` as a string, `"200"` when it has none, and
 * `"502"` when the handler returned nothing (or failed), unless the function streams its response, or returned a
 * status code that cannot be written as a string. `undefined` for other sources.
 */
export const statusCode = (
  source: EventSource | undefined,
  response: unknown,
  responseStreaming: boolean = false
): string | undefined => {
  if (!isHttp(source)) return undefined
  if (response === undefined && !responseStreaming) return "502"
  const code = get(response, "statusCode")
  if (!truthy(code)) return "200"
  try {
    return text(code)
  } catch {
    // A status code JavaScript cannot write as a string (`{"toString": {}}`): datadog-lambda-js throws from its
    // wrapper and the invocation fails; API Gateway answers a malformed proxy response with a 502.
    return "502"
  }
}

/** `true` for a 5xx status code. */
export const isServerError = (code: string | undefined): boolean =>
  code !== undefined && code.length === 3 && code.startsWith("5")
