/**
 * The ordered fallback chain of extractors. It runs them in order, returns the first context found, and records
 * every attempt so users can see why nothing matched. A failing extractor never stops the chain.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../domain/Errors.js"
import type { Attempt, ExtractionResult } from "../domain/ExtractionResult.js"
import * as TraceContext from "../domain/TraceContext.js"
import * as Completed from "../internal/completed.js"
import type { Extracted, Group, TraceExtractor } from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class ExtractorChain extends Context.Tag("effect-datadog-lambda/ExtractorChain")<
  ExtractorChain,
  ExtractorChain.Service
>() {}

/**
 * @since 0.1.0
 * @category services
 */
export declare namespace ExtractorChain {
  /**
   * @since 0.1.0
   * @category services
   */
  export interface Service {
    /** The extractors, in the order they run. */
    readonly extractors: ReadonlyArray<TraceExtractor>
    /** Runs the chain. Never fails: every failure is recorded as an attempt. */
    readonly extract: (event: unknown, lambdaContext: unknown) => Effect.Effect<ExtractionResult>
    /**
     * Runs the chain when called, not when the effect runs: `extract` is `Effect.suspend(() => run(...))`. The
     * result is a completed effect (an `Exit`) unless an extractor's effect is not. For callers that are already
     * running an effect (the {@link extract} accessor, the durable input extractor), it saves a runtime step.
     */
    readonly run: (event: unknown, lambdaContext: unknown) => Effect.Effect<ExtractionResult>
  }
}

const failureReason = (error: ExtractorFailure): string => `${error._tag}.${error.reason}`

const failureAttempt = (extractor: TraceExtractor, cause: Cause.Cause<ExtractorFailure>): Attempt => {
  const failure = Cause.failureOption(cause)
  return Option.isSome(failure)
    ? {
      extractor: extractor.name,
      outcome: "failed",
      reason: failureReason(failure.value),
      detail: failure.value.detail
    }
    : {
      extractor: extractor.name,
      outcome: "failed",
      reason: "Defect",
      detail: Cause.pretty(cause).split("\n", 1)[0] ?? "unexpected defect"
    }
}

const successAttempt = (extractor: TraceExtractor, extracted: Extracted): Attempt => {
  const outcome = Option.isSome(extracted.context) ? "found" : "none"
  const notes = extracted.notes
  return notes.length === 0
    ? { extractor: extractor.name, outcome }
    : { extractor: extractor.name, outcome, detail: notes.length === 1 ? notes[0]! : notes.join("; ") }
}

const guardDefect = (extractor: TraceExtractor): Attempt => ({
  extractor: extractor.name,
  outcome: "failed",
  reason: "Defect",
  detail: "the extractor's guard threw"
})

/** `true`, `false`, or `undefined` when the guard itself threw. */
const accepts = (extractor: TraceExtractor, event: unknown, lambdaContext: unknown): boolean | undefined => {
  if (extractor.accepts === undefined) return true
  try {
    return extractor.accepts(event, lambdaContext)
  } catch {
    return undefined
  }
}

/** A group's guard; one that throws lets its extractors' own guards decide. */
const groupAccepts = (group: Group, event: unknown, lambdaContext: unknown): boolean => {
  try {
    return group.accepts(event, lambdaContext)
  } catch {
    return true
  }
}

/** A group and its enclosing groups, innermost first. */
const lineage = (group: Group | undefined): ReadonlyArray<Group> => {
  const groups: Array<Group> = []
  for (let current = group; current !== undefined && groups.length < 8; current = current.parent) groups.push(current)
  return groups
}

/**
 * One step of a chain's program: a group's guard over the extractors `start` to `end` (exclusive), after which a
 * rejecting guard jumps to the first step of extractor `end`; or (no `group`) the extractor at `start`. One shape
 * for both, so the loop reads its steps monomorphically.
 */
interface Step {
  readonly group: Group | undefined
  readonly start: number
  readonly end: number
}

