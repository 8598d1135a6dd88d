/**
 * Shared setup of the serverless-span tests: every real event (examples/events, test/fixtures/triggers,
 * test/fixtures/serverless), Lambda contexts, and datadog-lambda-js 12.143 as the reference, computed in process
 * from its own modules:
 *
 * - `trigger.js`'s exported `parseEventSource`, `extractTriggerTags` and `extractHTTPStatusCodeTag`;
 * - `span-inferrer.js`'s `SpanInferrer`, over a recording tracer (a `startSpan` that records its options, spans
 *   whose `finish` records its time): the inferred spans it would start, their parents and times;
 * - `listener.js`'s `TraceListener.onWrap` on an instance whose state is set as `onStartInvocation` leaves it, over
 *   a recording `tracerWrapper.wrap`: the options of its `aws.lambda` span;
 * - `step-function-service.js`'s `StepFunctionContextService` and `utils/cold-start.js`.
 *
 * dd-trace is not loaded: what these record is what datadog-lambda-js hands dd-trace, and {@link formatTags}
 * formats it as dd-trace's `span_format.js` does (strings to meta, numbers to metrics, booleans to 1/0,
 * `service.name` / `resource.name` / `span.type` to the span's fields, the `_inferred_span` object flattened). The
 * agent-level comparison (both wrappers into the test agent) comes with the tracer.
 */
import * as fc from "fast-check"
import { createRequire } from "node:module"
import * as path from "node:path"
import type * as SpanDescription from "../../src/internal/serverless/spanDescription.js"
import { jsonFiles, readJson, root } from "../support/fixtures.js"
import { runtimeContext } from "../support/lambdaContext.js"

const dirs = ["examples/events", "test/fixtures/triggers", "test/fixtures/serverless"]

/** Every event file, as `dir/name.json` relative to the repository. */
export const eventFiles: ReadonlyArray<string> = dirs.flatMap((dir) =>
  [...jsonFiles(path.join(root, dir))].sort().map((name) => `${dir}/${name}`)
)

/** A fresh copy of an event file. */
export const event = (file: string): unknown => readJson(path.join(root, file))

/** The Lambda contexts every event runs with: the runtime's, and the same invoked through an alias and a version. */
export const contexts: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["unqualified", runtimeContext(undefined)],
  ["alias", {
    ...runtimeContext(undefined),
    invokedFunctionArn: `${runtimeContext(undefined).invokedFunctionArn}:Live`
  }],
  ["version", { ...runtimeContext(undefined), invokedFunctionArn: `${runtimeContext(undefined).invokedFunctionArn}:7` }]
]

/** The invocation's start in every comparison (a fixed clock: both sides get the same "now"). */
export const NOW = 1_733_143_900_000

// ---------------------------------------------------------------------------------------------------------------
// datadog-lambda-js

const require = createRequire(import.meta.url)
const dist = path.dirname(require.resolve("datadog-lambda-js/dist/trace/listener.js"))

interface LambdaContextLike {
  readonly invokedFunctionArn?: unknown
  readonly functionName?: unknown
  readonly awsRequestId?: unknown
}

const trigger = require(path.join(dist, "trigger.js")) as {
  parseEventSource(event: unknown): string | undefined
  extractTriggerTags(event: unknown, context: unknown, source: string | undefined): Record<string, unknown>
  extractHTTPStatusCodeTag(
    tags: Record<string, unknown> | undefined,
    result: unknown,
    isResponseStreamFunction?: boolean
  ): string | undefined
}

const { SpanInferrer } = require(path.join(dist, "span-inferrer.js")) as {
  SpanInferrer: {
    new(tracer: unknown): {
      createInferredSpan(event: unknown, context: unknown, parent: unknown, decodeAuthorizerContext?: boolean): unknown
    }
    serviceMapping: Record<string, string>
  }
}

const { TraceListener } = require(path.join(dist, "listener.js")) as {
  TraceListener: { prototype: { onWrap(fn: () => unknown): unknown } }
}

