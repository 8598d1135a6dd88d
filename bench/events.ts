/**
 * The benchmark's events, in the shapes AWS delivers them and with carriers exactly as dd-trace writes them.
 * Every case knows the context it carries so both extractors can be checked before anything is timed.
 */
import * as LambdaContexts from "../test/support/lambdaContext.js"

/** What a case carries: the ids both sides must find, or `undefined` when it has no upstream context. */
export interface Expected {
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority: number
}

/** One benchmark case: a name, the event, and the context it carries. */
export interface Case {
  readonly name: string
  readonly event: unknown
  readonly expected: Expected | undefined
}

/** A dd-trace context: low-64 decimal trace id, 16-hex `_dd.p.tid`, decimal parent id. */
interface Upstream {
  readonly traceId: string
  readonly tid: string
  readonly parentId: string
  readonly samplingPriority: number
  readonly decisionMaker: string
}

const upstream = (seed: number, samplingPriority = 1, decisionMaker = "-0"): Upstream => {
  // Deterministic, full-width 64-bit ids (dd-trace's ids are random u64s; the tid starts with epoch seconds).
  const low = (0x9e3779b97f4a7c15n * BigInt(seed + 1)) & 0x7fffffffffffffffn
  const parent = (0xc2b2ae3d27d4eb4fn * BigInt(seed + 7)) & 0x7fffffffffffffffn
  return {
    traceId: low.toString(),
    tid: `${(1795584939 + seed).toString(16)}00000000`,
    parentId: parent.toString(),
    samplingPriority,
    decisionMaker
  }
}

const expectedOf = (context: Upstream): Expected => ({
  traceId: context.traceId,
  parentId: context.parentId,
  samplingPriority: context.samplingPriority
})

const hex16 = (value: string): string => BigInt(value).toString(16).padStart(16, "0")

/** The Datadog-only headers dd-trace's durable plugin (and its SQS/SNS/Kinesis/EventBridge producers) write. */
const datadogHeaders = (context: Upstream): Record<string, string> => ({
  "x-datadog-trace-id": context.traceId,
  "x-datadog-parent-id": context.parentId,
  "x-datadog-sampling-priority": String(context.samplingPriority),
  "x-datadog-tags": `_dd.p.dm=${context.decisionMaker},_dd.p.tid=${context.tid}`
})

/** An SQS message's `_datadog` attribute, as dd-trace's SQS producer writes it. */
const datadogAttribute = (context: Upstream) => ({
  _datadog: {
    stringValue: JSON.stringify(datadogHeaders(context)),
    stringListValues: [],
    binaryListValues: [],
    dataType: "String"
  }
})

/** dd-trace's default injection (`datadog,tracecontext`), as an HTTP client sends it. */
const httpHeaders = (context: Upstream): Record<string, string> => ({
  ...datadogHeaders(context),
  traceparent: `00-${context.tid}${hex16(context.traceId)}-${hex16(context.parentId)}-01`,
  tracestate: `dd=s:${context.samplingPriority};p:${
    hex16(context.parentId)
  };t.dm:${context.decisionMaker};t.tid:${context.tid}`
})

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64")

const START = 1795584939148

const operationId = (index: number): string =>
  ((0x6a09e667f3bcc908n * BigInt(index + 11)) & 0xffffffffffffffffn).toString(16).padStart(16, "0")

const EXECUTION_ID = "0e230abf-5776-46dc-9e0f-77c816e26afa"
const EXECUTION_ARN =
  `arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/order-4711/${EXECUTION_ID}`