/**
 * The program of a chain: for each extractor, the guards of the groups whose runs start there (outermost first; a
 * run is a longest stretch of consecutive extractors whose groups, or enclosing groups, include the same group),
 * then the extractor itself. `stepOf[i]` is the position of the first step for extractor `i` (the chain resumes
 * there after a wait), and `stepOf[extractors.length]` the end of the program.
 */
const program = (extractors: ReadonlyArray<TraceExtractor>) => {
  const lineages = extractors.map((extractor) => lineage(extractor.group))
  const steps: Array<Step> = []
  const stepOf: Array<number> = []
  lineages.forEach((groups, index) => {
    stepOf.push(steps.length)
    for (const group of [...groups].reverse()) {
      if (index > 0 && lineages[index - 1]!.includes(group)) continue
      let end = index + 1
      while (end < extractors.length && lineages[end]!.includes(group)) end++
      steps.push({ group, start: index, end })
    }
    steps.push({ group: undefined, start: index, end: index + 1 })
  })
  stepOf.push(steps.length)
  return { steps: steps as ReadonlyArray<Step>, stepOf: stepOf as ReadonlyArray<number> }
}

/** Every bit set: the mask of an event whose keys were not enumerated (nothing is skipped by key). */
const ALL_KEYS = -1

/** Most keys of an event enumerated for the key mask; an event with more skips nothing by key. */
const MAX_ENUMERATED_KEYS = 64

/**
 * The bit of each key the extractors declare, and each extractor's mask: 0 (never skipped by key) when it declares
 * none, or a key beyond the 31 that get a bit.
 */
const keyMasks = (extractors: ReadonlyArray<TraceExtractor>) => {
  const bits = new Map<string, number>()
  const masks = extractors.map((extractor) => {
    const keys = extractor.keys
    if (keys === undefined || keys.length === 0) return 0
    let mask = 0
    for (const key of keys) {
      let bit = bits.get(key)
      if (bit === undefined && bits.size < 31) bits.set(key, bit = 1 << bits.size)
      if (bit === undefined) return 0
      mask |= bit
    }
    return mask
  })
  return { bits, masks }
}

/**
 * The bits of the declared keys a plain-object event has (its own and inherited enumerable keys, as guards read
 * them), or `ALL_KEYS` for any other event, or one with too many keys to enumerate.
 */
const eventKeyMask = (bits: ReadonlyMap<string, number>, event: unknown): number => {
  if (typeof event !== "object" || event === null) return 0
  const prototype = Object.getPrototypeOf(event)
  if (prototype !== Object.prototype && prototype !== null) return ALL_KEYS
  let mask = 0
  let seen = 0
  for (const key in event) {
    if (++seen > MAX_ENUMERATED_KEYS) return ALL_KEYS
    const bit = bits.get(key)
    if (bit !== undefined) mask |= bit
  }
  return mask
}

/**
 * The attempt log of the last invocation that found nothing, kept so that an invocation whose attempts are the
 * same objects (guards that rejected the event, constant "none" results) allocates no log and no result: it gets
 * the previous result again. Results are immutable by type (every field is `readonly`), so sharing one is safe;
 * they are not frozen, because V8 reads the elements of a frozen array more slowly.
 */
interface NothingFound {
  readonly attempts: ReadonlyArray<Attempt>
  /**
   * For each position `i`, the first position from `i` on whose attempt is not the constant "none" of its
   * extractor: a run of extractors skipped as "none" repeats these attempts when it ends before that position.
   */
  readonly noneUntil: Int32Array
  readonly exit: Exit.Exit<ExtractionResult>
}

const EMPTY: ReadonlyArray<never> = []

const nothingFound = (attempts: ReadonlyArray<Attempt>, noneAttempts: ReadonlyArray<Attempt>): NothingFound => {
  const noneUntil = new Int32Array(attempts.length + 1)
  noneUntil[attempts.length] = attempts.length
  for (let index = attempts.length - 1; index >= 0; index--) {
    noneUntil[index] = attempts[index] === noneAttempts[index] ? noneUntil[index + 1]! : index
  }
  return { attempts, noneUntil, exit: Exit.succeed({ context: Option.none(), links: EMPTY, attempts }) }
}

