// The invocations the end-to-end tests run through real dd-trace (test/support/e2e/driver.ts) and what each one
// carries upstream. Every event has a `testCase` key: the handlers tag their inner span with it, so the test finds
// each invocation's chunk among those the agent received.
import { fixture as readFixture } from "../fixtures.js"

export type Behaviour = "ok" | "fail" | "http"

export interface Upstream {
  readonly traceId: string
  readonly parentId: string
  /** `undefined`: the upstream made no decision. */
  readonly priority: number | undefined
  readonly origin?: string
  readonly tid?: string
  readonly dm?: string
}

export interface Case {
  readonly name: string
  readonly behaviour: Behaviour
  readonly event: Record<string, unknown>
  /** The context the invocation continues (for a batch: record 1's). */
  readonly upstream: Upstream
  /** Batch records 2..n, which become links. */
  readonly links?: ReadonlyArray<{ readonly traceId: string; readonly parentId: string }>
  /** Runs through the OpenTelemetry path as well. */
  readonly otel?: boolean
}

const fixture = (name: string): Record<string, any> => readFixture("triggers", name)

/** An API Gateway REST (v1) request with these headers (in `headers` and `multiValueHeaders`, as AWS sends). */
export const apiGateway = (headers: Record<string, string>): Record<string, unknown> => {
  const base = fixture("apigw-v1")
  const all: Record<string, string> = {
    Accept: "*/*",
    "Content-Type": "application/json",
    Host: "1234567890.execute-api.us-east-1.amazonaws.com",
    ...headers
  }
  return {
    ...base,
    headers: all,
    multiValueHeaders: Object.fromEntries(Object.entries(all).map(([key, value]) => [key, [value]]))
  }
}

const datadogHeaders = (upstream: Upstream): Record<string, string> => {
  const tags = [
    upstream.dm === undefined ? [] : [`_dd.p.dm=${upstream.dm}`],
    upstream.tid === undefined ? [] : [
      `_dd.p.tid=${upstream.tid}`
    ]
  ].flat()
  return {
    "x-datadog-trace-id": upstream.traceId,
    "x-datadog-parent-id": upstream.parentId,
    ...(upstream.priority === undefined ? {} : { "x-datadog-sampling-priority": String(upstream.priority) }),
    ...(upstream.origin === undefined ? {} : { "x-datadog-origin": upstream.origin }),
    ...(tags.length === 0 ? {} : { "x-datadog-tags": tags.join(",") })
  }
}

const datadogCase = (name: string, upstream: Upstream, behaviour: Behaviour = "ok", otel = false): Case => ({
  name,
  behaviour,
  event: { ...apiGateway(datadogHeaders(upstream)), testCase: name },
  upstream,
  otel
})

// SQS records as dd-trace injects them (the `_datadog` message attribute).
const sqsRecord = (index: number, traceId: string, parentId: string, priority: number): Record<string, unknown> => {
  const base = fixture("sqs").Records[0]
  return {
    ...base,
    messageId: `00000000-0000-4000-8000-00000000000${index}`,
    receiptHandle: `handle-${index}`,
    messageAttributes: {
      _datadog: {
        stringValue: JSON.stringify({
          "x-datadog-trace-id": traceId,
          "x-datadog-parent-id": parentId,
          "x-datadog-sampling-priority": String(priority)
        }),
        stringListValues: [],
        binaryListValues: [],
        dataType: "String"
      }
    }
  }
}

const w3c: Upstream = {
  // traceparent 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01
  traceId: BigInt("0x8448eb211c80319c").toString(),
  parentId: BigInt("0xb7ad6b7169203331").toString(),
  priority: 2,
  origin: "rum",
  tid: "0af7651916cd43dd",
  dm: "-4"
}

