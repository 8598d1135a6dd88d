/**
 * Paging through a durable execution's later pages of operations, within the service's limits and the
 * invocation's time budget. Never fails: errors, bad pages, repeated markers, limits and the deadline end the
 * paging with a note.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { DurableState, Limits } from "../../services/DurableState.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as LambdaContext from "../serverless/lambdaContext.js"
import * as DurableOperations from "./durableOperations.js"

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

const shareName = (share: number): string => share === 0.25 ? "a quarter" : `${Math.round(share * 100)}%`

/** The paging budget of an invocation: the configured one, cut to its share of the remaining time. */
const budgetOf = (limits: Limits, lambdaContext: unknown): { readonly millis: number; readonly text: string } => {
  const configured = Duration.toMillis(Duration.decode(limits.budget))
  const remaining = LambdaContext.remainingMillis(lambdaContext)
  const share = Math.min(1, Math.max(0, limits.maxShareOfRemainingTime))
  if (remaining === undefined || remaining * share >= configured) {
    return { millis: configured, text: Duration.format(Duration.millis(configured)) }
  }
  const millis = Math.floor(remaining * share)
  return {
    millis,
    text: `${Duration.format(Duration.millis(millis))}, ${shareName(share)} of the ${
      Duration.format(Duration.millis(Math.round(remaining)))
    } remaining`
  }
}

/**
 * The later pages of one invocation's durable state, read at most once each: every reader gets what was read
 * before it and reading goes on from there. One invocation's reads share one deadline (the {@link Limits} `budget`,
 * from the first read). Never fails: errors, bad pages, repeated markers, limits and the deadline end the paging
 * with a note. For one invocation's extractors, which run one after the other (not for concurrent readers).
 */
export interface Pages {
  /**
   * The pages read so far and, unless `until` holds for one of them, the ones after (to the last page, a limit or
   * the deadline).
   */
  readonly read: (until?: (operations: ReadonlyArray<unknown>) => boolean) => Effect.Effect<PagesRead>
}

class BudgetSpent {
  readonly _tag = "BudgetSpent"
}

/**
 * Paging from the envelope's `NextMarker`, within the service's limits and the invocation's budget (cut to a share of
 * the Lambda context's remaining time).
 */
export const pages = (service: DurableState.Service, start: PagingStart, lambdaContext?: unknown): Pages => {
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
  const { maxItems, maxOperations, maxPages } = service.limits
  const snapshot = (): PagesRead => ({
    pages: fetched.slice(),
    complete: marker === undefined && notes.length === 0,
    notes: notes.slice()
  })
  const stop = (note: string): void => {
    notes.push(note)
    stopped = true
  }

  const next = Effect.gen(function*() {
    const current = marker!
    const page = fetched.length + 2
    if (fetched.length >= maxPages) return stop(`stopped after ${maxPages} pages (limit): later pages not read`)
    if (seen.has(current)) return stop(`page ${page} repeated an earlier NextMarker: paging stopped`)
    const now = yield* Clock.currentTimeMillis
    if (deadline === undefined) {
      const budget = budgetOf(service.limits, lambdaContext)
      deadline = { at: now + budget.millis, text: budget.text }
    }
    const timedOut = `later pages timed out: the paging budget (${deadline.text}) ran out reading page ${page}`
    if (now >= deadline.at) return stop(timedOut)
    seen.add(current)
    const response = yield* service.getExecutionState({
      DurableExecutionArn: start.arn,
      CheckpointToken: start.checkpointToken!,
      Marker: current,
      MaxItems: maxItems
    }).pipe(
      Effect.timeoutFail({ duration: Duration.millis(deadline.at - now), onTimeout: () => new BudgetSpent() }),
      Effect.either
    )
    if (response._tag === "Left") {
      const error = response.left
      return stop(
        error._tag === "BudgetSpent" ? timedOut : `reading page ${page} failed (${error.reason}: ${error.detail})`
      )
    }
    const operations = DurableOperations.operationList(response.right.Operations, "Operations")
    if (operations._tag === "Err") return stop(`page ${page} unusable: ${operations.error.detail}`)
    if (total + operations.value.length > maxOperations) {
      return stop(`stopped at ${total} operations from later pages (limit ${maxOperations})`)
    }
    total += operations.value.length
    fetched.push(operations.value)
    const before = notes.length
    marker = DurableOperations.readMarker(response.right.NextMarker, notes, `page ${page} NextMarker`)
    if (notes.length > before) stopped = true
  })

  // Whether the last page read is the one `until` looks for.
  const reached = (until: ((operations: ReadonlyArray<unknown>) => boolean) | undefined): boolean =>
    until !== undefined && fetched.length > 0 && until(fetched[fetched.length - 1]!)

  return {
    read: (until) =>
      Effect.suspend(() =>
        until !== undefined && fetched.some(until)
          ? Effect.succeed(snapshot())
          : Effect.map(
            Effect.whileLoop({
              while: () => !stopped && marker !== undefined && !reached(until),
              body: () => next,
              step: () => {}
            }),
            snapshot
          )
      )
  }
}

const sharedPages = new TraceExtractor.InvocationKey<Map<DurableState.Service, Pages>>("DurableState.pages")

/**
 * The invocation's {@link pages} over a service: made by whichever durable extractor pages first, and shared with
 * the other (pages are requested once per invocation). Without an invocation (an extractor called on its own) a
 * fresh one.
 */
export const pagesOf = (
  invocation: TraceExtractor.Invocation | undefined,
  service: DurableState.Service,
  start: PagingStart,
  lambdaContext: unknown
): Pages => {
  if (invocation === undefined) return pages(service, start, lambdaContext)
  const byService = invocation.shared(sharedPages, () => new Map<DurableState.Service, Pages>())
  let found = byService.get(service)
  if (found === undefined) byService.set(service, found = pages(service, start, lambdaContext))
  return found
}