const { StepFunctionContextService } = require(path.join(dist, "step-function-service.js")) as {
  StepFunctionContextService: new(event: unknown) => { context?: Record<string, unknown> }
}

/**
 * The module `listener.js` reads cold starts from. Files that set its state reset it when they end (test files
 * share their worker's modules).
 */
/** datadog-lambda-js's durable tags (`durable-function-context.js`), which it writes as the invocation ends. */
export const referenceDurableTags = require(path.join(dist, "durable-function-context.js")) as {
  readonly extractDurableFunctionContext: (event: unknown) => Record<string, string> | undefined
  readonly extractDurableExecutionStatus: (event: unknown, result: unknown) => string | undefined
}

export const coldStart = require(path.join(dist, "../utils/cold-start.js")) as {
  setSandboxInit(initTime: number, invocationStartTime: number): void
  didFunctionColdStart(): boolean
  isProactiveInitialization(): boolean
  _resetColdStart(): void
}

/** The value dd-trace's `span_format.js` writes for a tag, or `undefined` when it writes none. */
const formatted = (value: unknown): string | number | undefined => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      return Number.isNaN(value) ? undefined : value
    case "boolean":
      return value ? 1 : 0
    default:
      return undefined
  }
}

/** A span as the agent would see its name, service, resource, type and tags. */
export interface Formatted {
  readonly service: string | undefined
  readonly resource: string | undefined
  readonly type: string | undefined
  readonly tags: SpanDescription.Tags
}

/**
 * Formats the tags datadog-lambda-js hands dd-trace as dd-trace writes them. One intended difference is built in:
 * dd-trace flattens any object-valued tag one level (`key.field`); datadog-lambda-js's only object tag is
 * `_inferred_span`, and only that one is flattened here, because an object copied from a malformed event (a
 * record's `Type` replaced by an object) is dropped by the library rather than spread into tag names.
 */
export const formatTags = (tags: Readonly<Record<string, unknown>>): Formatted => {
  const out: Record<string, string | number> = {}
  let service: string | undefined
  let resource: string | undefined
  let type: string | undefined
  for (const [key, value] of Object.entries(tags)) {
    if (key === "service.name") service = typeof value === "string" ? value : undefined
    else if (key === "resource.name") resource = typeof value === "string" ? value : undefined
    else if (key === "span.type") type = typeof value === "string" ? value : undefined
    else if (key === "_inferred_span" && typeof value === "object" && value !== null) {
      for (const [field, nested] of Object.entries(value)) {
        const written = formatted(nested)
        if (written !== undefined) out[`${key}.${field}`] = written
      }
    } else {
      const written = formatted(value)
      if (written !== undefined) out[key] = written
    }
  }
  return { service, resource, type, tags: out }
}

/** datadog-lambda-js's trigger tags for an event, formatted; `undefined` where it throws (and tags nothing). */
export const referenceTrigger = (
  input: unknown,
  context: LambdaContextLike | undefined
): { readonly source: string | undefined; readonly tags: SpanDescription.Tags } | undefined => {
  const copy = structuredClone(input)
  try {
    const source = trigger.parseEventSource(copy)
    return { source, tags: formatTags(trigger.extractTriggerTags(copy, context, source)).tags }
  } catch {
    return undefined
  }
}

/** What datadog-lambda-js does with a status code it cannot write as a string: it throws from its wrapper. */
export const THROWS = Symbol("throws")

/** datadog-lambda-js's `http.status_code` for a response ({@link THROWS} where it throws). */
export const referenceStatusCode = (
  input: unknown,
  context: LambdaContextLike,
  response: unknown,
  responseStreaming = false
): string | undefined | typeof THROWS => {
  const copy = structuredClone(input)
  const tags = trigger.extractTriggerTags(copy, context, trigger.parseEventSource(copy))
  try {
    return trigger.extractHTTPStatusCodeTag(tags, response, responseStreaming)
  } catch {
    return THROWS
  }
}