/** The user's ordinary operations: steps with JSON results, waits and child contexts, as the SDK records them. */
const userOperation = (index: number): Record<string, unknown> => {
  const started = START + index * 37
  switch (index % 4) {
    case 1:
    case 2:
      return {
        Id: operationId(index),
        Name: `charge-item-${index}`,
        Type: "STEP",
        SubType: "Step",
        Status: "SUCCEEDED",
        StartTimestamp: started,
        EndTimestamp: started + 12,
        StepDetails: {
          Attempt: 1,
          Result: JSON.stringify({ itemId: `item-${index}`, amount: index * 3, currency: "EUR", ok: true })
        }
      }
    case 3:
      return {
        Id: operationId(index),
        Type: "WAIT",
        SubType: "Wait",
        Status: "SUCCEEDED",
        StartTimestamp: started,
        EndTimestamp: started + 2000,
        WaitDetails: { ScheduledEndTimestamp: started + 2000 }
      }
    default:
      return {
        Id: operationId(index),
        Name: `batch-${index}`,
        Type: "CONTEXT",
        SubType: "RunInChildContext",
        Status: "SUCCEEDED",
        StartTimestamp: started,
        EndTimestamp: started + 40,
        ContextDetails: { Result: JSON.stringify({ processed: index }) }
      }
  }
}

/** A `_datadog_{n}` checkpoint as the dd-trace durable plugin saves it (STEP, upper-case sub type, JSON result). */
const checkpoint = (index: number, n: number, context: Upstream): Record<string, unknown> => ({
  Id: operationId(index),
  Name: `_datadog_${n}`,
  Type: "STEP",
  SubType: "STEP",
  Status: "SUCCEEDED",
  StartTimestamp: START + index * 37,
  EndTimestamp: START + index * 37,
  StepDetails: { Attempt: 1, Result: JSON.stringify(datadogHeaders(context)) }
})

const executionOperation = (): Record<string, unknown> => ({
  Id: EXECUTION_ID,
  Name: "order-4711",
  Type: "EXECUTION",
  Status: "STARTED",
  StartTimestamp: START,
  ExecutionDetails: { InputPayload: JSON.stringify({ orderId: "order-4711", items: 3, customer: "c-81" }) }
})

const envelope = (operations: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> => ({
  DurableExecutionArn: EXECUTION_ARN,
  CheckpointToken: base64(JSON.stringify({ executionId: EXECUTION_ID, token: "t-2", invocationId: "i-3" })),
  InitialExecutionState: { Operations: operations, NextMarker: "" },
  UpdatedOperationIds: [operationId(operations.length - 2)]
})

/**
 * A durable re-invocation with `count` operations: the EXECUTION operation first, user operations, an older
 * `_datadog_0` checkpoint early on, and the newest checkpoint `_datadog_1` last. The two checkpoints differ in
 * their sampling decision, so a reader that picks the wrong one is caught.
 */
export const durable = (count: number): Case => {
  if (count < 3) throw new Error("a durable case needs at least 3 operations")
  const first = upstream(1)
  const newest = upstream(1, 2, "-4")
  const operations: Array<Record<string, unknown>> = [executionOperation()]
  const olderAt = Math.min(2, count - 2)
  for (let index = 1; index < count - 1; index++) {
    operations.push(index === olderAt ? checkpoint(index, 0, first) : userOperation(index))
  }
  operations.push(checkpoint(count - 1, 1, newest))
  return { name: `durable-${count}`, event: envelope(operations), expected: expectedOf(newest) }
}

/** A durable invocation whose state holds no checkpoint (tracing was off, or the first invocation). */
export const durableNoCheckpoint = (count = 10): Case => {
  const operations: Array<Record<string, unknown>> = [executionOperation()]
  for (let index = 1; index < count; index++) operations.push(userOperation(index))
  return { name: "durable-no-checkpoint", event: envelope(operations), expected: undefined }
}

/** API Gateway REST (v1) proxy event with dd-trace's default HTTP injection. */
export const apiGateway = (): Case => {
  const context = upstream(2)
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Accept-Encoding": "gzip, deflate, br",
    "CloudFront-Forwarded-Proto": "https",
    "CloudFront-Is-Desktop-Viewer": "true",
    "CloudFront-Viewer-Country": "DE",
    "Content-Type": "application/json",
    Host: "abc123.execute-api.us-east-1.amazonaws.com",
    "User-Agent": "node-fetch/1.0",
    Via: "2.0 f0d6c2b7c8c3f0c1.cloudfront.net (CloudFront)",
    "X-Amz-Cf-Id": "x7Kk3p1QmL0Zl3wS2dPq1rWb9Nc0VbE8u2FfQh3yTtY7s1k4mN9oPq==",
    "X-Amzn-Trace-Id": "Root=1-6a0b3c2d-0f1e2d3c4b5a69788796a5b4",
    "X-Forwarded-For": "203.0.113.7, 130.176.1.2",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
    ...httpHeaders(context)
  }
  const multiValueHeaders: Record<string, Array<string>> = {}
  for (const key of Object.keys(headers)) multiValueHeaders[key] = [headers[key]!]
  return {
    name: "api-gateway",
    expected: expectedOf(context),
    event: {
      resource: "/orders/{id}",
      path: "/orders/4711",
      httpMethod: "GET",
      headers,
      multiValueHeaders,
      queryStringParameters: { expand: "items" },
      multiValueQueryStringParameters: { expand: ["items"] },
      pathParameters: { id: "4711" },
      stageVariables: null,
      requestContext: {
        resourceId: "qx2k9a",
        resourcePath: "/orders/{id}",
        httpMethod: "GET",
        extendedRequestId: "Yq3wYHmRoAMFzQg=",
        requestTime: "25/Nov/2026:05:35:39 +0000",
        path: "/prod/orders/4711",
        accountId: "123456789012",
        protocol: "HTTP/1.1",
        stage: "prod",
        domainPrefix: "abc123",
        requestTimeEpoch: START,
        requestId: "5b1f3c1e-8d0a-4e8f-9a51-6c2b4f0d7e11",
        identity: { sourceIp: "203.0.113.7", userAgent: "node-fetch/1.0" },
        domainName: "abc123.execute-api.us-east-1.amazonaws.com",
        apiId: "abc123"
      },
      body: null,
      isBase64Encoded: false
    }
  }
}

