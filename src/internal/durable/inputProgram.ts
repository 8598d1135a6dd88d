/**
 * Durable executions with no usable checkpoint: the context of the original event, held as JSON text in the
 * EXECUTION operation's `ExecutionDetails.InputPayload` (the first invocation receives an envelope, not the event),
 * as a program both Effect lines run (see `durableProgram.ts`). Text that names no carrier is not parsed; otherwise
 * it is parsed once (bounded) and searched for a top-level `_datadog` carrier, a `headers` carrier, then any trigger
 * shape, by running the trigger extractors in chain order.
 */
import type { AttemptFields } from "../chainGuards.js"
import type { Invocation } from "../invocation.js"
import { isRecord } from "../propagation/carrier.js"
import * as CarrierText from "../propagation/carrierText.js"
import * as DurableArn from "./durableArn.js"
import * as DurableOperations from "./durableOperations.js"
import * as Durable from "./durableProgram.js"
import * as OriginalEvent from "./originalEvent.js"

/** The extractor's name. */
export const NAME = "durable-input"

/** Longest `InputPayload` parsed: Lambda's synchronous invocation payload limit (6 MiB). */
export const maxInputPayloadLength = 6 * 1024 * 1024

/**
 * A test on the payload text from the trigger extractors' text guards: `false` when neither a top-level carrier
 * nor any of the trigger extractors could find a context in it. `undefined` (always parse) when a trigger extractor
 * has no guard.
 */
export const textScreen = (
  guards: ReadonlyArray<((text: string) => boolean) | undefined>
): ((text: string) => boolean) | undefined => {
  const unique = new Set<(text: string) => boolean>([CarrierText.mayHoldContext])
  for (const guard of guards) {
    if (guard === undefined) return undefined
    unique.add(guard)
  }
  const list = [...unique]
  return list.length === 1 ? list[0] : (text) => list.some((guard) => guard(text))
}

/** What the input extractor gives its program besides the line's {@link Durable.Env}. */
export interface Options {
  /** The screen over the payload text ({@link textScreen}); `undefined` parses every payload. */
  readonly screen: ((text: string) => boolean) | undefined
  readonly lambdaContext: unknown
  /** The invocation's shared work: the payload is parsed once for this extractor and the serverless view. */
  readonly invocation?: Invocation | undefined
}

interface Execution {
  readonly operation: Readonly<Record<string, unknown>> | undefined
  readonly notes: ReadonlyArray<string>
}

/** The EXECUTION operation on a later page, for an envelope whose first page lacks it. */
function* findOnLaterPages(
  envelope: DurableOperations.Envelope,
  marker: string
): Generator<Durable.Request, Execution, unknown> {
  const executionId = DurableArn.executionId(envelope.arn)
  const read = yield* Durable.readPages(
    envelope,
    marker,
    (page) => DurableOperations.findExecution(page, executionId) !== undefined
  )
  let operation: Readonly<Record<string, unknown>> | undefined
  for (const page of read?.pages ?? []) {
    operation = DurableOperations.findExecution(page, executionId)
    if (operation !== undefined) break
  }
  return { operation, notes: Durable.pagingNotes(envelope, read) }
}

const describeAttempt = (attempt: AttemptFields) =>
  attempt.reason === undefined ? `${attempt.extractor} ${attempt.outcome}` : `${attempt.extractor} ${attempt.reason}`

const CARRIER_KEYS = ["_datadog", "headers"] as const

/** The top-level carriers, then the trigger shapes. */
function* fromOriginal<C extends { readonly source: string }, F>(
  env: Durable.Env<C>,
  original: Readonly<Record<string, unknown>>,
  lambdaContext: unknown,
  notes: Array<string>
): Durable.Program<C, F> {
  for (const key of CARRIER_KEYS) {
    const carrier = original[key]
    if (!isRecord(carrier)) continue
    const context = yield* Durable.propagate<C>(carrier)
    if (context !== undefined) return Durable.found(context, [...notes, `from ${key}`])
    notes.push(`${key} holds no complete context`)
  }
  const result = (yield { _tag: "RunTriggers", event: original, lambdaContext }) as Durable.TriggersRun<C>
  if (result.context === undefined) {
    const tried = result.attempts.filter((attempt) => attempt.outcome !== "none").map(describeAttempt)
    return Durable.nothing(...notes, tried.length === 0 ? "no trigger shape matched" : tried.join(", "))
  }
  const matched = result.context.source
  return Durable.found(
    env.withSource(result.context, NAME),
    [...notes, `from the ${matched} trigger shape`],
    result.links
  )
}

