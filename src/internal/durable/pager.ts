/**
 * Paging through a durable execution's later pages of operations, within the service's limits and the
 * invocation's time budget, shared by both Effect lines. A read is a generator that decides everything (the next
 * marker, when to stop and why, the deadline and its words) and asks its line only for the clock ({@link Now}) and
 * for one page within a time limit ({@link Fetch}). Never fails: errors, bad pages, repeated markers, limits and
 * the deadline end the paging with a note. Effect-free.
 */
import { formatMillis } from "../durationText.js"
import { type Invocation, InvocationKey } from "../invocation.js"
import * as LambdaContext from "../serverless/lambdaContext.js"
import * as DurableOperations from "./durableOperations.js"
import type { GetStateRequest, GetStateResponse, RequestFailure } from "./executionState.js"

/** Where paging starts: the envelope's ARN, token and `NextMarker`. */
export interface PagingStart {
  readonly arn: string
  readonly checkpointToken: string | undefined
  readonly marker: string
}

/**
 * What paging read: the operations of each fetched page (in order), whether the last page was reached, and
 * notes on anything that stopped it early (errors are recorded here, never raised).
 */
export interface PagesRead {
  readonly pages: ReadonlyArray<ReadonlyArray<unknown>>
  readonly complete: boolean
  readonly notes: ReadonlyArray<string>
}

/** The bounds of paging (a `DurableState` service's limits, durations in milliseconds). */
export interface Limits {
  readonly maxPages: number
  readonly maxOperations: number
  readonly maxItems: number
  readonly budgetMillis: number
  readonly maxShareOfRemainingTime: number
}

/** Asks the line for the current time in milliseconds (answer: a number). */
export interface Now {
  readonly _tag: "Now"
}

/** Asks the line for one page, given up after `timeoutMillis` (answer: a {@link Fetched}). */
export interface Fetch {
  readonly _tag: "Fetch"
  readonly request: GetStateRequest
  readonly timeoutMillis: number
}

/** What a read asks its line. */
export type Step = Now | Fetch

/** The answer to a {@link Fetch}: the page, the service's failure, or the time limit reached first. */
export type Fetched =
  | { readonly _tag: "Page"; readonly response: GetStateResponse }
  | { readonly _tag: "Failed"; readonly failure: RequestFailure }
  | { readonly _tag: "TimedOut" }

/** The answer to a {@link Fetch} whose time limit was reached first. */
export const timedOut: Fetched = { _tag: "TimedOut" }

/** A read: asks for {@link Step}s, returns what was read. */
export type Read = Generator<Step, PagesRead, unknown>

/**
 * The later pages of one invocation's durable state, read at most once each: every reader gets what was read
 * before it and reading goes on from there. One invocation's reads share one deadline (the budget, from the first
 * read). For one invocation's extractors, which run one after the other (not for concurrent readers).
 */
export interface Pager {
  /**
   * The pages read so far and, unless `until` holds for one of them, the ones after (to the last page, a limit or
   * the deadline).
   */
  readonly read: (until?: ((operations: ReadonlyArray<unknown>) => boolean) | undefined) => Read
}

const shareName = (share: number): string => share === 0.25 ? "a quarter" : `${Math.round(share * 100)}%`

/** The paging budget of an invocation: the configured one, cut to its share of the remaining time. */
export const budgetOf = (
  limits: Limits,
  lambdaContext: unknown
): { readonly millis: number; readonly text: string } => {
  const configured = limits.budgetMillis
  const remaining = LambdaContext.remainingMillis(lambdaContext)
  const share = Math.min(1, Math.max(0, limits.maxShareOfRemainingTime))
  if (remaining === undefined || remaining * share >= configured) {
    return { millis: configured, text: formatMillis(configured) }
  }
  const millis = Math.floor(remaining * share)
  return {
    millis,
    text: `${formatMillis(millis)}, ${shareName(share)} of the ${formatMillis(Math.round(remaining))} remaining`
  }
}

const NOW: Now = { _tag: "Now" }

/**
 * Paging from the envelope's `NextMarker`, within `limits` and the invocation's budget (cut to a share of the
 * Lambda context's remaining time).
 */