/** The stand-in for the upstream context datadog-lambda-js parents the first inferred span on. */
const UPSTREAM = Symbol("upstream")

/** An inferred span as datadog-lambda-js starts it. */
export interface ReferenceSpan extends Formatted {
  readonly name: string
  /** `-1` for the upstream context, else the index of the parent span. */
  readonly parent: number
  readonly startTime: number
  /** When datadog-lambda-js finishes it: its own finish time, `NOW` if asynchronous, else `undefined`. */
  readonly endTime: number | undefined
  readonly isAsync: boolean
}

interface Recording {
  readonly name: string
  readonly options: {
    readonly tags: Record<string, unknown>
    readonly startTime?: unknown
    readonly childOf?: unknown
  }
  readonly handle: object
  finishedAt?: unknown
}

/**
 * The inferred spans datadog-lambda-js starts for an event, root first; `undefined` where it throws. `env` is the
 * environment it reads (`DD_SERVICE`, `DD_SERVICE_MAPPING`, `DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED`,
 * `DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED`), set for the call only.
 */
export const referenceInferred = (
  input: unknown,
  context: LambdaContextLike | undefined,
  options: {
    readonly decodeAuthorizerContext?: boolean
    readonly env?: Readonly<Record<string, string>>
  } = {}
): ReadonlyArray<ReferenceSpan> | undefined => {
  const recorded: Array<Recording> = []
  const tracer = {
    startSpan: (name: string, spanOptions: Recording["options"]) => {
      const handle = {}
      const recording: Recording = { name, options: spanOptions, handle }
      recorded.push(recording)
      return Object.assign(handle, {
        _startTime: spanOptions.startTime,
        finish: (time: unknown) => {
          recording.finishedAt = time
        },
        setTag: () => undefined
      })
    }
  }
  let main: { isAsync(): boolean } | undefined
  let threw = false
  const mapping = SpanInferrer.serviceMapping
  withEnv(options.env ?? {}, () => {
    // A map without a prototype: datadog-lambda-js's `{}` answers `__proto__`, `constructor`, ... with
    // `Object.prototype`'s members (a queue named `constructor` gets a function as its service); the library reads
    // only the mapping's own entries. Intended difference, on such names only.
    SpanInferrer.serviceMapping = Object.create(null)
    try {
      main = new SpanInferrer(tracer).createInferredSpan(
        structuredClone(input),
        context,
        UPSTREAM,
        options.decodeAuthorizerContext ?? true
      ) as typeof main
    } catch {
      threw = true
    } finally {
      SpanInferrer.serviceMapping = mapping
    }
  })
  if (threw) return undefined
  if (main === undefined) return []
  const isAsync = main.isAsync()
  return recorded.map((span, index) => {
    const last = index === recorded.length - 1
    // dd-trace starts a span at its `startTime` option unless it is falsy (then now), and `finish(t)` parses `t`,
    // falling back to now.
    const start = span.options.startTime
    const finished = span.finishedAt === undefined ? NaN : Number.parseFloat(String(span.finishedAt))
    return {
      name: span.name,
      ...formatTags(span.options.tags),
      parent: span.options.childOf === UPSTREAM ? -1 : recorded.findIndex((r) => r.handle === span.options.childOf),
      startTime: startTime(start),
      endTime: !last ? (finished || NOW) : isAsync ? NOW : undefined,
      isAsync: last ? isAsync : false
    }
  })
}

/**
 * The start dd-trace gives a span asked to start at `start`: `start` when truthy, else now. Intended difference: a
 * truthy value that is not a number (`"abc"`, `"0"`, an object, from a malformed event) is kept by dd-trace, which
 * then writes `NaN` or its numeric value; the library reads it as a number, and starts the span now when that is
 * `NaN` or `0`.
 */
const startTime = (start: unknown): number => {
  const time = Number(start)
  return Number.isNaN(time) || time === 0 ? NOW : time
}

