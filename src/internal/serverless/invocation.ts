/**
 * The serverless view of one invocation, applied through the installed Effect tracer: the one code path behind
 * `LambdaTracing.withExtraction` and `DurableTracing` when they are given a `spanName`. It reads the settings
 * through `Config` (once per wrapper and `ConfigProvider`), builds the description (`ServerlessSpans.describe`,
 * with the process's cold-start verdict, `ColdStart.invokeProcess`), opens the inferred spans at the event's times,
 * runs the invocation in its span under the last of them, and applies `ServerlessSpans.complete` when it ends.
 */
import * as Clock from "effect/Clock"
import type * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import type { ExtractionResult } from "../../domain/ExtractionResult.js"
import type { CurrentExtraction } from "../../services/CurrentExtraction.js"
import type { ReleasableInvocation } from "../invocation.js"
import * as Apply from "../tracing/apply.js"
import * as ExternalSpan from "../tracing/externalSpan.js"
import * as ColdStart from "./coldStart.js"
import * as ServerlessSpans from "./serverlessSpans.js"
import * as View from "./serverlessView.js"

const defaultClock = Clock.make()

// A clock stopped at `millis`, under which `Effect.makeSpan` starts a span at that time.
const clockAt = (millis: number): Clock.Clock => {
  const nanos = View.nanosOf(millis)
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    unsafeCurrentTimeNanos: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    sleep: (duration) => defaultClock.sleep(duration)
  }
}

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): ServerlessSpans.Outcome =>
  Exit.isSuccess(exit) ? { _tag: "Success", response: exit.value } : { _tag: "Failure" }

/**
 * The settings of one wrapper: `ServerlessSpans.config(overrides)` read from the current `ConfigProvider` the first
 * time an invocation runs under it, then kept (an invocation costs a lookup, not a read of every variable). A
 * setting that cannot be read falls back to its default.
 */
export const settings = (
  overrides: Partial<ServerlessSpans.Options>
): Effect.Effect<ServerlessSpans.Options> => {
  const config = ServerlessSpans.config(overrides)
  const known = new WeakMap<ConfigProvider.ConfigProvider, ServerlessSpans.Options>()
  return Effect.configProviderWith((provider) => {
    const options = known.get(provider)
    if (options !== undefined) return Effect.succeed(options)
    return Effect.map(
      Effect.orElseSucceed(provider.load(config), () => ServerlessSpans.fromEnv({}, overrides)),
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
  description: ServerlessSpans.Description,
  options: ServerlessSpans.Options
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
        yield* Effect.withClock(
          Effect.makeSpan(span.name, {
            kind: span.kind,
            captureStackTrace: false,
            attributes: View.attributesOf(span),
            ...(parent === undefined ? { root: true } : { parent })
          }),
          clockAt(span.startTime)
        )
      )
    }
    let completion: ServerlessSpans.Completion | undefined
    const body = Effect.onExit(run, (exit) =>
      Effect.suspend(() => {
        completion = ServerlessSpans.complete(description, outcomeOf(exit), Date.now(), options)
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
        const done = completion ?? ServerlessSpans.complete(description, outcomeOf(exit), end, options)
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
  options: ServerlessSpans.Options
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.suspend(() => {
    const now = Date.now()
    const description = ServerlessSpans.describe({
      event: input.event,
      context: input.context,
      extraction: input.extraction,
      coldStart: ColdStart.invokeProcess(now),
      now,
      shared: input.shared
    }, options)
    input.shared?.release()
    return withSpans(run, input, description, options)
  })
