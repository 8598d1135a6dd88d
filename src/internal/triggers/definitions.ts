/**
 * The built-in trigger extractors, in the default chain's order, as shared programs: which carriers each reads,
 * in which order, and what its notes say. Effect-free; each line's driver runs them with its propagator.
 */
import type { ContextFields } from "../contextFields.js"
import * as XRayHeader from "../propagation/xRayHeader.js"
import * as AppSyncEvent from "./appSyncEvent.js"
import * as EventBridgeEvent from "./eventBridgeEvent.js"
import * as HttpEvent from "./httpEvent.js"
import * as KafkaEvent from "./kafkaEvent.js"
import * as KinesisRecord from "./kinesisRecord.js"
import * as LambdaClientContext from "./lambdaClientContext.js"
import * as Program from "./program.js"
import * as RecordBatch from "./recordBatch.js"
import * as SnsMessage from "./snsMessage.js"
import * as SqsMessage from "./sqsMessage.js"
import * as StepFunctionsContext from "./stepFunctionsContext.js"
import { eventTrigger, records, type Trigger } from "./trigger.js"

/** Options of the HTTP trigger. */
export interface HttpOptions {
  /** Read the Lambda-authorizer context (`DD_DECODE_AUTHORIZER_CONTEXT`, default `true`). */
  readonly decodeAuthorizerContext?: boolean | undefined
}

/**
 * API Gateway (REST v1, HTTP v2, WebSocket), ALB and Function URL headers, with the Lambda-authorizer context. A
 * Datadog-traced authorizer's context wins when fresh; unlike datadog-lambda-js, the request headers are still
 * tried when it yields nothing. WebSocket `MESSAGE` events carry the `$connect` authorizer's context, which the
 * freshness rule rejects (it belongs to the connection's trace).
 */
export const http = (options: HttpOptions = {}): Trigger => {
  const decodeAuthorizer = options.decodeAuthorizerContext ?? true
  function* fromHeaders<C extends RecordBatch.ContextIds>(
    event: unknown,
    notes: ReadonlyArray<string>
  ): Program.Program<C> {
    const headers = HttpEvent.headers(event)
    if (headers === undefined) return Program.nothing(...notes, "no headers object")
    const context = yield* Program.propagate<C>(headers)
    return context === undefined
      ? Program.nothing(...notes, "no trace context in the request headers")
      : Program.found(context, ...notes, "from the request headers")
  }
  return eventTrigger({
    name: "http",
    accepts: (event) =>
      HttpEvent.headers(event) !== undefined || (HttpEvent.isWebSocket(event) && HttpEvent.hasAuthorizer(event)),
    *program(env, event) {
      if (!decodeAuthorizer) return yield* fromHeaders(event, [])
      const authorizer = HttpEvent.authorizerContext(event, env.decoders)
      switch (authorizer._tag) {
        case "Absent":
          return yield* fromHeaders(event, [])
        case "Malformed":
          return yield* fromHeaders(event, [`authorizer context ignored: ${authorizer.detail}`])
        case "Stale":
          return yield* fromHeaders(event, ["authorizer context ignored: cached for another request"])
        case "Fresh": {
          const context = yield* Program.propagate<never>(authorizer.carrier)
          return context === undefined
            ? yield* fromHeaders(event, ["authorizer context holds no trace context"])
            : Program.found(context, "from the Lambda authorizer context")
        }
      }
    }
  })
}

/**
 * The invocation's X-Ray header: the Lambda context's `xRayTraceId` when the runtime sets it (the only
 * per-invocation source under multi-concurrency), else `_X_AMZN_TRACE_ID` from the driver. `null`: the context
 * has the field but no value (the invocation has no trace header).
 */
export function* invocationXRayHeader(
  lambdaContext: unknown
): Generator<Program.Request, InvocationXRayHeader, unknown> {
  return contextXRayHeader(lambdaContext) ?? { header: yield* Program.xRayHeader(), from: "environment" }
}

/** The invocation's X-Ray header and where it came from. */
export interface InvocationXRayHeader {
  readonly header: string | undefined
  readonly from: XRayHeaderSource
}

