/**
 * Shared helpers of the message-trigger tests (SQS, SNS, SNS→SQS, EventBridge, EventBridge→SQS, Kinesis, Kafka):
 * conformance rows run over both propagators, datadog-lambda-js's own extractors as a reference oracle (outside
 * Jest, over the real initialised dd-trace), dd-trace's `extract` on a carrier as an id oracle, and the property
 * and bound checks every extractor gets.
 */
import { assert, it } from "@effect/vitest"
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import { createRequire } from "node:module"
import * as path from "node:path"
import type { TraceContext } from "../../src/domain/TraceContext.js"
import type { Propagator } from "../../src/services/Propagator.js"
import type * as TraceExtractor from "../../src/services/TraceExtractor.js"
import type { Ids } from "./http-support.js"
import { anyEvent, fixture, idsOf, nativeSupportsW3c, propagators, propertySuite, run } from "./http-support.js"

/** One conformance case: a fixture and what must be found in it (`null`: nothing; a string: a failure reason). */
export interface Row {
  readonly file: string
  readonly expected: Ids | null | "MalformedCarrier" | "LimitExceeded"
  /** The span links, in record order. */
  readonly links?: ReadonlyArray<Ids>
  /** The carrier is W3C-only: skipped over a native propagator without W3C support. */
  readonly w3c?: true
  /** A note the result must contain. */
  readonly note?: string
}

