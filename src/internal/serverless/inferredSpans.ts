/**
 * The spans datadog-lambda-js 12.143 infers for the managed service that triggered an invocation
 * (`dist/trace/span-inferrer.js`), with the same service, resource, type, tags and times, plus the two hops in
 * front of a trigger (an SNS topic or EventBridge bus before SQS; a Datadog-traced authorizer before API Gateway).
 * Total: where datadog-lambda-js would throw on a malformed event (and infer nothing), no span is inferred.
 */
import { get, joinable, lastPart, number, or, parseDate, text, truthy } from "../jsValue.js"
import type { Decoders } from "../triggers/decoders.js"
import * as HttpEvent from "../triggers/httpEvent.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as SqsMessage from "../triggers/sqsMessage.js"
import * as EventSource from "./eventSource.js"
import type * as LambdaContext from "./lambdaContext.js"
import { type InferredSpan, setTag, startTimeOr, type Synchronicity } from "./spanDescription.js"

/**
 * What the inferred spans depend on besides the event.
 *
 * - `service`: `DD_SERVICE`, as given (the spans' `peer.service`; with `removeIntegrationServiceNames`, their
 *   service).
 * - `serviceMapping`: `DD_SERVICE_MAPPING`, parsed: a service for a resource (`apiId`, queue, topic, table, stream,
 *   bucket, event source) or for a kind (`lambda_api_gateway`, `lambda_url`, `lambda_sqs`, `lambda_sns`,
 *   `lambda_eventbridge`, `lambda_kinesis`, `lambda_dynamodb`, `lambda_s3`).
 * - `awsServiceRepresentation`: `DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED` (default on): name services after the
 *   resource (the queue, the API's domain) rather than the kind (`sqs`).
 * - `removeIntegrationServiceNames`: `DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED`.
 * - `decodeAuthorizerContext`: infer the authorizer span from the context a traced authorizer left.
 */
export interface Options {
  readonly service: string | undefined
  readonly serviceMapping: Readonly<Record<string, string>>
  readonly awsServiceRepresentation: boolean
  readonly removeIntegrationServiceNames: boolean
  readonly decodeAuthorizerContext: boolean
}

/** The header a traced Lambda authorizer writes with the time (nanoseconds) its span finished. */
export const AUTHORIZER_FINISH_TIME = "x-datadog-parent-span-finish-time"

interface Build {
  readonly decoders: Decoders
  readonly lambdaContext: LambdaContext.LambdaContext | undefined
  readonly options: Options
  /** When the invocation starts: a missing start time, and the end of an asynchronous span. */
  readonly now: number
}

type MutableTags = Record<string, string | number>

/** datadog-lambda-js's `determineServiceName`; `undefined` where it throws (a resource name that is not a string). */
const serviceName = (
  options: Options,
  specificKey: unknown,
  genericKey: string,
  extractedKey: unknown,
  fallback: unknown
): unknown => {
  const mapping = options.serviceMapping
  const specific = text(specificKey)
  if (Object.hasOwn(mapping, specific) && mapping[specific] !== "") return mapping[specific]
  if (Object.hasOwn(mapping, genericKey) && mapping[genericKey] !== "") return mapping[genericKey]
  const ddService = options.service?.trim()
  if (options.removeIntegrationServiceNames && truthy(ddService)) return ddService
  if (!options.awsServiceRepresentation) return fallback
  if (extractedKey === undefined || extractedKey === null) return fallback
  if (typeof extractedKey !== "string") return undefined
  return extractedKey.trim() !== "" ? extractedKey : fallback
}