/** SQS with dd-trace's `_datadog` string message attribute. */
export const sqs = (): Case => {
  const context = upstream(3)
  return {
    name: "sqs",
    expected: expectedOf(context),
    event: {
      Records: [{
        messageId: "059f36b4-87a3-44ab-83d2-661975830a7d",
        receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
        body: JSON.stringify({ orderId: "order-4711", items: 3 }),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "1795584939148",
          SenderId: "AIDAIENQZJOLO23YVJ4VO",
          ApproximateFirstReceiveTimestamp: "1795584939160"
        },
        messageAttributes: datadogAttribute(context),
        md5OfMessageAttributes: "c0c4b7f5a7f0e0bcb0c7d45bd2cc2c1e",
        md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders",
        awsRegion: "us-east-1"
      }]
    }
  }
}

/** An SQS batch of `size` records, each with its own upstream context; the first is the parent, the rest links. */
export const sqsBatch = (size: number): Case => {
  const first = sqs()
  const [record] = (first.event as { readonly Records: ReadonlyArray<Record<string, unknown>> }).Records
  const contexts = Array.from({ length: size }, (_, index) => index === 0 ? upstream(3) : upstream(20 + index))
  return {
    name: `sqs-batch-${size}`,
    expected: expectedOf(contexts[0]!),
    event: {
      Records: contexts.map((context, index) => ({
        ...record,
        messageId: `059f36b4-87a3-44ab-83d2-66197583${String(index).padStart(4, "0")}`,
        messageAttributes: datadogAttribute(context)
      }))
    }
  }
}

/** SNS with dd-trace's `_datadog` attribute (its producer writes `Binary`, so the subscriber sees base64). */
export const sns = (): Case => {
  const context = upstream(4)
  return {
    name: "sns",
    expected: expectedOf(context),
    event: {
      Records: [{
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: "arn:aws:sns:us-east-1:123456789012:orders:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: "arn:aws:sns:us-east-1:123456789012:orders",
          Subject: null,
          Message: JSON.stringify({ orderId: "order-4711", items: 3 }),
          Timestamp: "2026-11-25T05:35:39.148Z",
          SignatureVersion: "1",
          Signature: "tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==",
          SigningCertUrl: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
          UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:...",
          MessageAttributes: { _datadog: { Type: "Binary", Value: base64(JSON.stringify(datadogHeaders(context))) } }
        }
      }]
    }
  }
}