/** Runs every row over both propagators, checking the guard, the ids, the links, and that the event is untouched. */
export const conformance = (
  name: string,
  make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator>,
  rows: ReadonlyArray<Row>
): void => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    for (const row of rows) {
      if (row.w3c === true && propagatorName === "native" && !nativeSupportsW3c) continue
      it.effect(`${row.file} over the ${propagatorName} propagator`, () =>
        Effect.gen(function*() {
          const extractor = yield* make
          const { accepted, result, unchanged } = yield* run(extractor, fixture(row.file))
          assert.isTrue(accepted, "the guard accepts the fixture")
          assert.isTrue(unchanged, "the event is left untouched")
          if (typeof row.expected === "string") {
            assert.isTrue(Either.isLeft(result))
            const error = Either.getLeft(result).pipe(Option.getOrThrow)
            assert.strictEqual(error._tag, "ExtractionError")
            assert.strictEqual(error.reason, row.expected)
            return
          }
          const extracted = Either.getOrThrow(result)
          if (row.expected === null) {
            assert.isTrue(Option.isNone(extracted.context), `nothing in ${row.file}`)
          } else {
            const context = Option.getOrThrow(extracted.context)
            assert.deepStrictEqual(idsOf(context), row.expected)
            assert.strictEqual(context.source, name)
          }
          assert.deepStrictEqual(extracted.links.map(idsOf), row.links ?? [])
          for (const link of extracted.links) assert.strictEqual(link.source, name)
          if (row.note !== undefined) {
            assert.isTrue(
              extracted.notes.some((note) => note.includes(row.note!)),
              `a note mentions "${row.note}": ${extracted.notes.join("; ")}`
            )
          }
        }).pipe(Effect.provide(propagatorLayer as Layer.Layer<Propagator>)))
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Oracles.

/** The ids real dd-trace extracts from a carrier (`null` when it finds none). */
export const ddTraceIds = (carrier: Record<string, string>): Ids | null => {
  const context = tracer.extract("text_map", carrier) as
    | null
    | {
      toTraceId: () => string
      toSpanId: () => string
      _sampling: { priority?: number }
      _trace: { tags: Record<string, string> }
    }
  if (context === null) return null
  const tid = context._trace.tags["_dd.p.tid"]
  return {
    traceId: context.toTraceId(),
    parentId: context.toSpanId(),
    ...(context._sampling.priority === undefined ? {} : { samplingPriority: context._sampling.priority }),
    ...(tid === undefined ? {} : { traceIdHigh: tid })
  }
}

const require = createRequire(import.meta.url)
const dist = path.dirname(require.resolve("datadog-lambda-js/dist/trace/context/extractors/sqs.js"))
const { TracerWrapper } = require(path.join(dist, "../../tracer-wrapper.js")) as { TracerWrapper: new() => unknown }
const { StepFunctionContextService } = require(path.join(dist, "../../step-function-service.js")) as {
  StepFunctionContextService: { reset: () => void }
}

type ReferenceExtractor = new(
  tracer: unknown,
  config: unknown
) => { extract: (event: unknown) => unknown }

const load = (file: string, name: string): ReferenceExtractor =>
  (require(path.join(dist, file)) as Record<string, ReferenceExtractor>)[name]!

const extractors = {
  sqs: load("sqs.js", "SQSEventTraceExtractor"),
  sns: load("sns.js", "SNSEventTraceExtractor"),
  snsSqs: load("sns-sqs.js", "SNSSQSEventTraceExtractor"),
  eventBridge: load("event-bridge.js", "EventBridgeEventTraceExtractor"),
  eventBridgeSqs: load("event-bridge-sqs.js", "EventBridgeSQSEventTraceExtractor"),
  kinesis: load("kinesis.js", "KinesisEventTraceExtractor")
}

const tracerWrapper = new TracerWrapper()

interface SpanContextWrapper {
  readonly toTraceId: () => string
  readonly toSpanId: () => string
  readonly sampleMode: () => unknown
}

/** datadog-lambda-js's result on a deep copy of the event (trace id, parent id, priority), `null` when none. */
export const reference = (kind: keyof typeof extractors, event: unknown): Ids | null => {
  // The Step Functions service is a process-wide singleton that the first call of an invocation fixes.
  StepFunctionContextService.reset()
  const found = new extractors[kind](tracerWrapper, { dataStreamsEnabled: false }).extract(structuredClone(event)) as
    | SpanContextWrapper
    | null
  if (found === null || found === undefined) return null
  const priority = Number(found.sampleMode())
  return {
    traceId: found.toTraceId(),
    parentId: found.toSpanId(),
    ...(Number.isInteger(priority) ? { samplingPriority: priority } : {})
  }
}

/**
 * Over both propagators: the Step Functions context object in `file` gives the ids datadog-lambda-js finds there
 * (the tid aside); `check` asserts more on the context.
 */
export const stepFunctionsCase = (
  title: string,
  make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator>,
  kind: keyof typeof extractors,
  file: string,
  check: (context: TraceContext) => void = () => undefined
): void => {
  for (const [propagatorName, propagatorLayer] of propagators) {
    it.effect(`${title} (${propagatorName})`, () =>
      Effect.gen(function*() {
        const event = fixture(file)
        const { result } = yield* run(yield* make, event)
        const context = Option.getOrThrow(Either.getOrThrow(result).context)
        const expected = reference(kind, event)
        assert.isNotNull(expected)
        assert.deepStrictEqual(withoutTid(idsOf(context)), expected)
        check(context)
      }).pipe(Effect.provide(propagatorLayer)))
  }
}

/** The trace id, parent id and priority of a row's expectation (the reference carries no tid). */
export const withoutTid = (ids: Ids): Ids => {
  const { traceIdHigh: _, ...rest } = ids
  return rest
}

// ---------------------------------------------------------------------------------------------------------------
// Properties and bounds.

/** Any JSON value, and objects shaped like the message triggers at the top level. */
export const anyMessageEvent: fc.Arbitrary<unknown> = fc.oneof(
  anyEvent,
  fc.record({
    Records: fc.array(
      fc.dictionary(
        fc.constantFrom(
          "eventSource",
          "body",
          "messageAttributes",
          "attributes",
          "Sns",
          "kinesis",
          "EventSource"
        ),
        fc.oneof(
          fc.constantFrom("aws:sqs", "aws:sns", "aws:kinesis", "{\"TopicArn\":1}", "{\"detail-type\":\"x\"}"),
          fc.jsonValue({ maxDepth: 4 })
        )
      ),
      { maxLength: 4 }
    )
  }),
  fc.record({
    eventSource: fc.constantFrom("aws:kafka", "SelfManagedKafka", "aws:sqs"),
    records: fc.oneof(
      fc.dictionary(fc.string(), fc.array(fc.record({ headers: fc.jsonValue({ maxDepth: 3 }) }), { maxLength: 3 })),
      fc.jsonValue({ maxDepth: 3 })
    )
  }),
  fc.record({
    "detail-type": fc.jsonValue({ maxDepth: 1 }),
    detail: fc.oneof(fc.record({ _datadog: fc.jsonValue({ maxDepth: 3 }) }), fc.jsonValue({ maxDepth: 3 })),
    _datadog: fc.jsonValue({ maxDepth: 3 })
  }, { requiredKeys: [] })
)

/** The property suite: any JSON value and message-shaped events, and mutations of every fixture. */
export const properties = (
  make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator>,
  files: ReadonlyArray<string>
): void => propertySuite(make, files, { events: anyMessageEvent })
