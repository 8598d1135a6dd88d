/**
 * The serverless view of one invocation, applied through the installed Effect tracer: what
 * `LambdaTracing.withExtraction` does with a `spanName`. It reads the settings through `Config` (once per wrapper
 * and `ConfigProvider`), builds the shared description (`ServerlessView.describe`, with the process's cold-start
 * state), opens the inferred spans at the event's times, runs the invocation in its span under the last of them, and
 * applies `ServerlessView.complete` when it ends.
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import type { ReleasableInvocation } from "../../../internal/invocation.js"
import * as ColdStart from "../../../internal/serverless/coldStart.js"
import * as View from "../../../internal/serverless/serverlessView.js"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import type { CurrentExtraction } from "../../services/CurrentExtraction.js"
import * as Apply from "../tracing/apply.js"
import * as ExternalSpan from "../tracing/externalSpan.js"
import * as TriggerSchemas from "../triggerSchemas.js"

const defaultClock = Clock.Clock.defaultValue()

// A clock stopped at `millis`, under which `Effect.makeSpan` starts a span at that time.
const clockAt = (millis: number): Clock.Clock => {
  const nanos = View.nanosOf(millis)
  return {
    currentTimeMillisUnsafe: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    currentTimeNanosUnsafe: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    monotonicTimeNanosUnsafe: () => defaultClock.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: defaultClock.monotonicTimeNanos,
    sleep: (duration) => defaultClock.sleep(duration)
  }
}

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): View.Outcome =>
  Exit.isSuccess(exit) ? { _tag: "Success", response: exit.value } : { _tag: "Failure" }

/**
 * The options as a `Config`: the variables of `ServerlessView.fromEnv`, each read as text from the current
 * `ConfigProvider` (so `ConfigProvider.fromUnknown` sets them in a test) and interpreted as `fromEnv` does.
 * `overrides` win.
 */
export const config = (overrides: Partial<View.Options> = {}): Config.Config<View.Options> =>
  Config.map(
    Config.all(View.ENV_KEYS.map((key) => Config.option(Config.String(key)))),
    (values) => View.fromValues(values.map(Option.getOrUndefined), overrides)
  )

/**
 * The settings of one wrapper: {@link config} read from the current `ConfigProvider` the first time an invocation
 * runs under it, then kept (an invocation costs a lookup, not a read of every variable). A setting that cannot be
 * read falls back to its default.
 */
export const settings = (overrides: Partial<View.Options>): Effect.Effect<View.Options> => {
  const read = config(overrides)
  const known = new WeakMap<ConfigProvider.ConfigProvider, View.Options>()
  return ConfigProvider.ConfigProvider.use((provider) => {
    const options = known.get(provider)
    if (options !== undefined) return Effect.succeed(options)
    return Effect.map(
      Effect.orElseSucceed(read.parse(provider), () => View.fromEnv({}, overrides)),
      (loaded) => {
        known.set(provider, loaded)
        return loaded
      }
    )
  })
}

/**
 * One invocation: the event and Lambda context as the handler received them, what the chain found, and attributes
 * the invocation span carries besides its description's.
 */
export interface Input {
  readonly event: unknown
  readonly context: unknown
  readonly extraction: ExtractionResult
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
  /**
   * The work the extractors shared, when the caller ran the chain with its own invocation: the description reads
   * it, then it is released.
   */
  readonly shared?: ReleasableInvocation | undefined
}

const withSpans = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  input: Input,
  description: View.Description,
  options: View.Options
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.gen(function*() {
    const result = input.extraction
    const upstream = description.continuesUpstream && Option.isSome(result.context)
      ? ExternalSpan.externalSpan(result.context.value)
      : undefined
    const inferred: Array<Tracer.Span> = []
    for (const span of description.inferred) {
      const parent = inferred[inferred.length - 1] ?? upstream
      inferred.push(
        yield* Effect.provideService(
          Effect.makeSpan(span.name, {
            kind: span.kind,
            attributes: View.attributesOf(span),
            ...(parent === undefined ? { root: true } : { parent })
          }),
          Clock.Clock,
          clockAt(span.startTime)
        )
      )
    }
    let completion: View.Completion | undefined
    const body = Effect.onExit(run, (exit) =>
      Effect.suspend(() => {
        completion = View.complete(description, outcomeOf(exit), Date.now(), options)
        const annotations = View.completionAttributes(completion)
        return Object.keys(annotations).length === 0 ? Effect.void : Effect.annotateCurrentSpan(annotations)
      }))
    const invocationParent = inferred[inferred.length - 1] ?? upstream
    const attributes = View.attributesOf(description.invocation)
    const traced = Apply.underInvocationSpan(body, description.invocation.name, result, {
      attributes: input.attributes === undefined ? attributes : { ...input.attributes, ...attributes },
      ...(invocationParent === undefined ? { root: true } : { parent: invocationParent })
    })
    return yield* Effect.onExit(traced, (exit) =>
      Effect.sync(() => {
        const end = Date.now()
        const done = completion ?? View.complete(description, outcomeOf(exit), end, options)
        const ends = View.inferredEnds(description, done, end)
        for (let i = 0; i < inferred.length; i++) {
          const span = inferred[i]!
          const { endTime, error, tags } = ends[i]!
          for (const key in tags) span.attribute(key, tags[key])
          span.end(View.nanosOf(endTime), error ? exit : Exit.void)
        }
      }))
  })

/**
 * Runs an invocation as Datadog's serverless view reads it: the inferred spans (root first, at the event's
 * times), the invocation span under the last of them with the description's tags (and `input.attributes`), and,
 * when it ends, the status code, durable status and error on both. Provides `CurrentExtraction`.
 */
export const trace = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  input: Input,
  options: View.Options
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.suspend(() => {
    const now = Date.now()
    const result = input.extraction
    const description = View.describe(
      {
        event: input.event,
        context: input.context,
        extractor: Option.isSome(result.context) ? result.context.value.source : undefined,
        coldStart: ColdStart.invokeProcess(now),
        now,
        shared: input.shared
      },
      options,
      TriggerSchemas.decoders
    )
    input.shared?.release()
    return withSpans(run, input, description, options)
  })