/** EventBridge with dd-trace's `detail._datadog` object. */
export const eventBridge = (): Case => {
  const context = upstream(5)
  return {
    name: "eventbridge",
    expected: expectedOf(context),
    event: {
      version: "0",
      id: "fd03f394-bf8d-4b5b-b2d4-4a9b1f3e3a1e",
      "detail-type": "OrderPlaced",
      source: "shop.orders",
      account: "123456789012",
      time: "2026-11-25T05:35:39Z",
      region: "us-east-1",
      resources: [],
      detail: { orderId: "order-4711", items: 3, _datadog: datadogHeaders(context) }
    }
  }
}

/** Kinesis with `_datadog` inside the base64 JSON record data. */
export const kinesis = (): Case => {
  const context = upstream(6)
  return {
    name: "kinesis",
    expected: expectedOf(context),
    event: {
      Records: [{
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: "order-4711",
          sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
          data: base64(JSON.stringify({ orderId: "order-4711", items: 3, _datadog: datadogHeaders(context) })),
          approximateArrivalTimestamp: 1795584939.148
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/lambda-role",
        awsRegion: "us-east-1",
        eventSourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
      }]
    }
  }
}

/** An S3 notification: a real trigger with no trace context, so every extractor runs and finds nothing. */
export const noContext = (): Case => ({
  name: "no-context",
  expected: undefined,
  event: {
    Records: [{
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2026-11-25T05:35:39.148Z",
      eventName: "ObjectCreated:Put",
      userIdentity: { principalId: "AWS:AIDAINPONIXQXHT3IKHL2" },
      requestParameters: { sourceIPAddress: "203.0.113.7" },
      responseElements: {
        "x-amz-request-id": "C3D13FE58DE4C810",
        "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
      },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "orders-upload",
        bucket: { name: "orders", ownerIdentity: { principalId: "A3NL1KOZZKExample" }, arn: "arn:aws:s3:::orders" },
        object: {
          key: "incoming/order-4711.json",
          size: 1024,
          eTag: "d41d8cd98f00b204e9800998ecf8427e",
          sequencer: "0A1B2C3D4E5F678901"
        }
      }
    }]
  }
})

/**
 * The event as the Lambda runtime hands it to the handler: parsed from the JSON payload (which also gives the
 * objects the shapes `JSON.parse` creates, not those of the literals above).
 */
export const delivered = (testCase: Case): Case => ({ ...testCase, event: JSON.parse(JSON.stringify(testCase.event)) })

/** The comparison cases, in report order. */
export const all = (): ReadonlyArray<Case> =>
  [
    durable(10),
    durable(1_000),
    durable(10_000),
    durableNoCheckpoint(),
    apiGateway(),
    sqs(),
    sns(),
    eventBridge(),
    kinesis(),
    noContext()
  ].map(delivered)

const legacyContext = process.env.BENCH_CONTEXT === "legacy"

/** Which context shape {@link lambdaContext} has, for reports. */
export const contextShape: string = legacyContext
  ? "legacy runtime (no xRayTraceId: both sides read _X_AMZN_TRACE_ID)"
  : "aws-lambda-ric 4.x (xRayTraceId on the context; datadog-lambda-js reads _X_AMZN_TRACE_ID)"

/**
 * The Lambda context object of a plain trigger invocation (no client context), as the Node.js runtime passes it.
 *
 * By default the shape of aws-lambda-ric 4.x's `ContextBuilder` (the nodejs22.x and later runtimes): every invoke
 * header's field is present, `xRayTraceId` included, `undefined` here because the bench's invocations carry no
 * X-Ray header (as `_X_AMZN_TRACE_ID` is unset, see tracer.ts). `BENCH_CONTEXT=legacy` gives the older runtimes'
 * shape instead, which has no `xRayTraceId`: the X-Ray fallback then reads `_X_AMZN_TRACE_ID` from the environment.
 * datadog-lambda-js reads the environment in both cases. The objects are the tests' (test/support/lambdaContext.ts).
 */
export const lambdaContext: Readonly<Record<string, unknown>> = legacyContext
  ? LambdaContexts.legacyContext()
  : LambdaContexts.runtimeContext(undefined)