/** The header from the Lambda context when the runtime sets its field; `undefined` when it has no such field. */
const contextXRayHeader = (lambdaContext: unknown): InvocationXRayHeader | undefined => {
  const fromContext = XRayHeader.contextHeader(lambdaContext)
  return fromContext === undefined ? undefined : { header: fromContext ?? undefined, from: "context" }
}

/** Where the X-Ray header came from. */
export type XRayHeaderSource = "context" | "environment"

const HEADER_SOURCE_NAME: Readonly<Record<XRayHeaderSource, string>> = {
  context: `the Lambda context's ${XRayHeader.CONTEXT_FIELD}`,
  environment: XRayHeader.ENV
}

/**
 * SNS records: the `_datadog` message attribute (`Type` `String` → JSON; `Binary`, which dd-trace writes → base64
 * JSON), or a Step Functions context object in it. When no record yields a context, a Datadog-padded X-Ray header
 * of the invocation (dd-trace-java upstream) is used, as the reference does.
 */
export const sns: Trigger = eventTrigger({
  name: "sns",
  accepts: SnsMessage.isSnsEvent,
  group: records,
  *program(env, event, lambdaContext) {
    const items = RecordBatch.records(event)
    if (items === undefined) return Program.nothing()
    const outcome = yield* Program.scanOutcome(
      env,
      "sns",
      items,
      (record, _index, budget) => RecordBatch.candidates(SnsMessage.recordCarrier(record, budget, env.decoders))
    )
    if (outcome._tag === "Found") return outcome
    const { header } = yield* invocationXRayHeader(lambdaContext)
    const fields = header === undefined ? undefined : XRayHeader.fromDatadogPadded(header, "sns")
    if (fields === undefined) return outcome
    const notes = outcome._tag === "Nothing" ? outcome.notes : [`ignored: ${outcome.detail}`]
    return Program.found(env.make(fields), "from the X-Ray header (Datadog-padded)", ...notes)
  }
})

const SNS_BODY_LOCATION = "body.MessageAttributes._datadog"

/**
 * SNS notifications delivered to SQS (raw delivery off): the notification's `_datadog` attribute in each record's
 * body, then the SQS record's own attribute and a Datadog-padded `AWSTraceHeader`. Only records whose body is a
 * notification (`Type` `Notification` with a `TopicArn`) are read.
 */
export const snsSqs: Trigger = eventTrigger({
  name: "sns-sqs",
  accepts: (event) =>
    SqsMessage.isSqsEvent(event) && SqsMessage.anyBodyMentions(event, [SnsMessage.NOTIFICATION_MARKER]),
  group: records,
  program: (env, event) =>
    Program.scanBodies(env, "sns-sqs", event, (record, budget) => {
      const attributes = SnsMessage.notificationAttributes(record, budget, env.decoders)
      if (attributes === undefined) return undefined
      return RecordBatch.candidates(
        SnsMessage.datadogAttribute(attributes, SNS_BODY_LOCATION, budget, env.decoders),
        SqsMessage.datadogAttribute(record, budget, env.decoders),
        SqsMessage.awsTraceHeader(record, "sns-sqs")
      )
    }, "SNS notification body")
})

/** EventBridge events delivered to SQS: each record's body is an event, read as {@link eventBridge} reads one. */
export const eventBridgeSqs: Trigger = eventTrigger({
  name: "eventbridge-sqs",
  accepts: (event) => SqsMessage.isSqsEvent(event) && SqsMessage.anyBodyMentions(event, EventBridgeEvent.BODY_MARKERS),
  group: records,
  program: (env, event) =>
    Program.scanBodies(env, "eventbridge-sqs", event, (record, budget) => {
      if (!EventBridgeEvent.bodyMayBeEvent(record)) return undefined
      const body = SqsMessage.parsedBody(record, budget)
      if (
        body === undefined ||
        !(EventBridgeEvent.hasDetailType(body) || EventBridgeEvent.hasLiftedCarrier(body, true))
      ) return undefined
      return EventBridgeEvent.candidates(body, budget, env.decoders, { prefix: "body.", withStepFunctions: true })
    }, "EventBridge event body")
})

