/**
 * One-line trace-context extraction for Effect Lambda handlers (`@effect-aws/lambda` or any
 * `(event, context) => Effect` handler).
 *
 * {@link withExtraction} wraps a handler: on every invocation it runs the {@link ExtractorChain.ExtractorChain}
 * on the event and Lambda context, runs the handler under the extracted parent (so every `Effect.withSpan` in it
 * continues the upstream trace), and provides {@link CurrentExtraction}. With `spanName`, the invocation runs in
 * one span of that name whose links are the batch records' contexts, written as datadog-lambda-js writes its
 * `aws.lambda` (`ServerlessSpans.describe`: resource the function name, type `serverless`, `cold_start`,
 * `function_arn`, the trigger's tags, `http.status_code` from the response, an error on a 5xx), under the spans
 * inferred for the managed service that triggered it (`aws.apigateway`, `aws.sqs`, ..., at the event's times;
 * none with `DD_TRACE_MANAGED_SERVICES=false`). As in datadog-lambda-js, a context only the X-Ray fallback found is
 * not continued unless `DD_MERGE_XRAY_TRACES=true`. The chain comes from the handler's layer,
 * e.g. `DefaultChain.layerNative`; with `DdTraceTracer.layerGlobal` in the same layer, the spans are dd-trace's.
 *
 * Under the Datadog Lambda layer's `datadog()` wrapper, dd-trace has already extracted the context and opened
 * `aws.lambda` when the handler runs. The wrapper then joins that active span (see {@link Options.activeSpan}):
 * it becomes the parent of the handler's spans, no second invocation span is opened, the chain does not run, and
 * the one attempt in {@link CurrentExtraction} says so (`dd-trace-span`).
 *
 * @example
 * ```ts
 * import { LambdaHandler } from "@effect-aws/lambda"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as DdTraceTracer from "effect-datadog-lambda/DdTraceTracer"
 * import * as DefaultChain from "effect-datadog-lambda/DefaultChain"
 * import * as LambdaTracing from "effect-datadog-lambda/LambdaTracing"
 *
 * const app = (event: unknown) => Effect.log("hello").pipe(Effect.withSpan("app"))
 *
 * export const handler = LambdaHandler.make({
 *   handler: LambdaTracing.withExtraction(app, { spanName: "aws.lambda" }),
 *   layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Tracer from "effect/Tracer"
import * as ColdStart from "../domain/ColdStart.js"
import type { ExtractionResult } from "../domain/ExtractionResult.js"
import * as ServerlessSpans from "../domain/ServerlessSpans.js"
import type { SpanDescription } from "../domain/SpanDescription.js"
import { CurrentExtraction } from "../services/CurrentExtraction.js"
import * as ExtractorChain from "../services/ExtractorChain.js"
import * as DdTraceTracer from "./DdTraceTracer.js"
import * as Tracing from "./Tracing.js"

/**
 * An effectful Lambda handler, as `@effect-aws/lambda`'s `EffectHandler` (the Lambda context type is left
 * generic, so this module needs no Lambda typings).
 *
 * @since 0.1.0
 * @category models
 */
export type EffectHandler<T, C, A, E, R> = (event: T, context: C) => Effect.Effect<A, E, R>

/**
 * Options of {@link withExtraction}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * Wrap each invocation in a span of this name (kind `server`), child of the upstream context, carrying the
   * batch links and `Tracing.invocationAttributes`. Without it the handler's own spans are the direct children
   * of the upstream span, and every one of them gets the batch links (`Tracing.withExtraction`).
   */
  readonly spanName?: string | undefined
  /**
   * When dd-trace already has an active span as the invocation starts (the Datadog Lambda layer's `datadog()`
   * wrapper has opened `aws.lambda`, after extracting the upstream context itself):
   * - `"join"` (default): that span is the parent of the handler's spans; no span of `spanName` is opened and
   *   the chain does not run. {@link CurrentExtraction} holds the active span's context and one attempt,
   *   `dd-trace-span`, that says so.
   * - `"join-and-extract"`: the same parent, but the chain runs too: {@link CurrentExtraction} holds what it
   *   found, after the `dd-trace-span` attempt (its batch links are not added to the active span).
   * - `"ignore"`: behave as if no span were active (extract, and open `spanName` under the extracted parent).
   */
  readonly activeSpan?: "join" | "join-and-extract" | "ignore" | undefined
  /**
   * The `dd_trace` tag of the invocation span (the version of dd-trace behind the tracer), which this library
   * does not read from dd-trace itself.
   */
  readonly ddTraceVersion?: string | undefined
}

// The process's cold-start state: a process initialises once, whichever wrapper it builds.
const coldStart = Ref.unsafeMake(ColdStart.make(Date.now()))

const defaultClock = Clock.make()

// A clock stopped at `millis`, under which `Effect.makeSpan` starts a span at that time.
const clockAt = (millis: number): Clock.Clock => {
  const nanos = BigInt(Math.round(millis * 1_000)) * 1_000n
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    unsafeCurrentTimeNanos: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    sleep: (duration) => defaultClock.sleep(duration)
  }
}

const nanosOf = (millis: number): bigint => BigInt(Math.round(millis * 1_000)) * 1_000n

