/**
 * Shared helpers of the HTTP, AppSync, Step Functions, Lambda-context and X-Ray trigger tests: fixtures, the two
 * propagator layers (native and a real initialised dd-trace), and datadog-lambda-js's own extractors as a
 * reference oracle (run outside Jest, over the same real dd-trace).
 */
import { it } from "@effect/vitest"
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import { createRequire } from "node:module"
import * as path from "node:path"
import type { ExtractorFailure } from "../../src/domain/Errors.js"
import type { TraceContext } from "../../src/domain/TraceContext.js"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import * as Fixtures from "../support/fixtures.js"
import { mutationsOf } from "../support/mutations.js"

tracer.init({ plugins: false })

export const fixture = (name: string): unknown => Fixtures.fixture("triggers", name)

/** Both propagators every fixture runs through. */
export const propagators: ReadonlyArray<readonly [string, Layer.Layer<Propagator>]> = [
  ["native", NativePropagator.layer()],
  ["dd-trace", DdTracePropagator.layer(tracer)]
]

/**
 * `true` once the native propagator parses W3C `traceparent` (it is being built in another issue). W3C-only rows
 * are skipped over the native propagator until then; they always run over dd-trace.
 */
export const nativeSupportsW3c: boolean = Effect.runSync(
  Effect.map(
    Effect.flatMap(
      Propagator,
      (propagator) =>
        propagator.extract({ traceparent: "00-0000000000000000000000000000000a-000000000000000b-01" }, "http")
    ),
    Option.isSome
  ).pipe(Effect.orElseSucceed(() => false), Effect.provide(NativePropagator.layer()))
)

/** The fields a conformance row checks. */
export interface Ids {
  readonly traceId: string
  readonly parentId: string
  readonly samplingPriority?: number | undefined
  readonly traceIdHigh?: string | undefined
}

/** The ids of a context, without absent fields (so rows can leave them out). */
export const idsOf = (context: TraceContext): Ids => ({
  traceId: context.traceId,
  parentId: context.parentId,
  ...Option.match(context.samplingPriority, {
    onNone: () => ({}),
    onSome: (samplingPriority) => ({ samplingPriority })
  }),
  ...Option.match(context.traceIdHigh, { onNone: () => ({}), onSome: (traceIdHigh) => ({ traceIdHigh }) })
})

/** What {@link run} observed. */
export interface Observed {
  readonly accepted: boolean
  /** `none` when the guard rejected the event. */
  readonly result: Either.Either<TraceExtractor.Extracted, ExtractorFailure>
  readonly unchanged: boolean
}

/** Runs an extractor the way the chain does (guard first), checking the event is left untouched. */
export const run = (
  extractor: TraceExtractor.TraceExtractor,
  event: unknown,
  lambdaContext?: unknown
): Effect.Effect<Observed> =>
  Effect.suspend(() => {
    const before = structuredClone(event)
    const beforeContext = structuredClone(lambdaContext)
    const accepted = extractor.accepts === undefined || extractor.accepts(event, lambdaContext)
    const result: Effect.Effect<Observed["result"]> = accepted
      ? Effect.either(extractor.extract(event, lambdaContext))
      : Effect.succeed(Either.right(TraceExtractor.none))
    return Effect.map(result, (result) => ({
      accepted,
      result,
      unchanged: isDeepEqual(before, event) && isDeepEqual(beforeContext, lambdaContext)
    }))
  })

export const isDeepEqual = (a: unknown, b: unknown): boolean => {
  try {
    return JSON.stringify(a) === JSON.stringify(b) && deepEqual(a, b)
  } catch {
    return false
  }
}

const deepEqual = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Reflect.ownKeys(a)
  const keysB = Reflect.ownKeys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) =>
    deepEqual((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key])
  )
}

// ---------------------------------------------------------------------------------------------------------------
// datadog-lambda-js as the reference oracle.

const require = createRequire(import.meta.url)
const dist = path.dirname(require.resolve("datadog-lambda-js/dist/trace/context/extractors/http.js"))

interface SpanContextWrapper {
  readonly toTraceId: () => string
  readonly toSpanId: () => string
  readonly sampleMode: () => unknown
  readonly spanContext: { readonly _trace?: { readonly tags?: Record<string, unknown> } }
}

const { TracerWrapper } = require(path.join(dist, "../../tracer-wrapper.js")) as {
  TracerWrapper: new() => unknown
}
const { HTTPEventTraceExtractor } = require(path.join(dist, "http.js")) as {
  HTTPEventTraceExtractor: new(tracer: unknown, decode?: boolean) => { extract: (event: unknown) => unknown }
}
const { AppSyncEventTraceExtractor } = require(path.join(dist, "app-sync.js")) as {
  AppSyncEventTraceExtractor: new(tracer: unknown) => { extract: (event: unknown) => unknown }
}
const { LambdaContextTraceExtractor } = require(path.join(dist, "lambda-context.js")) as {
  LambdaContextTraceExtractor: new(tracer: unknown) => { extract: (context: unknown) => unknown }
}
const { StepFunctionContextService } = require(path.join(dist, "../../step-function-service.js")) as {
  StepFunctionContextService: new(event: unknown) => { readonly spanContext: SpanContextWrapper | null }
}
const { XrayService } = require(path.join(dist, "../../xray-service.js")) as {
  XrayService: {
    new(): {
      convertToTraceId: (root: string) => string | undefined
      convertToParentId: (p: string) => string | undefined
    }
    parseAWSTraceHeader: (header: string) => { traceId: string; parentId: string; sampled: string } | undefined
    extraceDDContextFromAWSTraceHeader: (header: string) => SpanContextWrapper | null
  }
}