/** AppSync resolver events: the request headers. */
export const appSync: Trigger = eventTrigger({
  name: "appsync",
  accepts: AppSyncEvent.isAppSyncEvent,
  *program(env, event) {
    const headers = AppSyncEvent.requestHeaders(event, env.decoders)
    if (headers === undefined) return Program.nothing("no request.headers object")
    const context = yield* Program.propagate<never>(headers)
    return context === undefined ? Program.nothing("no trace context in request.headers") : Program.found(context)
  }
})

/**
 * SQS records: the `_datadog` message attribute (`stringValue` JSON written by dd-trace, or `binaryValue` base64
 * JSON when SNS raw message delivery copied a `Binary` attribute), a Step Functions context object in it, then the
 * `AWSTraceHeader` system attribute when it carries a Datadog-padded trace id (dd-trace-java).
 */
export const sqs: Trigger = eventTrigger({
  name: "sqs",
  accepts: SqsMessage.isSqsEvent,
  group: records,
  *program(env, event) {
    const items = RecordBatch.records(event)
    if (items === undefined) return Program.nothing()
    return yield* Program.scanOutcome(env, "sqs", items, (record, _index, budget) =>
      RecordBatch.candidates(
        SqsMessage.datadogAttribute(record, budget, env.decoders),
        SqsMessage.awsTraceHeader(record, "sqs")
      ))
  }
})

/** Kinesis records: the `_datadog` object of each record's base64 JSON data. */
export const kinesis: Trigger = eventTrigger({
  name: "kinesis",
  accepts: KinesisRecord.isKinesisEvent,
  group: records,
  *program(env, event) {
    const items = RecordBatch.records(event)
    if (items === undefined) return Program.nothing()
    return yield* Program.scanOutcome(
      env,
      "kinesis",
      items,
      (record, _index, budget) => RecordBatch.candidates(KinesisRecord.candidate(record, budget))
    )
  }
})

/**
 * EventBridge events: `detail._datadog` (an object, or JSON text of one), or a `_datadog` object an input
 * transformer lifted to the top level.
 */
export const eventBridge: Trigger = eventTrigger({
  name: "eventbridge",
  accepts: EventBridgeEvent.isEventBridgeShaped,
  program: (env, event) =>
    Program.scanOutcome(
      env,
      "eventbridge",
      [event],
      (item, _index, budget) => EventBridgeEvent.candidates(item, budget, env.decoders),
      { single: true }
    )
})

/**
 * Step Functions context objects, with Datadog's deterministic SHA-256 ids: the event itself, `Payload`-wrapped,
 * or under `_datadog` (JSONata / `v1`). Sampling priority is always 1; no propagator is involved.
 */
export const stepFunctions: Trigger = eventTrigger({
  name: "step-functions",
  accepts: (event) => {
    if (typeof event !== "object" || event === null) return false
    const record = event as Readonly<Record<string, unknown>>
    return typeof record["_datadog"] === "object" || typeof record["Payload"] === "object" ||
      (typeof record["Execution"] === "object" && typeof record["State"] === "object")
  },

  *program(env, event) {
    const parsed = StepFunctionsContext.parse(event)
    if (parsed === undefined) {
      return StepFunctionsContext.unwrap(event) === undefined
        ? Program.nothing("no Step Functions context object")
        : Program.nothing(
          "context object without a usable trace: v1 with neither RootExecutionId nor propagated " +
            "x-datadog-trace-id/x-datadog-tags, or a field over the length bound"
        )
    }
    const fields = StepFunctionsContext.toContextFields(parsed, "step-functions")
    return fields === undefined
      ? {
        _tag: "Malformed",
        reason: "MalformedCarrier",
        detail: "the propagated x-datadog-trace-id is not an unsigned 64-bit decimal"
      }
      : Program.found(env.make(fields), `${parsed.kind} context object`)
  }
})

