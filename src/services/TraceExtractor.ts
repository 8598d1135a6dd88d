/**
 * The interface every extractor implements, and helpers to build its results.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { isRecord } from "../domain/Carrier.js"
import * as CarrierText from "../domain/CarrierText.js"
import * as DurableOperations from "../domain/DurableOperations.js"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { ExtractorName } from "../domain/ExtractorName.js"
import * as RecordBatch from "../domain/RecordBatch.js"
import * as SqsMessage from "../domain/SqsMessage.js"
import type { TraceContext } from "../domain/TraceContext.js"

/**
 * What one extractor found: the context (`None` when its event shape does not apply or holds no context), span
 * links to other upstream contexts (other records of a batch), and notes for the attempt log.
 *
 * @since 0.1.0
 * @category models
 */
export interface Extracted {
  readonly context: Option.Option<TraceContext>
  readonly links: ReadonlyArray<TraceContext>
  readonly notes: ReadonlyArray<string>
}

/**
 * A key of work shared by the extractors of one invocation (see {@link Invocation}).
 *
 * @since 0.1.0
 * @category models
 */
export class InvocationKey<A> {
  declare readonly _A: (_: never) => A
  constructor(readonly description: string) {}
}

/**
 * One invocation as the extractors of a chain see it: work that more than one of them needs (the durable
 * extractors' reading of later pages) is done once per invocation and shared. The chain makes one for each
 * invocation and hands it to every extractor it runs; nothing in it outlives the invocation.
 *
 * @since 0.1.0
 * @category models
 */
export class Invocation {
  #shared: Map<InvocationKey<unknown>, unknown> | undefined

  /**
   * The value of `key` in this invocation: made by `make` on first use, the same value after.
   *
   * @since 0.1.0
   */
  shared<A>(key: InvocationKey<A>, make: () => A): A {
    const shared = this.#shared ??= new Map()
    if (shared.has(key)) return shared.get(key) as A
    const value = make()
    shared.set(key, value)
    return value
  }
}

/**
 * An extractor: event and Lambda context in, {@link Extracted} out. `None` means "not mine / nothing here"; a
 * typed failure means "present but broken". Extractors never throw and never mutate the event.
 *
 * The chain also passes the {@link Invocation}, through which extractors share work; an extractor called on its own
 * (without one) does that work itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface TraceExtractor {
  readonly name: ExtractorName
  readonly extract: (
    event: unknown,
    lambdaContext: unknown,
    invocation?: Invocation
  ) => Effect.Effect<Extracted, ExtractorFailure>
  /**
   * An optional cheap, pure guard: `false` when the event cannot be this extractor's shape. The chain then
   * records "none" without running `extract`, which keeps a non-matching extractor at the cost of a function call
   * on every invocation. It must be total (never throw) and must not decode anything.
   */
  readonly accepts?: ((event: unknown, lambdaContext: unknown) => boolean) | undefined
  /**
   * An optional guard on an event held as JSON text (a durable execution's input payload): `false` when no event
   * with this text carries a context this extractor can find, whatever the propagator (a context from the
   * environment, such as SNS's X-Ray fallback, is not the event's). When every extractor of a chain has one and
   * all say `false`, the text is not parsed. Without it, the text is always parsed.
   */
  readonly textGuard?: ((text: string) => boolean) | undefined
  /**
   * An optional guard shared by consecutive extractors of a chain (see {@link Group}).
   */
  readonly group?: Group | undefined
}

/**
 * A guard shared by consecutive extractors of a chain: the chain calls it once for the run of extractors that
 * carry the same group (or a group inside it), and when it rejects the event records "none" for all of them
 * without calling their own guards. It must be total and cheap, like `accepts`, and a necessary condition of every
 * member's guard.
 *
 * @since 0.1.0
 * @category models
 */
export interface Group {
  readonly name: string
  readonly accepts: (event: unknown, lambdaContext: unknown) => boolean
  /** An enclosing group: its guard is checked first, for the longer run of extractors it covers. */
  readonly parent?: Group | undefined
}

/**
 * The group of the durable extractors (checkpoint, input payload): they read only durable envelopes, so for any
 * other event the chain checks that once for both.
 *
 * @since 0.1.0
 * @category constants
 */