const tracerWrapper = new TracerWrapper()

const toIds = (wrapper: unknown): Ids | null => {
  if (wrapper === null || wrapper === undefined) return null
  const context = wrapper as SpanContextWrapper
  const priority = Number(context.sampleMode())
  const tid = context.spanContext._trace?.tags?.["_dd.p.tid"]
  return {
    traceId: context.toTraceId(),
    parentId: context.toSpanId(),
    samplingPriority: Number.isInteger(priority) ? priority : undefined,
    traceIdHigh: typeof tid === "string" ? tid : undefined
  }
}

/** datadog-lambda-js's own results (each on a deep copy: the AppSync one mutates its event). */
export const reference = {
  http: (event: unknown, decodeAuthorizerContext = true): Ids | null =>
    toIds(new HTTPEventTraceExtractor(tracerWrapper, decodeAuthorizerContext).extract(structuredClone(event))),
  appSync: (event: unknown): Ids | null =>
    toIds(new AppSyncEventTraceExtractor(tracerWrapper).extract(structuredClone(event))),
  /** The reference on the object itself, to show that it mutates it. */
  appSyncMutating: (event: unknown): Ids | null => toIds(new AppSyncEventTraceExtractor(tracerWrapper).extract(event)),
  lambdaContext: (context: unknown): Ids | null =>
    toIds(new LambdaContextTraceExtractor(tracerWrapper).extract(structuredClone(context))),
  stepFunctions: (event: unknown): Ids | null =>
    toIds(new StepFunctionContextService(structuredClone(event)).spanContext),
  xrayFallback: (header: string): { traceId: string; parentId: string; sampled: string } | null => {
    const parsed = XrayService.parseAWSTraceHeader(header)
    if (parsed === undefined) return null
    const service = new XrayService()
    const traceId = service.convertToTraceId(parsed.traceId)
    const parentId = service.convertToParentId(parsed.parentId)
    return traceId === undefined || parentId === undefined ? null : { traceId, parentId, sampled: parsed.sampled }
  },
  xrayDatadog: (header: string): Ids | null => toIds(XrayService.extraceDDContextFromAWSTraceHeader(header))
}

// ---------------------------------------------------------------------------------------------------------------
// Property helpers.

/** Any JSON value, including objects shaped like the trigger's at the top level. */
export const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom(
      "headers",
      "multiValueHeaders",
      "requestContext",
      "version",
      "info",
      "request",
      "Payload",
      "_datadog",
      "Execution",
      "State",
      "clientContext",
      "serverless-version"
    ),
    fc.jsonValue({ maxDepth: 4 })
  )
)

/**
 * Property: on every generated input the extractor never throws, never dies, and leaves the event (and the Lambda
 * context) unchanged. A typed failure is allowed.
 */
export const assertTotal = (
  extractor: TraceExtractor.TraceExtractor,
  events: fc.Arbitrary<unknown>,
  options: { readonly asLambdaContext?: boolean; readonly numRuns?: number } = {}
): void =>
  fc.assert(
    fc.property(events, (input) => {
      const event = options.asLambdaContext === true ? {} : input
      const lambdaContext = options.asLambdaContext === true ? input : undefined
      const before = structuredClone(input)
      const exit = Effect.runSyncExit(Effect.map(run(extractor, event, lambdaContext), (r) => r.unchanged))
      if (Exit.isFailure(exit)) return false
      return exit.value && isDeepEqual(before, input)
    }),
    { numRuns: options.numRuns ?? 300 }
  )

/**
 * The property suite of an extractor over both propagators: {@link assertTotal} on `events` (default
 * {@link anyEvent}) and on mutations of each fixture in `files`.
 */
export const propertySuite = (
  make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator>,
  files: ReadonlyArray<string>,
  options: {
    readonly events?: fc.Arbitrary<unknown>
    readonly numRuns?: number
    readonly asLambdaContext?: boolean
  } = {}
): void => {
  const asLambdaContext = options.asLambdaContext === true
  for (const [propagatorName, propagatorLayer] of propagators) {
    it(`never throws, never dies, never mutates (${propagatorName}, property)`, () => {
      const extractor = Effect.runSync(make.pipe(Effect.provide(propagatorLayer)))
      assertTotal(extractor, options.events ?? anyEvent, { asLambdaContext })
      for (const file of files) {
        assertTotal(extractor, mutationsOf(fixture(file)), { asLambdaContext, numRuns: options.numRuns ?? 100 })
      }
    })
  }
}
