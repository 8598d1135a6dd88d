/**
 * The extractor service: an extractor reads one kind of event and returns the upstream trace context it finds.
 * Build your own with {@link make}; the chain runs extractors in order and reports each one under its name.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { TraceContext } from "../domain/TraceContext.js"
import * as internalName from "../internal/extractorName.js"
import * as internalInvocation from "../internal/invocation.js"

/**
 * An extractor's name: a built-in one (see {@link knownNames}) or any other string, for a user's own extractor.
 *
 * @since 0.1.0
 * @category models
 */
export type ExtractorName = internalName.ExtractorName

/**
 * The names of the built-in extractors.
 *
 * @since 0.1.0
 * @category models
 */
export type KnownExtractorName = internalName.KnownExtractorName

/**
 * The built-in names, in the default chain order, then `dd-trace-span` (the span dd-trace already had active,
 * which the handler wrappers join instead of extracting).
 *
 * @since 0.1.0
 * @category constants
 */
export const knownNames: typeof internalName.names = internalName.names

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
export const InvocationKey: typeof internalInvocation.InvocationKey = internalInvocation.InvocationKey

/**
 * @since 0.1.0
 * @category models
 */
export type InvocationKey<A> = internalInvocation.InvocationKey<A>

/**
 * One invocation as the extractors of a chain see it: work that more than one of them needs (the durable
 * extractors' reading of later pages, a durable input payload's parse) is done once per invocation and shared. The
 * chain makes one for each run and hands it to every extractor it runs, unless its caller passes its own
 * (`ExtractorChain.extract`) to share the work too. One belongs to one event: never reuse it for another.
 *
 * @since 0.1.0
 * @category models
 */
export const Invocation: typeof internalInvocation.Invocation = internalInvocation.Invocation

/**
 * @since 0.1.0
 * @category models
 */
export type Invocation = internalInvocation.Invocation

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
   * An optional cheap, pure guard: `false` when the event cannot be this extractor's shape, and the chain records
   * "none" without running `extract`. It must be total (never throw) and must not decode anything.
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
export type Group = internalInvocation.Group

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
export const make = (options: Options): TraceExtractor => internalInvocation.makeExtractor(options)