/**
 * Kafka records from Amazon MSK (`aws:kafka`) and self-managed clusters (`SelfManagedKafka`): each record's trace
 * headers form the carrier. Records are read across partitions in delivery order.
 */
export const kafka: Trigger = eventTrigger({
  name: "kafka",
  accepts: KafkaEvent.isKafkaEvent,
  *program(env, event) {
    const { items, total } = KafkaEvent.records(event)
    if (items.length === 0) return Program.nothing("no records")
    return yield* Program.scanOutcome(
      env,
      "kafka",
      items,
      (record, _index, budget) => RecordBatch.candidates(KafkaEvent.candidate(record, budget)),
      { total }
    )
  }
})

/** The Lambda context's client context (`clientContext.custom`, or its `_datadog` object), set by an invoking client. */
export const lambdaContext: Trigger = {
  name: "lambda-context",
  accepts: (_event, lambdaContext) => LambdaClientContext.hasClientContext(lambdaContext),
  *program(env, _event, lambdaContext) {
    const carrier = LambdaClientContext.carrier(lambdaContext, env.decoders)
    if (carrier === undefined) return Program.nothing("no clientContext.custom object")
    const context = yield* Program.propagate<never>(carrier)
    return context === undefined
      ? Program.nothing("no trace context in clientContext.custom")
      : Program.found(context)
  }
}

// The outcome of most invocations outside a traced caller: one frozen constant per source (results hold its notes).
const notSet = (from: XRayHeaderSource): Program.Outcome<never> =>
  Object.freeze({ _tag: "Nothing", notes: Object.freeze([`${HEADER_SOURCE_NAME[from]} is not set`]) })
const NOT_SET: Readonly<Record<XRayHeaderSource, Program.Outcome<never>>> = {
  context: notSet("context"),
  environment: notSet("environment")
}

const xRayMalformed = (from: XRayHeaderSource): Program.Outcome<never> => ({
  _tag: "Malformed",
  reason: "MalformedCarrier",
  detail: `${HEADER_SOURCE_NAME[from]} is not an X-Ray header with a well-formed Root and Parent (or its ids are zero)`
})

/** Reads an X-Ray header: Datadog's ids when Datadog wrote the root, else X-Ray's ids converted. */
export const fromXRayHeader = <C extends RecordBatch.ContextIds>(
  env: Program.Env<C>,
  header: string | undefined,
  from: XRayHeaderSource
): Program.Outcome<C> => {
  if (header === undefined || header.trim() === "") return NOT_SET[from]
  const parsed = XRayHeader.parse(header)
  if (parsed === undefined) return xRayMalformed(from)
  const padded = XRayHeader.isDatadogPadded(parsed)
  const fields: ContextFields | undefined = padded
    ? XRayHeader.datadogContext(parsed, "xray")
    : XRayHeader.fallbackContext(parsed, "xray")
  if (fields === undefined) return xRayMalformed(from)
  return Program.found(
    env.make(fields),
    padded
      ? "Datadog-written X-Ray root: Datadog ids, Sampled trusted"
      : "X-Ray ids converted (trace id = root mod 2^63); Sampled not used as a Datadog decision"
  )
}

/**
 * The final fallback: the invocation's X-Ray header. A root Datadog wrote (`Root=1-<epoch>-00000000<16 hex>`)
 * gives Datadog's ids and sampling decision; any other header is converted as datadog-lambda-js does, but without
 * a sampling priority: X-Ray's `Sampled` is not a Datadog decision. No `accepts` guard: the header comes from
 * configuration, which a pure guard cannot read.
 */
export const xRay: Trigger = {
  name: "xray",
  program(env, _event, lambdaContext) {
    // Under the current runtimes the header is on the Lambda context: no request, no program.
    const known = contextXRayHeader(lambdaContext)
    return known === undefined ? fromEnvironment(env) : fromXRayHeader(env, known.header, known.from)
  }
}

function* fromEnvironment<C extends RecordBatch.ContextIds>(env: Program.Env<C>): Program.Program<C> {
  return fromXRayHeader(env, yield* Program.xRayHeader(), "environment")
}