/** The cases, in the order the driver runs them. */
export const cases = (sampleRate: "0" | "1"): ReadonlyArray<Case> => {
  const base = sampleRate === "1" ? 1_000 : 2_000
  const id = (n: number) => String(1234567890123450000n + BigInt(base + n))
  const all: Array<Case> = [
    datadogCase(
      "datadog-priority-2",
      {
        traceId: id(1),
        parentId: "987654321987654321",
        priority: 2,
        origin: "synthetics",
        tid: "6a5f3e2100000000",
        dm: "-4"
      },
      "ok",
      true
    ),
    datadogCase("datadog-priority-0", { traceId: id(2), parentId: "987654321987654322", priority: 0 }),
    datadogCase("datadog-priority--1", { traceId: id(3), parentId: "987654321987654323", priority: -1, dm: "-4" }),
    datadogCase(
      "datadog-undecided",
      {
        traceId: id(4),
        parentId: "987654321987654324",
        priority: undefined,
        tid: "6a5f3e2100000000"
      },
      "ok",
      true
    )
  ]
  if (sampleRate === "0") return all
  const sqs: Upstream = { traceId: "1111111111111111111", parentId: "2222222222222222222", priority: 1 }
  const links = [
    { traceId: "3333333333333333333", parentId: "4444444444444444444" },
    { traceId: "5555555555555555555", parentId: "6666666666666666666" }
  ]
  return [
    ...all,
    {
      name: "w3c",
      behaviour: "ok",
      event: {
        ...apiGateway({
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          tracestate: "dd=s:2;o:rum;t.dm:-4"
        }),
        testCase: "w3c"
      },
      upstream: w3c,
      otel: true
    },
    {
      name: "sqs-batch",
      behaviour: "ok",
      event: {
        Records: [
          sqsRecord(1, sqs.traceId, sqs.parentId, 1),
          ...links.map((link, index) => sqsRecord(index + 2, link.traceId, link.parentId, 1))
        ],
        testCase: "sqs-batch"
      },
      upstream: sqs,
      links,
      otel: true
    },
    datadogCase("failing", { traceId: id(7), parentId: "987654321987654327", priority: 1 }, "fail"),
    datadogCase("http", {
      traceId: id(8),
      parentId: "987654321987654328",
      priority: 2,
      tid: "6a5f3e2100000000",
      dm: "-4"
    }, "http")
  ]
}

/** The Lambda context both wrappers get (the reference capture's). */
export const lambdaContext = {
  functionName: "my-fn",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:my-fn",
  memoryLimitInMB: "1024",
  awsRequestId: "8f5b2c1e-1111-2222-3333-444455556666",
  logGroupName: "/aws/lambda/my-fn",
  logStreamName: "2026/11/25/[$LATEST]0123456789abcdef",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined
}

/** The durable cases' upstream: what the first invocation's input payload carries (no sampling decision). */
export const durableUpstream = {
  traceId: "7777777777777777777",
  parentId: "8888888888888888888",
  tid: "6b06000000000000"
}

/** The runs of each case: our contract handler, datadog-lambda-js's datadog() alone, ours under datadog(), OTel. */
export type Run = "ours" | "peer" | "joined" | "otel"

/** Every `[case, run]` the driver makes for `all`: the agent has the whole run when it has a chunk for each. */
export const expectedRuns = (all: ReadonlyArray<Case>): ReadonlyArray<readonly [string, Run]> =>
  all.flatMap((testCase) => [
    [testCase.name, "ours"] as const,
    [testCase.name, "peer"] as const,
    [testCase.name, "joined"] as const,
    ...(testCase.otel === true ? [[testCase.name, "otel"] as const] : [])
  ])

/** What the driver reports besides the spans. */
export interface Report {
  /** `case/run` → the trace headers the loopback HTTP server received. */
  readonly httpHeaders: Record<string, Record<string, string>>
  /** `case/run` → the extractors of the attempts in CurrentExtraction. */
  readonly attempts: Record<string, ReadonlyArray<string>>
  /** The durable invocations: their statuses and the checkpoints the writer sent. */
  readonly durable: {
    readonly suspend: { readonly status: string; readonly checkpoints: ReadonlyArray<Record<string, string>> }
    /** The resume from dd-trace's `_datadog_0`, alone and under datadog(); extractors of the attempts. */
    readonly resume: { readonly status: string; readonly attempts: ReadonlyArray<string> }
    readonly joined: { readonly status: string; readonly attempts: ReadonlyArray<string> }
  }
  readonly ddTraceVersion: string
}
