// The invocation span against datadog-lambda-js's TraceListener.onWrap (driven in process over a recording
// tracerWrapper.wrap), the response applied at the end, the options read from the environment, and totality.
import { assert, describe, it, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { afterAll } from "vitest"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import { names as extractorNames } from "../../src/internal/extractorName.js"
import * as ColdStart from "../../src/internal/serverless/coldStart.js"
import * as EventSource from "../../src/internal/serverless/eventSource.js"
import * as LambdaContext from "../../src/internal/serverless/lambdaContext.js"
import * as ServerlessSpans from "../../src/internal/serverless/serverlessSpans.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { mutationsOf } from "../support/mutations.js"
import {
  anyContext,
  anyEvent,
  coldStart,
  contexts,
  event,
  eventFiles,
  NOW,
  referenceDurableTags,
  referenceInvocation,
  referenceReachesStepFunctions,
  referenceServiceMapping,
  referenceStatusCode,
  referenceStepFunctionsTags,
  THROWS
} from "./support.js"

const DD_TRACE_VERSION = "5.132.0"

const options = (env: Record<string, string> = {}) => ServerlessSpans.fromEnv(env, { ddTraceVersion: DD_TRACE_VERSION })

/** The cold-start verdicts of a first invocation soon after init, one long after it, and a later one. */
const coldStarts: ReadonlyArray<readonly [string, ColdStart.Invocation, { init: number; starts: Array<number> }]> = [
  ["cold", ColdStart.invoke(ColdStart.make(NOW - 800), NOW)[0], { init: NOW - 800, starts: [NOW] }],
  ["proactive", ColdStart.invoke(ColdStart.make(NOW - 60_000), NOW)[0], { init: NOW - 60_000, starts: [NOW] }],
  ["warm", ColdStart.invoke(ColdStart.invoke(ColdStart.make(0), 1)[1], NOW)[0], { init: 0, starts: [1, NOW] }]
]

const extract = (input: unknown, context: unknown) => ExtractorChain.extract(input, context)

/** `describe` of a warm invocation with no extraction, under the first Lambda context. */
const describeWarm = (event: unknown, settings: ServerlessSpans.Options = options()) =>
  ServerlessSpans.describe(
    { event, context: contexts[0]![1], extraction: undefined, coldStart: coldStarts[2]![1], now: NOW },
    settings
  )

/** datadog-lambda-js's `TraceSource` for a context our chain found: X-Ray for the X-Ray fallback, else the event. */
const traceSourceOf = (extraction: ExtractionResult | undefined): "event" | "xray" | null => {
  const source = extraction === undefined
    ? undefined
    : Option.getOrUndefined(Option.map(extraction.context, (c) => c.source))
  return source === undefined ? null : source === "xray" ? "xray" : "event"
}

/**
 * Intended differences of the invocation span, applied to the reference's tags:
 *
 * - `datadog_lambda` (datadog-lambda-js's version) is not written: this library is not datadog-lambda-js, and a
 *   version of it that is not running would mislead whoever reads the span (support, version-specific behaviour).
 *   The library writes its own, `effect_datadog_lambda`. `dd_trace` is written as there, from the tracer in use.
 * - Kafka triggers are tagged (see EventSource.test.ts).
 * - The first invocation of a durable execution carries the trigger tags of its original event (the EXECUTION
 *   operation's input, whose upstream context the chain continues); datadog-lambda-js reads only the envelope.
 *
 * Not a difference: the durable tags (`aws.durable.execution_name`, ...), which datadog-lambda-js writes as the
 * invocation ends (`onEndingInvocation`, not the `onWrap` the reference drives) and we at its start.
 */
const intended = (
  reference: Record<string, string | number>,
  input: unknown,
  withContext: boolean,
  context?: unknown
): Record<string, string | number> => {
  const { datadog_lambda: _version, ...rest } = reference
  const tags = { ...rest, ...referenceDurableTags.extractDurableFunctionContext(input) }
  if (!withContext) return tags
  const kafka = EventSource.detect(input) === "kafka" ? EventSource.trigger(input, undefined)!.tags : {}
  const original = ServerlessSpans.durableTriggerEvent(input)
  const durableTrigger = original === undefined
    ? {}
    : EventSource.trigger(original, context as Parameters<typeof EventSource.trigger>[1])?.tags
  return { ...tags, ...kafka, ...durableTrigger, effect_datadog_lambda: ServerlessSpans.VERSION }
}

/** The reference keeps its verdict in module state: replay the process's invocations into it. */
const setReferenceColdStart = (scenario: { init: number; starts: Array<number> }) => {
  coldStart._resetColdStart()
  for (const start of scenario.starts) coldStart.setSandboxInit(scenario.init, start)
}

afterAll(() => coldStart._resetColdStart())

layer(DefaultChain.layerNative)("ServerlessSpans.describe on every real event, after the extractor chain", (it) => {
  for (const file of eventFiles) {
    it.effect(`${file}: the same name, service, resource, type and tags`, () =>
      Effect.gen(function*() {
        for (const [contextName, context] of contexts) {
          const input = event(file)
          const extraction = yield* extract(input, context)
          for (const [coldName, coldStart, scenario] of coldStarts) {
            setReferenceColdStart(scenario)
            const reference = referenceInvocation(input, context, {
              traceSource: traceSourceOf(extraction),
              stepFunctionsStage: referenceReachesStepFunctions(input),
              ddTraceVersion: DD_TRACE_VERSION
            })
            const ours = ServerlessSpans.describe({ event: input, context, extraction, coldStart, now: NOW }, options())
            const label = `${contextName} ${coldName}`
            assert.strictEqual(ours.invocation.name, reference.name, label)
            assert.strictEqual(ours.invocation.service, reference.service, label)
            assert.strictEqual(ours.invocation.resource, reference.resource, label)
            assert.strictEqual(ours.invocation.type, reference.type, label)
            assert.deepStrictEqual(
              ours.invocation.tags,
              intended({ ...reference.tags }, input, true, LambdaContext.read(context)),
              label
            )
            assert.strictEqual(ours.invocation.startTime, NOW)
            assert.isUndefined(ours.invocation.endTime)
          }
        }
      }))
  }
})

describe("ServerlessSpans.describe: the invocation span as datadog-lambda-js's listener.js", () => {
  it("writes _dd.parent_source and continues the upstream context as datadog-lambda-js, for every extractor", () => {
    const input = event("examples/events/sqs.json")
    const context = contexts[0]![1]
    for (const merge of [false, true]) {
      for (const source of [undefined, ...extractorNames]) {
        const extraction: ExtractionResult = {
          context: source === undefined
            ? Option.none()
            : Option.some(TraceContext.make({ traceId: "1", parentId: "2", source })),
          links: [],
          attempts: []
        }
        const ours = ServerlessSpans.describe(
          { event: input, context, extraction, coldStart: coldStarts[2]![1], now: NOW },
          { ...options(), mergeXrayTraces: merge }
        )
        const reference = referenceInvocation(input, context, {
          traceSource: traceSourceOf(extraction),
          mergeDatadogXrayTraces: merge,
          stepFunctionsStage: false,
          ddTraceVersion: DD_TRACE_VERSION
        })
        assert.strictEqual(ours.invocation.tags["_dd.parent_source"], reference.tags["_dd.parent_source"], source)
        // listener.js parents the first span on the extracted context exactly when it writes the tag.
        assert.strictEqual(ours.continuesUpstream, reference.tags["_dd.parent_source"] !== undefined, source)
      }
    }
  })

  it("names the service as datadog-lambda-js under DD_SERVICE and DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED", () => {
    const input = event("examples/events/apigw-v1.json")
    for (
      const env of [
        {},
        { DD_SERVICE: "  checkout  " },
        { DD_SERVICE: "   " },
        { DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED: "false" },
        { DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED: "0" },
        { DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED: "true", DD_SERVICE: "checkout" }
      ]
    ) {
      const ours = describeWarm(input, options(env))
      const reference = referenceInvocation(input, contexts[0]![1], {
        traceSource: null,
        stepFunctionsStage: false,
        ddTraceVersion: DD_TRACE_VERSION,
        env
      })
      assert.strictEqual(ours.invocation.service, reference.service, JSON.stringify(env))
    }
  })

  it("without a Lambda context: no context tags and the aws.lambda service, as datadog-lambda-js", () => {
    for (const file of eventFiles) {
      const input = event(file)
      const ours = ServerlessSpans.describe(
        { event: input, context: undefined, extraction: undefined, coldStart: coldStarts[0]![1], now: NOW },
        options()
      )
      const reference = referenceInvocation(input, undefined, {
        traceSource: null,
        stepFunctionsStage: referenceReachesStepFunctions(input),
        ddTraceVersion: DD_TRACE_VERSION
      })
      assert.deepStrictEqual(
        [ours.invocation.service, ours.invocation.resource, ours.invocation.tags],
        [reference.service, reference.resource, intended({ ...reference.tags }, input, false)],
        file
      )
    }
  })

  it("takes the function name from AWS_LAMBDA_FUNCTION_NAME when the Lambda context has none (intended: datadog-lambda-js leaves the resource and function name out)", () => {
    const { functionName: _name, ...context } = contexts[0]![1]
    const ours = ServerlessSpans.describe(
      { event: {}, context, extraction: undefined, coldStart: coldStarts[2]![1], now: NOW },
      options({ AWS_LAMBDA_FUNCTION_NAME: "Orders-Fn" })
    )
    assert.strictEqual(ours.invocation.resource, "Orders-Fn")
    assert.strictEqual(ours.invocation.service, "Orders-Fn")
    assert.strictEqual(ours.invocation.tags["functionname"], "orders-fn")
    const reference = referenceInvocation({}, context, {
      traceSource: null,
      stepFunctionsStage: false,
      ddTraceVersion: DD_TRACE_VERSION
    })
    assert.isUndefined(reference.resource)
    assert.isUndefined(reference.tags["functionname"])
  })

  it("uses the span name it is given", () => {
    const ours = ServerlessSpans.describe(
      { event: {}, context: contexts[0]![1], extraction: undefined, coldStart: coldStarts[2]![1], now: NOW },
      { ...options(), spanName: "aws.durable.execute" }
    )
    assert.strictEqual(ours.invocation.name, "aws.durable.execute")
    assert.strictEqual(ServerlessSpans.defaults.spanName, "aws.lambda")
  })
})

describe("ServerlessSpans.complete: the handler's response", () => {
  const responses: ReadonlyArray<ServerlessSpans.Outcome> = [
    { _tag: "Success", response: { statusCode: 200 } },
    { _tag: "Success", response: { statusCode: 503 } },
    { _tag: "Success", response: { statusCode: "500" } },
    { _tag: "Success", response: { statusCode: 404 } },
    { _tag: "Success", response: undefined },
    { _tag: "Success", response: "ok" },
    { _tag: "Failure" }
  ]

  it("tags http.status_code as datadog-lambda-js on the invocation span and the trigger's span, and ends it", () => {
    for (const file of eventFiles) {
      const input = event(file)
      const context = contexts[0]![1]
      const description = ServerlessSpans.describe(
        { event: input, context, extraction: undefined, coldStart: coldStarts[2]![1], now: NOW },
        options()
      )
      for (const outcome of responses) {
        const completion = ServerlessSpans.complete(description, outcome, NOW + 50)
        const response = outcome._tag === "Success" ? outcome.response : undefined
        const code = EventSource.detect(input) === "kafka"
          ? undefined
          : referenceStatusCode(input, context, response) as string | undefined
        const expected = code === undefined ? {} : { "http.status_code": code }
        const label = `${file} ${JSON.stringify(outcome)}`
        assert.deepStrictEqual(completion.invocation.tags, expected, label)
        const last = description.inferred.at(-1)
        if (last === undefined) {
          assert.isUndefined(completion.trigger, label)
          continue
        }
        assert.deepStrictEqual(completion.trigger!.tags, expected, label)
        assert.strictEqual(completion.trigger!.endTime, last.synchronicity === "sync" ? NOW + 50 : NOW, label)
        // listener.js marks a synchronous inferred span with the handler's error; an asynchronous one never.
        assert.strictEqual(
          completion.trigger!.error,
          outcome._tag === "Failure" && last.synchronicity === "sync",
          label
        )
      }
    }
  })

  it("marks the invocation span as an error on a 5xx status (intended: datadog-lambda-js only when it inferred a span)", () => {
    for (const file of eventFiles.filter((f) => EventSource.isHttp(EventSource.detect(event(f))))) {
      for (const managedServices of [true, false]) {
        const description = ServerlessSpans.describe(
          {
            event: event(file),
            context: contexts[0]![1],
            extraction: undefined,
            coldStart: coldStarts[2]![1],
            now: NOW
          },
          { ...options(), managedServices }
        )
        for (const outcome of responses) {
          const completion = ServerlessSpans.complete(description, outcome, NOW)
          assert.strictEqual(
            completion.invocation.error,
            EventSource.isServerError(completion.invocation.tags["http.status_code"] as string | undefined),
            `${file} ${managedServices} ${JSON.stringify(outcome)}`
          )
        }
      }
    }
    const alb = describeWarm(event("test/fixtures/triggers/alb.json"))
    assert.deepStrictEqual(alb.inferred, [], "datadog-lambda-js infers no span for an ALB request")
    assert.isTrue(
      ServerlessSpans.complete(alb, { _tag: "Success", response: { statusCode: 502 } }, NOW).invocation.error
    )
  })

  it("treats an undefined response of a streaming function as 200", () => {
    const description = describeWarm(event("examples/events/function-url.json"))
    for (const streaming of [false, true]) {
      const completion = ServerlessSpans.complete(description, { _tag: "Success", response: undefined }, NOW, {
        responseStreaming: streaming
      })
      assert.strictEqual(
        completion.invocation.tags["http.status_code"],
        referenceStatusCode(event("examples/events/function-url.json"), contexts[0]![1], undefined, streaming) as string
      )
    }
  })
})

describe("ServerlessSpans options", () => {
  it("parses DD_SERVICE_MAPPING as datadog-lambda-js (property)", () => {
    const entry = fc.tuple(
      fc.constantFrom("", " ", "a", "b", "lambda_sqs", "orders", "__proto__", "x:y"),
      fc.constantFrom("", " ", "a", "b", "svc", "queues")
    ).map(([from, to]) => `${from}:${to}`)
    const text = fc.oneof(fc.array(entry, { maxLength: 5 }).map((entries) => entries.join(",")), fc.string())
    fc.assert(
      fc.property(text, (value) => {
        assert.deepStrictEqual({ ...ServerlessSpans.parseServiceMapping(value) }, referenceServiceMapping(value))
      }),
      { numRuns: 300 }
    )
  })

  it("reads the environment as datadog-lambda-js reads it", () => {
    assert.deepStrictEqual(ServerlessSpans.fromEnv({}), ServerlessSpans.defaults)
    const on = (value: string | undefined) =>
      ServerlessSpans.fromEnv({ DD_TRACE_MANAGED_SERVICES: value }).managedServices
    // index.js: getEnvValue("DD_TRACE_MANAGED_SERVICES", "true").toLowerCase() === "true"
    assert.deepStrictEqual([undefined, "true", "TRUE", "false", "1", "yes", ""].map(on), [
      true,
      true,
      true,
      false,
      false,
      false,
      false
    ])
    const merge = (value: string) => ServerlessSpans.fromEnv({ DD_MERGE_XRAY_TRACES: value }).mergeXrayTraces
    assert.deepStrictEqual(["true", "True", "1", "false"].map(merge), [true, true, false, false])
    const representation = (value: string) =>
      ServerlessSpans.fromEnv({ DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED: value }).awsServiceRepresentation
    assert.deepStrictEqual(["false", "0", "FALSE", "no", "true"].map(representation), [false, false, true, true, true])
    const remove = (value: string) =>
      ServerlessSpans.fromEnv({ DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED: value })
        .removeIntegrationServiceNames
    assert.deepStrictEqual(["true", "1", "TRUE", "yes"].map(remove), [true, true, false, false])
    const decode = (value: string) =>
      ServerlessSpans.fromEnv({ DD_DECODE_AUTHORIZER_CONTEXT: value }).decodeAuthorizerContext
    assert.deepStrictEqual(["false", "0", "true", "garbage"].map(decode), [false, false, true, true])
    assert.strictEqual(ServerlessSpans.fromEnv({ AWS_LAMBDA_FUNCTION_NAME: "f" }).functionName, "f")
    assert.strictEqual(ServerlessSpans.fromEnv({}, { spanName: "x" }).spanName, "x")
  })

  it("VERSION is the package's version", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8"))
    assert.strictEqual(ServerlessSpans.VERSION, pkg.version)
  })
})