export const durable: Group = {
  name: "durable",
  accepts: DurableOperations.isDurableEvent
}

/**
 * The group of the built-in trigger extractors: a durable execution's envelope is no trigger event (the durable
 * input extractor runs the triggers on the original event it holds instead), so none of them runs on one.
 *
 * @since 0.1.0
 * @category constants
 */
export const triggers: Group = {
  name: "triggers",
  accepts: (event) => !DurableOperations.isDurableEvent(event)
}

// Shared by every result without links or notes: frozen, so that no caller can add to another invocation's.
const EMPTY: ReadonlyArray<never> = Object.freeze([])

/**
 * Nothing found (frozen).
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: Extracted = Object.freeze({ context: Option.none(), links: EMPTY, notes: EMPTY })

/**
 * Nothing found, with notes explaining why.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noneWith = (...notes: ReadonlyArray<string>): Extracted => ({
  context: Option.none(),
  links: EMPTY,
  notes
})

/**
 * A "none" whose last note is fixed: given the notes before it (an envelope's remarks, say), its result. With none
 * before it the result is one constant completed effect, which the chain records with the same attempt on every
 * invocation, allocating nothing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noneEndingWith = (note: string): (notes: ReadonlyArray<string>) => Effect.Effect<Extracted> => {
  const constant = Exit.succeed(Object.freeze({ context: Option.none(), links: EMPTY, notes: Object.freeze([note]) }))
  return (notes) => notes.length === 0 ? constant : Exit.succeed(noneWith(...notes, note))
}

/**
 * A context found, with optional span links and notes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const found = (
  context: TraceContext,
  options?: { readonly links?: ReadonlyArray<TraceContext>; readonly notes?: ReadonlyArray<string> }
): Extracted => ({ context: Option.some(context), links: options?.links ?? EMPTY, notes: options?.notes ?? EMPTY })

/**
 * Lifts an optional context into {@link Extracted}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromOption = (context: Option.Option<TraceContext>): Extracted =>
  Option.isSome(context) ? { context, links: EMPTY, notes: EMPTY } : none

/**
 * What an extractor is built from: its name (a built-in one or the user's own), `extract`, and the optional
 * guards of {@link TraceExtractor}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly name: ExtractorName
  readonly extract: TraceExtractor["extract"]
  readonly accepts?: TraceExtractor["accepts"]
  readonly textGuard?: TraceExtractor["textGuard"]
  readonly group?: Group | undefined
}

/**
 * Builds an extractor value.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { TraceContext, TraceExtractor } from "effect-datadog-lambda"
 *
 * const mine = TraceExtractor.make({
 *   name: "my-queue",
 *   accepts: (event) => typeof event === "object" && event !== null && "myTrace" in event,
 *   extract: () => Effect.succeed(TraceExtractor.found(TraceContext.make({ traceId: "1", parentId: "2", source: "my-queue" })))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): TraceExtractor => ({
  name: options.name,
  extract: options.extract,
  ...(options.accepts === undefined ? {} : { accepts: options.accepts }),
  ...(options.textGuard === undefined ? {} : { textGuard: options.textGuard }),
  ...(options.group === undefined ? {} : { group: options.group })
})

/**
 * The group of the trigger extractors that read `Records` batches (SNS, SQS and what it wraps, Kinesis), inside
 * {@link triggers}: their guards all need a first record that is an SQS message (`eventSource`), an SNS
 * notification (`Sns`) or a Kinesis record (`kinesis`), so a batch of another source (S3, DynamoDB) runs none.
 *
 * @since 0.1.0
 * @category constants
 */
export const records: Group = {
  name: "records",
  parent: triggers,
  accepts: (event) => {
    const first = RecordBatch.firstRecord(event)
    return first !== undefined &&
      (first["eventSource"] === SqsMessage.EVENT_SOURCE || isRecord(first["Sns"]) || isRecord(first["kinesis"]))
  }
}

/**
 * Builds a built-in trigger extractor: its `textGuard` is {@link CarrierText.mayHoldContext} and its group
 * {@link triggers} unless `options` names a group inside it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTrigger = (options: Omit<Options, "textGuard">): TraceExtractor =>
  make({ ...options, textGuard: CarrierText.mayHoldContext, group: options.group ?? triggers })