/**
 * Builds a chain from an ordered list of extractors. Extractors whose `accepts` guard rejects the event are
 * recorded as "none" without running, and so are consecutive extractors sharing a `group` whose guard rejects it and
 * extractors that declare `keys` the event has none of; the rest run as effects, each isolated so a failure or
 * defect is recorded and the chain goes on.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (extractors: ReadonlyArray<TraceExtractor>): ExtractorChain.Service => {
  const noneAttempts: ReadonlyArray<Attempt> = extractors.map((extractor) =>
    Object.freeze({ extractor: extractor.name, outcome: "none" as const })
  )
  // Per extractor, the attempt last built from a result object, so that a constant result (a "none" with a fixed
  // note) is recorded by the same attempt object every time.
  const lastExtracted: Array<Extracted | undefined> = extractors.map(() => undefined)
  const lastAttempt: Array<Attempt | undefined> = extractors.map(() => undefined)
  let previous = nothingFound(noneAttempts, noneAttempts)
  const { stepOf, steps } = program(extractors)
  const { bits, masks } = keyMasks(extractors)

  const attemptOf = (index: number, extracted: Extracted): Attempt => {
    if (lastExtracted[index] === extracted) return lastAttempt[index]!
    const attempt = successAttempt(extractors[index]!, extracted)
    if (Option.isNone(extracted.context)) {
      lastExtracted[index] = extracted
      lastAttempt[index] = attempt
    }
    return attempt
  }

  /**
   * The log so far: `undefined` while every attempt is the one `previous` holds at that position (nothing is
   * allocated then), else a list of its own. Only the synchronous loop keeps it `undefined`: before the chain
   * waits on an effect (when another invocation may replace `previous`), the log is copied out (`own`).
   */
  type Log = Array<Attempt> | undefined

  const record = (log: Log, index: number, attempt: Attempt): Log => {
    if (log !== undefined) {
      log.push(attempt)
      return log
    }
    if (previous.attempts[index] === attempt) return undefined
    const own = previous.attempts.slice(0, index)
    own.push(attempt)
    return own
  }

  /** Records the constant "none" of the extractors `start` to `end` (exclusive), skipped without running. */
  const recordNone = (log: Log, start: number, end: number): Log => {
    if (log === undefined) {
      if (previous.noneUntil[start]! >= end) return undefined
      log = previous.attempts.slice(0, start)
    }
    for (let index = start; index < end; index++) log.push(noneAttempts[index]!)
    return log
  }

  const done = (log: Log): Exit.Exit<ExtractionResult> => {
    if (log === undefined) return previous.exit
    previous = nothingFound(log, noneAttempts)
    return previous.exit
  }

  const own = (log: Log, index: number): Array<Attempt> => log ?? previous.attempts.slice(0, index)

  // A plain loop rather than Effect.gen: only extractors whose guard accepts the event cost an effect, and an
  // extractor whose effect is already an `Exit` (a result computed when `extract` was called) costs no step of the
  // runtime at all: its outcome is read here and the loop goes on.
  const from = (
    position: number,
    log: Log,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    // Computed at the first extractor that declares keys, once per invocation (per resumption after a wait).
    let keysOfEvent: number | undefined
    for (; position < steps.length; position++) {
      const step = steps[position]!
      const index = step.start
      if (step.group !== undefined) {
        if (!groupAccepts(step.group, event, lambdaContext)) {
          log = recordNone(log, index, step.end)
          position = stepOf[step.end]! - 1
        }
        continue
      }
      const extractor = extractors[index]!
      const mask = masks[index]!
      if (mask !== 0 && (mask & (keysOfEvent ??= eventKeyMask(bits, event))) === 0) {
        log = recordNone(log, index, index + 1)
        continue
      }
      const accepted = accepts(extractor, event, lambdaContext)
      if (accepted === false) {
        log = recordNone(log, index, index + 1)
        continue
      }
      if (accepted === undefined) {
        log = record(log, index, guardDefect(extractor))
        continue
      }
      let effect: Effect.Effect<Extracted, ExtractorFailure>
      try {
        effect = extractor.extract(event, lambdaContext)
      } catch (defect) {
        // What `Effect.suspend` would do with a throwing `extract`: a defect.
        effect = Exit.die(defect)
      }
      if (Completed.isCompleted(effect)) {
        if (Exit.isFailure(effect)) return onFailure(index, effect.cause, log, event, lambdaContext)
        const extracted = effect.value
        if (Option.isSome(extracted.context)) {
          return Exit.succeed(foundResult(index, extracted.context.value, extracted, log))
        }
        log = record(log, index, attemptOf(index, extracted))
        continue
      }
      const at = index
      const before = own(log, index)
      return Effect.matchCauseEffect(effect, {
        onFailure: (cause) => onFailure(at, cause, before, event, lambdaContext),
        onSuccess: (extracted) =>
          Option.isSome(extracted.context)
            ? Effect.succeed(foundResult(at, extracted.context.value, extracted, before))
            : from(stepOf[at + 1]!, record(before, at, attemptOf(at, extracted)), event, lambdaContext)
      })
    }
    return done(log)
  }
  const onFailure = (
    index: number,
    cause: Cause.Cause<ExtractorFailure>,
    log: Log,
    event: unknown,
    lambdaContext: unknown
  ): Effect.Effect<ExtractionResult> => {
    if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
    const extractor = extractors[index]!
    const attempt = failureAttempt(extractor, cause)
    const next = own(log, index)
    next.push(attempt)
    return Effect.zipRight(
      Effect.logDebug("trace extractor failed").pipe(
        Effect.annotateLogs({ extractor: extractor.name, reason: attempt.reason ?? "" })
      ),
      Effect.suspend(() => from(stepOf[index + 1]!, next, event, lambdaContext))
    )
  }
  const foundResult = (
    index: number,
    context: TraceContext.TraceContext,
    extracted: Extracted,
    log: Log
  ): ExtractionResult => {
    const extractor = extractors[index]!
    const attempts = own(log, index)
    attempts.push(successAttempt(extractor, extracted))
    return { context: Option.some(TraceContext.withSource(context, extractor.name)), links: extracted.links, attempts }
  }
  const run = (event: unknown, lambdaContext: unknown) => from(0, undefined, event, lambdaContext)
  return {
    extractors,
    extract: (event, lambdaContext) => Effect.suspend(() => run(event, lambdaContext)),
    run
  }
}