describe("ServerlessSpans on malformed input", () => {
  it("writes the Step Functions context's tags as datadog-lambda-js on mutated real events (property)", () => {
    /**
     * Intended difference: `retry_count` and `redrive_count` are read as the extractor reads them to hash the
     * parent id (a non-negative integer, else `"0"`), so the tags name the counts the ids were derived from;
     * datadog-lambda-js writes `String(count)` of any value (`"[object Object]"`).
     */
    const counts = (tags: unknown) =>
      typeof tags === "object" && tags !== null ? { ...tags, retry_count: "-", redrive_count: "-" } : tags
    const files = eventFiles.filter((file) => ServerlessSpans.stepFunctionsTags(event(file), undefined) !== undefined)
    assert.isAbove(files.length, 8)
    for (const file of files) {
      assert.deepStrictEqual(
        ServerlessSpans.stepFunctionsTags(event(file), undefined),
        referenceStepFunctionsTags(event(file))
      )
      fc.assert(
        fc.property(mutationsOf(event(file)), (input) => {
          const reference = referenceStepFunctionsTags(input)
          if (reference === THROWS) return
          assert.deepStrictEqual(counts(ServerlessSpans.stepFunctionsTags(input, undefined)), counts(reference))
        }),
        { numRuns: 50 }
      )
    }
  })

  it("describe and complete never throw and never mutate, on any event, context and response (property)", () => {
    fc.assert(
      fc.property(anyEvent, anyContext, fc.jsonValue(), fc.boolean(), (input, context, response, failed) => {
        const before = structuredClone([input, context, response])
        const description = ServerlessSpans.describe(
          { event: input, context, extraction: undefined, coldStart: coldStarts[0]![1], now: NOW },
          options()
        )
        ServerlessSpans.complete(description, failed ? { _tag: "Failure" } : { _tag: "Success", response }, NOW)
        assert.deepStrictEqual([input, context, response], before)
        for (const value of Object.values(description.invocation.tags)) {
          assert.isTrue(typeof value === "string" || (typeof value === "number" && !Number.isNaN(value)))
        }
      }),
      { numRuns: 500 }
    )
  })
})