export const make = (start: PagingStart, limits: Limits, lambdaContext?: unknown): Pager => {
  const fetched: Array<ReadonlyArray<unknown>> = []
  const notes: Array<string> = []
  const seen = new Set<string>()
  let marker: string | undefined = start.marker
  let total = 0
  let stopped = false
  let deadline: { readonly at: number; readonly text: string } | undefined
  if (start.checkpointToken === undefined) {
    notes.push("NextMarker set but the envelope has no CheckpointToken: later pages not read")
    stopped = true
  }
  const { maxItems, maxOperations, maxPages } = limits
  const snapshot = (): PagesRead => ({
    pages: fetched.slice(),
    complete: marker === undefined && notes.length === 0,
    notes: notes.slice()
  })
  const stop = (note: string): void => {
    notes.push(note)
    stopped = true
  }

  function* next(): Generator<Step, void, unknown> {
    const current = marker!
    const page = fetched.length + 2
    if (fetched.length >= maxPages) return stop(`stopped after ${maxPages} pages (limit): later pages not read`)
    if (seen.has(current)) return stop(`page ${page} repeated an earlier NextMarker: paging stopped`)
    const now = (yield NOW) as number
    if (deadline === undefined) {
      const budget = budgetOf(limits, lambdaContext)
      deadline = { at: now + budget.millis, text: budget.text }
    }
    const ranOut = `later pages timed out: the paging budget (${deadline.text}) ran out reading page ${page}`
    if (now >= deadline.at) return stop(ranOut)
    seen.add(current)
    const answer = (yield {
      _tag: "Fetch",
      request: {
        DurableExecutionArn: start.arn,
        CheckpointToken: start.checkpointToken!,
        Marker: current,
        MaxItems: maxItems
      },
      timeoutMillis: deadline.at - now
    }) as Fetched
    if (answer._tag === "TimedOut") return stop(ranOut)
    if (answer._tag === "Failed") {
      return stop(`reading page ${page} failed (${answer.failure.reason}: ${answer.failure.detail})`)
    }
    const operations = DurableOperations.operationList(answer.response.Operations, "Operations")
    if (operations._tag === "Err") return stop(`page ${page} unusable: ${operations.error.detail}`)
    if (total + operations.value.length > maxOperations) {
      return stop(`stopped at ${total} operations from later pages (limit ${maxOperations})`)
    }
    total += operations.value.length
    fetched.push(operations.value)
    const before = notes.length
    marker = DurableOperations.readMarker(answer.response.NextMarker, notes, `page ${page} NextMarker`)
    if (notes.length > before) stopped = true
  }

  // Whether the last page read is the one `until` looks for.
  const reached = (until: ((operations: ReadonlyArray<unknown>) => boolean) | undefined): boolean =>
    until !== undefined && fetched.length > 0 && until(fetched[fetched.length - 1]!)

  return {
    *read(until) {
      if (until !== undefined && fetched.some(until)) return snapshot()
      while (!stopped && marker !== undefined && !reached(until)) yield* next()
      return snapshot()
    }
  }
}

interface Shared {
  readonly start: PagingStart
  readonly pager: Pager
}

const sharedPagers = new InvocationKey<Map<object, Shared>>("DurableState.pages")

const sameStart = (a: PagingStart, b: PagingStart): boolean =>
  a.arn === b.arn && a.marker === b.marker && a.checkpointToken === b.checkpointToken

/**
 * The invocation's {@link Pager} over a line's service: made by whichever durable extractor pages first, and shared
 * with the other (pages are requested once per invocation). Without an invocation (an extractor called on its own)
 * a fresh one; an invocation wrongly reused for another envelope gets a fresh one too, never the other's pages.
 */
export const of = (
  invocation: Invocation | undefined,
  service: object,
  start: PagingStart,
  limits: () => Limits,
  lambdaContext: unknown
): Pager => {
  if (invocation === undefined) return make(start, limits(), lambdaContext)
  const byService = invocation.shared(sharedPagers, () => new Map<object, Shared>())
  const found = byService.get(service)
  if (found !== undefined && sameStart(found.start, start)) return found.pager
  const pager = make(start, limits(), lambdaContext)
  byService.set(service, { start, pager })
  return pager
}