/** An original event, parsed (wrapped: the event's own keys, `_tag` included, are the user's). */
interface Original {
  readonly _tag: "Original"
  readonly event: Readonly<Record<string, unknown>>
}

const NOT_PARSED = "no trace carrier in the original event (not parsed)"
const NOTHING_NOT_PARSED: Durable.Outcome<never, never> = Object.freeze({
  _tag: "Nothing",
  notes: Object.freeze([NOT_PARSED])
})

/**
 * The original event of a known EXECUTION operation, parsed, or the outcome when there is none to read. Plain (no
 * program): most invocations end here, with a payload whose text names no carrier.
 */
const originalOf = <C>(
  env: Durable.Env<C>,
  options: Options,
  execution: Execution
): Original | Durable.Outcome<never, never> => {
  if (execution.operation === undefined) return Durable.nothing(...execution.notes, "no EXECUTION operation")
  let fields = DurableOperations.readFields(execution.operation)
  if (fields === undefined) {
    const decoded = env.decodeFields(execution.operation)
    if (decoded._tag === "Err") {
      return Durable.malformed("MalformedEvent", `malformed EXECUTION operation (${decoded.error})`)
    }
    fields = decoded.value
  }
  const payload = fields.inputPayload
  if (payload !== undefined && payload.length > maxInputPayloadLength) {
    return Durable.malformed("LimitExceeded", `InputPayload longer than ${maxInputPayloadLength} characters`)
  }
  if (payload === undefined) return Durable.nothing(...execution.notes, "no InputPayload")
  if (options.screen !== undefined && !options.screen(payload)) {
    // The usual first invocation: one frozen outcome when the envelope gave no notes.
    return execution.notes.length === 0 ? NOTHING_NOT_PARSED : Durable.nothing(...execution.notes, NOT_PARSED)
  }
  const parsed = OriginalEvent.parse(payload, options.invocation)
  switch (parsed._tag) {
    case "Event":
      return { _tag: "Original", event: parsed.event }
    case "NotJson":
      return Durable.malformed("MalformedEvent", "InputPayload is not valid JSON")
    case "NotObject":
      return Durable.nothing(...execution.notes, "the original event is not an object")
  }
}

/** What the EXECUTION operation gives: its original event's context, or the outcome when there is none to read. */
const fromExecution = <C extends { readonly source: string }, F>(
  env: Durable.Env<C>,
  options: Options,
  execution: Execution
): Durable.Start<C, F> => {
  const original = originalOf(env, options, execution)
  return original._tag === "Original"
    ? fromOriginal<C, F>(env, original.event, options.lambdaContext, [...execution.notes])
    : original
}

/** The rest of the program once the EXECUTION operation must be looked for on the later pages. */
function* fromLaterPages<C extends { readonly source: string }, F>(
  env: Durable.Env<C>,
  options: Options,
  envelope: DurableOperations.Envelope,
  marker: string
): Durable.Program<C, F> {
  return yield* Durable.follow(fromExecution<C, F>(env, options, yield* findOnLaterPages(envelope, marker)))
}

/**
 * The input-payload extractor's program on one event. When the EXECUTION operation is on the first page (always,
 * on the real service) and its payload names no carrier, the outcome comes at once, with no program.
 */
export const program = <C extends { readonly source: string }, F>(
  env: Durable.Env<C>,
  options: Options,
  event: unknown
): Durable.Start<C, F> => {
  const envelope = Durable.envelopeOf(event)
  if (Durable.isOutcome(envelope)) return envelope
  const malformedIndex = DurableOperations.firstMalformed(envelope.operations)
  if (malformedIndex >= 0) {
    return Durable.malformed("MalformedEvent", `Operations[${malformedIndex}] is not an object`)
  }
  const arn = envelope.arn
  const onFirst = DurableOperations.findExecution(envelope.operations, () => DurableArn.executionId(arn))
  const marker = envelope.nextMarker
  if (onFirst === undefined && marker !== undefined) return fromLaterPages<C, F>(env, options, envelope, marker)
  return fromExecution<C, F>(env, options, { operation: onFirst, notes: envelope.notes })
}