describe("ServerlessSpans on a durable execution's envelope", () => {
  const firstApiGateway = () => event("examples/events/durable-first-invocation-apigw.json") as Record<string, any>
  const statuses = ["SUCCEEDED", "FAILED", "PENDING", "RETRY", undefined]

  it("reads the original event on the first invocation only, and nothing from what is not an input object", () => {
    const first = firstApiGateway()
    const execution = first.InitialExecutionState.Operations[0]
    assert.deepStrictEqual(
      ServerlessSpans.durableTriggerEvent(first),
      JSON.parse(execution.ExecutionDetails.InputPayload)
    )
    assert.strictEqual(EventSource.detect(ServerlessSpans.durableTriggerEvent(first)), "api-gateway")
    assert.isUndefined(ServerlessSpans.durableTriggerEvent(event("examples/events/durable-resume-checkpoints.json")))
    assert.isUndefined(ServerlessSpans.durableTriggerEvent(event("examples/events/apigw-v1.json")))
    const withInput = (payload: unknown) => ({
      ...first,
      InitialExecutionState: {
        Operations: [{ ...execution, ExecutionDetails: { InputPayload: payload } }]
      }
    })
    for (
      const payload of ["[1]", "\"text\"", "{", undefined, 42, "x".repeat(ServerlessSpans.MAX_DURABLE_INPUT_LENGTH)]
    ) {
      assert.isUndefined(ServerlessSpans.durableTriggerEvent(withInput(payload)), String(payload).slice(0, 10))
    }
    assert.deepStrictEqual(ServerlessSpans.durableTriggerEvent(withInput("{\"a\":1}")), { a: 1 })
  })

  it("writes aws.durable.execution_status from the SDK's output as datadog-lambda-js, and no http.status_code", () => {
    for (const file of eventFiles.filter((f) => f.includes("durable-"))) {
      const input = event(file)
      const description = describeWarm(input)
      assert.isTrue(description.durable, file)
      for (const status of statuses) {
        const response = { Status: status, Result: "{\"statusCode\":500}" }
        const completion = ServerlessSpans.complete(description, { _tag: "Success", response }, NOW)
        const reference = referenceDurableTags.extractDurableExecutionStatus(input, response)
        assert.deepStrictEqual(
          completion.invocation.tags,
          reference === undefined ? {} : { [ServerlessSpans.EXECUTION_STATUS]: reference },
          `${file} ${status}`
        )
        assert.isFalse(completion.invocation.error)
      }
    }
    const plain = describeWarm(event("examples/events/sqs.json"))
    assert.isFalse(plain.durable)
    assert.deepStrictEqual(
      ServerlessSpans.complete(plain, { _tag: "Success", response: { Status: "SUCCEEDED" } }, NOW).invocation.tags,
      {}
    )
  })

  it("infers the original event's spans on the first invocation (intended: datadog-lambda-js sees only the envelope)", () => {
    const description = describeWarm(firstApiGateway())
    assert.deepStrictEqual(description.inferred.map((span) => span.name), ["aws.apigateway"])
    assert.strictEqual(description.invocation.tags["function_trigger.event_source"], "api-gateway")
    assert.strictEqual(description.invocation.tags["aws.durable.first_invocation"], "true")
    const resumed = describeWarm(event("examples/events/durable-resume-checkpoints.json"))
    assert.lengthOf(resumed.inferred, 0)
    assert.isUndefined(resumed.invocation.tags["function_trigger.event_source"])
  })
})

describe("ServerlessSpans.config", () => {
  const values = fc.constantFrom("true", "TRUE", "false", "0", "1", "yes", "", "my-fn", "a:b,c:d")
  it.effect("reads through the ConfigProvider what fromEnv reads from an environment (property)", () =>
    Effect.gen(function*() {
      const samples = fc.sample(fc.dictionary(fc.constantFrom(...ServerlessSpans.ENV_KEYS), values), 100)
      for (const env of [{}, ...samples]) {
        const read = yield* Effect.withConfigProvider(
          ServerlessSpans.config({ spanName: "x" }),
          ConfigProvider.fromMap(new Map(Object.entries(env)))
        )
        assert.deepStrictEqual(read, ServerlessSpans.fromEnv(env, { spanName: "x" }), JSON.stringify(env))
      }
      const off = yield* Effect.withConfigProvider(
        ServerlessSpans.config(),
        ConfigProvider.fromMap(
          new Map([["DD_TRACE_MANAGED_SERVICES", "false"]])
        )
      )
      assert.isFalse(off.managedServices)
    }))
})