/**
 * A chain over a fixed list of extractors.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (extractors: ReadonlyArray<TraceExtractor>): Layer.Layer<ExtractorChain> =>
  Layer.succeed(ExtractorChain, make(extractors))

/**
 * A chain over the extractor services that are present in the context, in the given order. Absent services are
 * skipped, so a chain can be assembled from whichever extractor layers an app (or a test) provides.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromServices = (
  services: ReadonlyArray<Context.Tag<any, TraceExtractor>>
): Layer.Layer<ExtractorChain> => Layer.effect(ExtractorChain, Effect.map(collect(services), make))

/**
 * The extractor services present in the context, in the given order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const collect = (
  services: ReadonlyArray<Context.Tag<any, TraceExtractor>>
): Effect.Effect<ReadonlyArray<TraceExtractor>> =>
  Effect.map(
    Effect.forEach(services, (tag) => Effect.serviceOption(tag)),
    (found) => found.flatMap((extractor) => Option.isSome(extractor) ? [extractor.value] : [])
  )

/**
 * Runs the chain in the context on one invocation.
 *
 * Untraced on purpose: it runs before the upstream parent is known, so a span here would be a root span, i.e. an
 * extra one-span trace in Datadog on every invocation (and about 20 µs of tracer work). The handler span that
 * follows carries the extractor's name instead.
 *
 * @since 0.1.0
 * @category extraction
 */
export const extract: (
  event: unknown,
  lambdaContext?: unknown
) => Effect.Effect<ExtractionResult, never, ExtractorChain> = (event, lambdaContext) =>
  // One runtime step reads the service from the fiber; the chain then runs at once (see `run`).
  Effect.withFiberRuntime<ExtractionResult, never, ExtractorChain>((fiber) =>
    Context.unsafeGet(fiber.currentContext, ExtractorChain).run(event, lambdaContext)
  )