const span = (
  name: string,
  build: Build,
  fields: {
    readonly service: unknown
    readonly resource: unknown
    readonly type: string
    readonly synchronicity: Synchronicity
    readonly startTime: number
    readonly endTime?: number | undefined
    readonly tags: MutableTags
  }
): InferredSpan => {
  const tags = fields.tags
  setTag(tags, "request_id", build.lambdaContext?.awsRequestId)
  setTag(tags, "service", fields.service)
  setTag(tags, "peer.service", build.options.service)
  tags["span.kind"] = "server"
  tags["_inferred_span.tag_source"] = "self"
  tags["_inferred_span.synchronicity"] = fields.synchronicity
  return {
    name,
    service: typeof fields.service === "string" ? fields.service : undefined,
    resource: typeof fields.resource === "string" ? fields.resource : undefined,
    type: fields.type,
    kind: "server",
    tags,
    startTime: startTimeOr(fields.startTime, build.now),
    endTime: fields.endTime !== undefined
      ? startTimeOr(fields.endTime, build.now)
      : fields.synchronicity === "async"
      ? build.now
      : undefined,
    synchronicity: fields.synchronicity
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

const requestMethod = (context: unknown): unknown => {
  const method = get(context, "httpMethod")
  if (truthy(method)) return method
  const http = get(context, "http")
  return truthy(http) ? get(http, "method") : undefined
}

/** datadog-lambda-js's `getResourcePath`; `undefined` where it throws (a route key without `includes`). */
const resourcePath = (event: unknown, context: unknown): { readonly path: unknown } | undefined => {
  const routeKey = get(context, "routeKey")
  if (typeof routeKey === "string" && routeKey.includes("{")) return { path: routeKey.split(" ")[1] }
  if (truthy(routeKey) && typeof routeKey !== "string" && !Array.isArray(routeKey)) return undefined
  return { path: or(or(get(event, "rawPath"), get(context, "resourcePath")), routeKey) }
}

const isAsyncRequest = (event: unknown): boolean => get(get(event, "headers"), "X-Amz-Invocation-Type") === "Event"

const authorizerFinishTime = (event: unknown, build: Build): number | undefined => {
  if (!build.options.decodeAuthorizerContext) return undefined
  const found = HttpEvent.authorizerContext(event, build.decoders)
  return found._tag === "Fresh" ? number(found.carrier[AUTHORIZER_FINISH_TIME]) / 1e6 : undefined
}

const apiGateway = (event: unknown, kind: EventSource.ApiGatewayKind, build: Build): ReadonlyArray<InferredSpan> => {
  const context = get(event, "requestContext")
  const domain = or(get(context, "domainName"), "")
  const path = or(or(get(event, "rawPath"), get(context, "path")), get(context, "routeKey"))
  const method = requestMethod(context)
  const route = resourcePath(event, context)
  if (route === undefined) return []
  const resource = `${joinable(or(method, domain))} ${joinable(route.path)}`
  const apiId = or(get(context, "apiId"), "")
  const service = serviceName(build.options, apiId, "lambda_api_gateway", domain, domain)
  if (service === undefined) return []
  const synchronicity: Synchronicity = isAsyncRequest(event) ? "async" : "sync"
  const tags: MutableTags = {
    "http.url": `https://${text(domain)}${text(path)}`,
    resource_names: resource
  }
  setTag(tags, "endpoint", path)
  setTag(tags, "apiid", apiId)
  if (truthy(method)) {
    setTag(tags, "http.method", method)
    setTag(tags, "stage", get(context, "stage"))
    setTag(tags, "domain_name", domain)
  }
  const direction = get(context, "messageDirection")
  if (truthy(direction)) {
    setTag(tags, "message_direction", direction)
    setTag(tags, "connection_id", get(context, "connectionId"))
    setTag(tags, "event_type", get(context, "eventType"))
  }
  const fields = { service, resource, type: "web", synchronicity }
  const spans: Array<InferredSpan> = []
  let startTime = NaN
  try {
    const finished = authorizerFinishTime(event, build)
    if (finished !== undefined) {
      if (kind === "http-api") {
        startTime = finished
      } else {
        const authorizerEnd = Math.max(
          finished,
          number(get(context, "requestTimeEpoch")) + number(get(get(context, "authorizer"), "integrationLatency"))
        )
        spans.push({
          ...span("aws.apigateway.authorizer", build, { ...fields, tags: { ...tags }, startTime: finished }),
          endTime: startTimeOr(authorizerEnd, build.now)
        })
        startTime = authorizerEnd
      }
    }
  } catch {
    // As datadog-lambda-js, which reads the authorizer context in a try block: no authorizer span.
  }
  if (!truthy(startTime)) {
    startTime = number(get(context, kind === "http-api" ? "timeEpoch" : "requestTimeEpoch"))
  }
  const region = build.lambdaContext?.invokedFunctionArn?.split(":")[3]
  if (truthy(apiId) && truthy(region)) {
    tags.dd_resource_key = `arn:aws:apigateway:${region}::/${kind === "http-api" ? "apis" : "restapis"}/${text(apiId)}`
  }
  spans.push(span(kind === "http-api" ? "aws.httpapi" : "aws.apigateway", build, { ...fields, tags, startTime }))
  return spans
}

const functionUrl = (event: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const context = get(event, "requestContext")
  const http = get(context, "http")
  if (http === undefined || http === null) return []
  const domain = or(get(context, "domainName"), "")
  const path = get(event, "rawPath")
  const resource = `${joinable(or(requestMethod(context), domain))} ${joinable(path)}`
  const service = serviceName(build.options, or(get(context, "apiId"), ""), "lambda_url", domain, domain)
  if (service === undefined) return []
  const tags: MutableTags = {
    operation_name: "aws.lambda.url",
    "http.url": `https://${text(domain)}${text(path)}`,
    resource_names: resource
  }
  setTag(tags, "endpoint", path)
  setTag(tags, "http.method", get(http, "method"))
  return [
    span("aws.lambda.url", build, {
      service,
      resource,
      type: "http",
      synchronicity: "sync",
      startTime: number(get(context, "timeEpoch")),
      tags
    })
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Records and messages

const isNullish = (value: unknown): boolean => value === undefined || value === null

/** `value?.split(":").pop() || ""`; `undefined` where that throws (a value that is not a string). */
const lastArnPart = (value: unknown): string | undefined => {
  if (isNullish(value)) return ""
  if (typeof value !== "string") return undefined
  return lastPart(value, ":")!
}

const dynamoDb = (record: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const sourceArn = get(record, "eventSourceARN")
  if (!isNullish(sourceArn) && typeof sourceArn !== "string") return []
  const tableName = typeof sourceArn === "string" ? sourceArn.split("/")[1] : ""
  const eventName = get(record, "eventName")
  const resource = `${text(eventName)} ${text(tableName)}`
  const service = serviceName(build.options, tableName, "lambda_dynamodb", tableName, "aws.dynamodb")
  if (service === undefined) return []
  const tags: MutableTags = { operation_name: "aws.dynamodb", resource_names: resource }
  setTag(tags, "tablename", tableName)
  setTag(tags, "event_name", eventName)
  setTag(tags, "event_version", get(record, "eventVersion"))
  setTag(tags, "event_source_arn", sourceArn)
  setTag(tags, "event_id", get(record, "eventID"))
  const stream = get(record, "dynamodb")
  if (truthy(stream)) {
    setTag(tags, "stream_view_type", get(stream, "StreamViewType"))
    setTag(tags, "size_bytes", get(stream, "SizeBytes"))
  }
  return [
    span("aws.dynamodb", build, {
      service,
      resource,
      type: "web",
      synchronicity: "async",
      startTime: number(get(stream, "ApproximateCreationDateTime")) * 1000,
      tags
    })
  ]
}

/** An SNS notification: a record's `Sns`, or an SNS→SQS body (then without a subscription). */
const sns = (
  notification: unknown,
  subscriptionArn: unknown,
  build: Build,
  endTime?: number
): InferredSpan | undefined => {
  if (isNullish(notification)) return undefined
  const topicArn = get(notification, "TopicArn")
  const topicName = lastArnPart(topicArn)
  if (topicName === undefined) return undefined
  const service = serviceName(build.options, topicName, "lambda_sns", topicName, "sns")
  if (service === undefined) return undefined
  const tags: MutableTags = { operation_name: "aws.sns", resource_names: topicName, topicname: topicName }
  setTag(tags, "type", get(notification, "Type"))
  setTag(tags, "subject", get(notification, "Subject"))
  setTag(tags, "message_id", get(notification, "MessageId"))
  setTag(tags, "topic_arn", topicArn)
  if (subscriptionArn !== "") setTag(tags, "event_subscription_arn", subscriptionArn)
  return span("aws.sns", build, {
    service,
    resource: topicName,
    type: "sns",
    synchronicity: "async",
    startTime: parseDate(get(notification, "Timestamp")),
    endTime,
    tags
  })
}

const eventBridge = (event: unknown, build: Build, endTime?: number): InferredSpan | undefined => {
  const source = get(event, "source")
  const service = serviceName(build.options, source, "lambda_eventbridge", source, "eventbridge")
  if (service === undefined) return undefined
  const tags: MutableTags = { operation_name: "aws.eventbridge" }
  setTag(tags, "resource_names", source)
  return span("aws.eventbridge", build, {
    service,
    resource: source,
    type: "web",
    synchronicity: "async",
    startTime: parseDate(get(event, "time")),
    endTime,
    tags
  })
}

/** The SNS or EventBridge hop of a message that reached SQS through it, ended when SQS got the message. */
const sqsUpstream = (record: unknown, sentTimestamp: unknown, build: Build): InferredSpan | undefined => {
  try {
    return readSqsUpstream(record, sentTimestamp, build)
  } catch {
    // As datadog-lambda-js, which infers the hop in a try block: none.
    return undefined
  }
}

const readSqsUpstream = (record: unknown, sentTimestamp: unknown, build: Build): InferredSpan | undefined => {
  const body = SqsMessage.parsedBody(record, RecordBatch.makeBudget())
  if (body === undefined) return undefined
  const sent = number(sentTimestamp)
  if (truthy(body["TopicArn"]) && truthy(body["Timestamp"])) {
    // A body with `Records` is read as a whole SNS event, as datadog-lambda-js reads it.
    const records = body["Records"]
    if (!truthy(records)) return sns(body, "", build, sent)
    const first = get(records, "0")
    return isNullish(first) ? undefined : sns(get(first, "Sns"), get(first, "EventSubscriptionArn"), build, sent)
  }
  if (truthy(get(get(body, "detail"), "_datadog"))) return eventBridge(body, build, sent)
  return undefined
}

const sqs = (record: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const attributes = get(record, "attributes")
  if (isNullish(attributes)) return []
  const sourceArn = get(record, "eventSourceARN")
  const queueName = lastArnPart(sourceArn)
  if (queueName === undefined) return []
  const service = serviceName(build.options, queueName, "lambda_sqs", queueName, "sqs")
  if (service === undefined) return []
  const tags: MutableTags = { operation_name: "aws.sqs", resource_names: queueName, queuename: queueName }
  setTag(tags, "event_source_arn", sourceArn)
  setTag(tags, "receipt_handle", get(record, "receiptHandle"))
  setTag(tags, "sender_id", get(attributes, "SenderId"))
  const receiveCount = get(attributes, "ApproximateReceiveCount")
  if (truthy(receiveCount) && number(receiveCount) > 0) tags.retry_count = number(receiveCount)
  const sentTimestamp = get(attributes, "SentTimestamp")
  const upstream = sqsUpstream(record, sentTimestamp, build)
  const own = span("aws.sqs", build, {
    service,
    resource: queueName,
    type: "web",
    synchronicity: "async",
    startTime: number(sentTimestamp),
    tags
  })
  return upstream === undefined ? [own] : [upstream, own]
}

const kinesis = (record: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const data = get(record, "kinesis")
  const eventId = get(record, "eventID")
  const sourceArn = get(record, "eventSourceARN")
  const arnPart = lastArnPart(sourceArn)
  if (isNullish(data) || typeof eventId !== "string" || arnPart === undefined) return []
  const streamName = arnPart.replace(/^stream\//, "")
  const service = serviceName(build.options, streamName, "lambda_kinesis", streamName, "kinesis")
  if (service === undefined) return []
  const tags: MutableTags = {
    operation_name: "aws.kinesis",
    resource_names: streamName,
    streamname: streamName,
    event_id: eventId,
    shardid: lastPart(eventId, ":")!
  }
  setTag(tags, "event_name", get(record, "eventName"))
  setTag(tags, "event_source_arn", sourceArn)
  setTag(tags, "event_version", get(record, "eventVersion"))
  setTag(tags, "partition_key", get(data, "partitionKey"))
  return [
    span("aws.kinesis", build, {
      service,
      resource: streamName,
      type: "web",
      synchronicity: "async",
      startTime: number(get(data, "approximateArrivalTimestamp")) * 1000,
      tags
    })
  ]
}

const s3 = (record: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const bucket = get(get(record, "s3"), "bucket")
  const object = get(get(record, "s3"), "object")
  if (isNullish(bucket) || isNullish(object)) return []
  const bucketName = get(bucket, "name")
  const service = serviceName(build.options, bucketName, "lambda_s3", bucketName, "s3")
  if (service === undefined) return []
  const tags: MutableTags = { operation_name: "aws.s3" }
  setTag(tags, "resource_names", bucketName)
  setTag(tags, "bucketname", bucketName)
  setTag(tags, "bucket_arn", get(bucket, "arn"))
  setTag(tags, "event_name", get(record, "eventName"))
  setTag(tags, "object_key", get(object, "key"))
  setTag(tags, "object_size", get(object, "size"))
  setTag(tags, "object_etag", get(object, "eTag"))
  return [
    span("aws.s3", build, {
      service,
      resource: bucketName,
      type: "web",
      synchronicity: "async",
      startTime: parseDate(get(record, "eventTime")),
      tags
    })
  ]
}

const snsRecord = (record: unknown, build: Build): ReadonlyArray<InferredSpan> => {
  const found = sns(get(record, "Sns"), get(record, "EventSubscriptionArn"), build)
  return found === undefined ? [] : [found]
}

/**
 * The inferred spans of an invocation, root first: the first is the child of the upstream context, each next one
 * the child of the one before, and the invocation span is the child of the last. Empty for sources without an
 * inferred span (ALB, CloudWatch, CloudFront, Step Functions, Kafka) and for malformed events.
 */
export const infer = (
  event: unknown,
  source: EventSource.EventSource | undefined,
  lambdaContext: LambdaContext.LambdaContext | undefined,
  options: Options,
  now: number,
  decoders: Decoders
): ReadonlyArray<InferredSpan> => {
  const build: Build = { decoders, lambdaContext, options, now }
  try {
    return inferFor(event, source, build)
  } catch {
    // A field JavaScript cannot convert (`{"toString": {}}`): datadog-lambda-js's inferrer throws and infers nothing.
    return []
  }
}

const inferFor = (
  event: unknown,
  source: EventSource.EventSource | undefined,
  build: Build
): ReadonlyArray<InferredSpan> => {
  switch (source) {
    case "lambda-function-url":
      return functionUrl(event, build)
    case "api-gateway": {
      const kind = EventSource.apiGatewayKind(event)
      return kind === undefined ? [] : apiGateway(event, kind, build)
    }
    case "sns":
      return snsRecord(RecordBatch.firstRecord(event), build)
    case "dynamodb":
      return dynamoDb(RecordBatch.firstRecord(event), build)
    case "sqs":
      return sqs(RecordBatch.firstRecord(event), build)
    case "kinesis":
      return kinesis(RecordBatch.firstRecord(event), build)
    case "s3":
      return s3(RecordBatch.firstRecord(event), build)
    case "eventbridge": {
      const found = eventBridge(event, build)
      return found === undefined ? [] : [found]
    }
    default:
      return []
  }
}