/** datadog-lambda-js's `aws.lambda` span options: name, service, resource, type and formatted tags. */
export const referenceInvocation = (
  input: unknown,
  context: LambdaContextLike | undefined,
  state: {
    /** `TraceSource` of the extracted context: `event`, `xray`, or none. */
    readonly traceSource: "event" | "xray" | null
    readonly mergeDatadogXrayTraces?: boolean
    /** Whether its extraction reached the Step Functions stage (nothing earlier found a context). */
    readonly stepFunctionsStage: boolean
    readonly ddTraceVersion: string
    readonly env?: Readonly<Record<string, string>>
  }
): { readonly name: string } & Formatted => {
  const copy = structuredClone(input)
  const stepFunctionsInput = referenceStepFunctionsInput(copy)
  let recorded: { name: string; options: Record<string, unknown> } | undefined
  const listener = Object.assign(Object.create(TraceListener.prototype) as typeof TraceListener.prototype, {
    config: { mergeDatadogXrayTraces: state.mergeDatadogXrayTraces ?? false },
    context,
    contextService: { traceSource: state.traceSource },
    triggerTags: trigger.extractTriggerTags(copy, context, trigger.parseEventSource(copy)),
    stepFunctionContext: stepFunctionsInput.carrier
      ? new StepFunctionContextService(stepFunctionsInput.value).context
      : state.stepFunctionsStage
      ? new StepFunctionContextService(copy).context
      : undefined,
    lambdaSpanParentContext: undefined,
    tracerWrapper: {
      tracerVersion: state.ddTraceVersion,
      wrap: (name: string, options: Record<string, unknown>, fn: unknown) => {
        recorded = { name, options }
        return fn
      }
    }
  })
  withEnv(state.env ?? {}, () => listener.onWrap(() => undefined))
  const options = recorded!.options
  const tags = formatTags((options["tags"] ?? {}) as Record<string, unknown>).tags
  return {
    name: recorded!.name,
    service: typeof options["service"] === "string" ? options["service"] : undefined,
    resource: typeof options["resource"] === "string" ? options["resource"] : undefined,
    type: typeof options["type"] === "string" ? options["type"] : undefined,
    tags
  }
}

const SERVICE_VARIABLES = [
  "DD_SERVICE",
  "DD_SERVICE_MAPPING",
  "DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED",
  "DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED"
] as const