/** A description's fields and tags as span attributes (`DdTraceTracer` maps the three fields to dd-trace's). */
const attributesOf = (description: SpanDescription): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { ...description.tags }
  if (description.service !== undefined) attributes["service.name"] = description.service
  if (description.resource !== undefined) attributes["resource.name"] = description.resource
  if (description.type !== undefined) attributes["span.type"] = description.type
  return attributes
}

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): ServerlessSpans.Outcome =>
  Exit.isSuccess(exit) ? { _tag: "Success", response: exit.value } : { _tag: "Failure" }

/**
 * The invocation as Datadog's serverless view reads it: the inferred spans (root first, at the event's times),
 * the invocation span under the last of them with the description's tags, and, when the handler ends, the status
 * code and error on both.
 */
const withServerlessSpans = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  result: ExtractionResult,
  description: ServerlessSpans.Description,
  options: ServerlessSpans.Options
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.gen(function*() {
    const upstream = description.continuesUpstream && Option.isSome(result.context)
      ? Tracing.externalSpan(result.context.value)
      : undefined
    const inferred: Array<Tracer.Span> = []
    for (const span of description.inferred) {
      const parent = inferred[inferred.length - 1] ?? upstream
      inferred.push(
        yield* Effect.withClock(
          Effect.makeSpan(span.name, {
            kind: span.kind,
            captureStackTrace: false,
            attributes: attributesOf(span),
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
        const { error, tags } = completion.invocation
        const annotations: Record<string, unknown> = error ? { ...tags, error: 1 } : tags
        return Object.keys(annotations).length === 0 ? Effect.void : Effect.annotateCurrentSpan(annotations)
      }))
    const last = inferred[inferred.length - 1]
    const traced = Tracing.withInvocationSpan(body, description.invocation.name, result, {
      attributes: attributesOf(description.invocation),
      ...(last !== undefined ? { parent: last } : upstream === undefined ? { root: true } : {})
    })
    return yield* Effect.onExit(traced, (exit) =>
      Effect.sync(() => {
        const end = Date.now()
        const done = completion ?? ServerlessSpans.complete(description, outcomeOf(exit), end, options)
        for (let i = 0; i < inferred.length; i++) {
          const span = inferred[i]!
          const own = description.inferred[i]!
          if (i < inferred.length - 1 || done.trigger === undefined) {
            span.end(nanosOf(own.endTime ?? end), Exit.void)
            continue
          }
          for (const key in done.trigger.tags) span.attribute(key, done.trigger.tags[key])
          span.end(nanosOf(done.trigger.endTime), done.trigger.error ? exit : Exit.void)
        }
      }))
  })

const join = <A, E, R>(
  run: Effect.Effect<A, E, R>,
  parent: NonNullable<ReturnType<typeof DdTraceTracer.joinActiveSpan>>,
  result: ExtractionResult
): Effect.Effect<A, E, Exclude<R, CurrentExtraction>> =>
  Effect.withParentSpan(Effect.provideService(run, CurrentExtraction, result), parent.span)

/**
 * Wraps a handler so each invocation runs under the context extracted from its event (see the module docs).
 * Extraction never fails the invocation: the chain records failures and the handler runs as a new trace.
 *
 * @since 0.1.0
 * @category tracing
 */
export const withExtraction = <T, C, A, E, R>(
  handler: EffectHandler<T, C, A, E, R>,
  options: Options = {}
): EffectHandler<T, C, A, E, Exclude<R, CurrentExtraction> | ExtractorChain.ExtractorChain> => {
  const spanName = options.spanName
  const activeSpan = options.activeSpan ?? "join"
  const serverless = spanName === undefined ? undefined : ServerlessSpans.fromEnv(process.env, {
    spanName,
    ddTraceVersion: options.ddTraceVersion
  })
  const initializationType = process.env["AWS_LAMBDA_INITIALIZATION_TYPE"]
  return (event, context) => {
    const run = Effect.suspend(() => handler(event, context))
    const parent = activeSpan === "ignore" ? undefined : DdTraceTracer.joinActiveSpan()
    if (parent !== undefined) {
      if (activeSpan === "join") {
        const attempts = [DdTraceTracer.joinedAttempt(false)]
        return join(run, parent, { context: Option.some(parent.context), links: [], attempts })
      }
      return Effect.flatMap(
        ExtractorChain.extract(event, context),
        (result) => join(run, parent, { ...result, attempts: [DdTraceTracer.joinedAttempt(true), ...result.attempts] })
      )
    }
    return Effect.flatMap(
      ExtractorChain.extract(event, context),
      (result) => {
        if (serverless === undefined) return Tracing.withExtraction(run, result)
        return Effect.flatMap(
          Effect.sync(() => Date.now()),
          (now) =>
            Effect.flatMap(
              Ref.modify(coldStart, (state) => ColdStart.invoke(state, now, initializationType)),
              (invocation) =>
                withServerlessSpans(
                  run,
                  result,
                  ServerlessSpans.describe(
                    { event, context, extraction: result, coldStart: invocation, now },
                    serverless
                  ),
                  serverless
                )
            )
        )
      }
    )
  }
}