/** Runs `f` with exactly `env` set among the variables datadog-lambda-js's span code reads, then restores them. */
const withEnv = (env: Readonly<Record<string, string>>, f: () => void): void => {
  const saved = SERVICE_VARIABLES.map((name) => [name, process.env[name]] as const)
  for (const name of SERVICE_VARIABLES) {
    if (env[name] === undefined) delete process.env[name]
    else process.env[name] = env[name]
  }
  try {
    f()
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** `DD_SERVICE_MAPPING` as datadog-lambda-js's `SpanInferrer` parses it (into a fresh map). */
export const referenceServiceMapping = (text: string): Readonly<Record<string, string>> => {
  const mapping: Record<string, string> = Object.create(null)
  const saved = SpanInferrer.serviceMapping
  withEnv({ DD_SERVICE_MAPPING: text }, () => {
    SpanInferrer.serviceMapping = mapping
    ;(SpanInferrer as unknown as { initServiceMapping(): void }).initServiceMapping()
    SpanInferrer.serviceMapping = saved
  })
  return { ...mapping }
}

const { TraceContextExtractor } = require(path.join(dist, "context/extractor.js")) as {
  TraceContextExtractor: { prototype: { getTraceEventExtractor(event: unknown): unknown } }
}

/**
 * Whether datadog-lambda-js's extraction reaches its Step Functions stage for an event that none of its event
 * extractors handles (it has no extractor for the event's shape).
 */
export const referenceReachesStepFunctions = (input: unknown): boolean => referenceEventExtractor(input) === undefined

/** datadog-lambda-js's event extractor for `input` (`undefined` when none handles its shape), on a copy. */
const referenceEventExtractor = (input: unknown): unknown =>
  TraceContextExtractor.prototype.getTraceEventExtractor.call(
    { tracerWrapper: {}, config: { decodeAuthorizerContext: true } },
    structuredClone(input)
  )

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const triggerKeys = [
  "requestContext",
  "Records",
  "headers",
  "multiValueHeaders",
  "version",
  "rawQueryString",
  "rawPath",
  "routeKey",
  "httpMethod",
  "resource",
  "path",
  "awslogs",
  "source",
  "detail-type",
  "detail",
  "time",
  "resources",
  "Payload",
  "_datadog",
  "Execution",
  "State",
  "StateMachine",
  "eventSource",
  "eventSourceArn",
  "records"
] as const

const recordKeys = [
  "eventSource",
  "eventSourceARN",
  "eventName",
  "eventID",
  "eventTime",
  "Sns",
  "EventSubscriptionArn",
  "s3",
  "kinesis",
  "dynamodb",
  "cf",
  "attributes",
  "body",
  "receiptHandle"
] as const

const requestContextKeys = [
  "stage",
  "domainName",
  "http",
  "httpMethod",
  "path",
  "routeKey",
  "apiId",
  "elb",
  "messageDirection",
  "requestTimeEpoch",
  "timeEpoch",
  "authorizer",
  "requestId"
] as const

/**
 * Any JSON value, and objects shaped like trigger events at the first levels (top-level keys, a `requestContext`,
 * `Records` of record-shaped objects), with arbitrary JSON under them.
 */
export const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...triggerKeys), fc.jsonValue({ maxDepth: 3 })),
  fc.record({
    requestContext: fc.dictionary(fc.constantFrom(...requestContextKeys), fc.jsonValue({ maxDepth: 2 })),
    version: fc.constantFrom("1.0", "2.0", undefined),
    rawQueryString: fc.constantFrom("", undefined),
    httpMethod: fc.constantFrom("GET", undefined),
    resource: fc.constantFrom("/orders", undefined),
    headers: fc.jsonValue({ maxDepth: 1 })
  }, { requiredKeys: ["requestContext"] }),
  fc.record({
    Records: fc.array(fc.dictionary(fc.constantFrom(...recordKeys), fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 })
  })
)

/** Any JSON value as a Lambda context, and objects with its fields. */
export const anyContext: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({
    functionName: fc.jsonValue({ maxDepth: 1 }),
    invokedFunctionArn: fc.oneof(fc.string(), fc.constant("arn:aws:lambda:us-east-1:1:function:f:Q"), fc.jsonValue()),
    awsRequestId: fc.jsonValue({ maxDepth: 1 })
  }, { requiredKeys: [] })
)

/**
 * What datadog-lambda-js first builds its Step Functions context from: its EventBridge extractor's carrier
 * (`detail._datadog`) when that extractor runs and dd-trace finds no trace headers in the carrier
 * (`extractTraceContext`), else the event (its Step Functions stage).
 */
export const referenceStepFunctionsInput = (input: unknown): { readonly carrier: boolean; readonly value: unknown } => {
  const extractor = referenceEventExtractor(input) as { constructor: { name: string } } | undefined
  const headers = (input as { detail?: { _datadog?: unknown } } | null)?.detail?._datadog
  if (extractor?.constructor.name !== "EventBridgeEventTraceExtractor" || !headers) {
    return { carrier: false, value: input }
  }
  const traced = typeof headers === "object" &&
    ((headers as any)["x-datadog-trace-id"] !== undefined || (headers as any)["traceparent"] !== undefined)
  return { carrier: true, value: traced ? undefined : headers }
}

/** The Step Functions context tags datadog-lambda-js puts on its `aws.lambda` span; `THROWS` where it throws. */
export const referenceStepFunctionsTags = (input: unknown): SpanDescription.Tags | undefined | typeof THROWS => {
  try {
    const context = new StepFunctionContextService(structuredClone(referenceStepFunctionsInput(input).value)).context
    return context === undefined ? undefined : formatTags(context).tags
  } catch {
    return THROWS
  }
}
