/**
 * The chain's guards and attempt records, shared by both Effect lines: which extractors a group's guard covers, the
 * guards run totally (a throwing guard never stops the chain), and the words of an attempt. Effect-free.
 */
import type { Group } from "./invocation.js"
import { noLinks } from "./triggers/recordBatch.js"

/** What the chain knows of an extractor before running it. */
export interface Guarded {
  readonly name: string
  readonly accepts?: ((event: unknown, lambdaContext: unknown) => boolean) | undefined
  readonly group?: Group | undefined
}

/** An attempt as the chain records it (the `Attempt` schema's type in each line). */
export interface AttemptFields {
  readonly extractor: string
  readonly outcome: "found" | "none" | "failed"
  readonly reason?: string | undefined
  readonly detail?: string | undefined
}

const MAX_DEFECT_DETAIL = 200

/** A defect in words: an error's name and the first line of its message, bounded; never a rendering of a value. */
export const describeDefect = (defect: unknown): string => {
  if (!(defect instanceof Error)) return `a thrown ${defect === null ? "null" : typeof defect}`
  const text = `${String(defect.name).slice(0, 64)}: ${
    String(defect.message).slice(0, MAX_DEFECT_DETAIL).split("\n", 1)[0]
  }`
  return text.length > MAX_DEFECT_DETAIL ? `${text.slice(0, MAX_DEFECT_DETAIL)}…` : text
}

/** The attempt of an extractor that failed with a typed error. */
export const failedAttempt = (
  name: string,
  error: { readonly _tag: string; readonly reason: string; readonly detail: string }
): AttemptFields => ({
  extractor: name,
  outcome: "failed",
  reason: `${error._tag}.${error.reason}`,
  detail: error.detail
})

/** The attempt of an extractor that died (threw, or its effect died); `undefined`: a defect with no value. */
export const defectAttempt = (name: string, defect: { readonly value: unknown } | undefined): AttemptFields => ({
  extractor: name,
  outcome: "failed",
  reason: "Defect",
  detail: defect === undefined ? "unexpected defect" : describeDefect(defect.value)
})

/** The attempt of an extractor that ran: found or none, with its notes joined. */
export const ranAttempt = (name: string, found: boolean, notes: ReadonlyArray<string>): AttemptFields => {
  const outcome = found ? "found" : "none"
  return notes.length === 0
    ? { extractor: name, outcome }
    : { extractor: name, outcome, detail: notes.length === 1 ? notes[0]! : notes.join("; ") }
}

/** The attempt of an extractor whose guard threw. */
export const guardDefect = (name: string): AttemptFields => ({
  extractor: name,
  outcome: "failed",
  reason: "Defect",
  detail: "the extractor's guard threw"
})

/** An extractor's guard: `true`, `false`, or `undefined` when the guard itself threw. */
export const accepts = (extractor: Guarded, event: unknown, lambdaContext: unknown): boolean | undefined => {
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

/** A group whose run of consecutive members starts at an extractor, and the position just past the run. */
export interface Run {
  readonly group: Group
  readonly end: number
}

/**
 * For each extractor, the runs that start there, outermost group first. A run is a longest stretch of consecutive
 * extractors whose groups (or enclosing groups) include the same group; its guard is checked once, at its start.
 */
export const runsOf = (extractors: ReadonlyArray<Guarded>): ReadonlyArray<ReadonlyArray<Run>> => {
  const lineages = extractors.map((extractor) => lineage(extractor.group))
  return lineages.map((groups, index) =>
    [...groups].reverse().flatMap((group) => {
      if (index > 0 && lineages[index - 1]!.includes(group)) return []
      let end = index + 1
      while (end < extractors.length && lineages[end]!.includes(group)) end++
      return [{ group, end }]
    })
  )
}

/** The end of the first run starting here whose group rejects the event, or -1. */
export const rejectedUntil = (runs: ReadonlyArray<Run>, event: unknown, lambdaContext: unknown): number => {
  for (const run of runs) if (!groupAccepts(run.group, event, lambdaContext)) return run.end
  return -1
}

/** The links of a result that found none: frozen, so no caller can add to another invocation's result. */
export const NO_LINKS: ReadonlyArray<never> = noLinks

/** What the chain knows of its extractors before any run: their group runs and their "none" attempts. */
export interface Plan {
  readonly extractors: ReadonlyArray<Guarded>
  readonly runs: ReadonlyArray<ReadonlyArray<Run>>
  readonly noneAttempts: ReadonlyArray<AttemptFields>
}

/** The plan of a chain over `extractors`, in order. */
export const plan = (extractors: ReadonlyArray<Guarded>): Plan => ({
  extractors,
  runs: runsOf(extractors),
  noneAttempts: extractors.map((extractor) => Object.freeze({ extractor: extractor.name, outcome: "none" as const }))
})

/**
 * One run of the chain over an event: guards decide without running anything (a group's once for its run of
 * members, then the extractor's own); {@link ChainRun.next} gives the next extractor that must run, and the driver
 * reports what it did with {@link ChainRun.ran} or {@link ChainRun.failed}. The run ends at the first extractor that found a context, or after
 * the last one. A plain object rather than a generator: it is made on every invocation.
 */
export class ChainRun {
  readonly attempts: Array<AttemptFields> = []
  /** The position of the extractor that found a context, once one has. */
  foundAt: number | undefined = undefined
  private index = 0

  constructor(
    private readonly plan: Plan,
    private readonly event: unknown,
    private readonly lambdaContext: unknown
  ) {}

  /** The position of the next extractor to run, or -1 when the run is over. */
  next(): number {
    const { extractors, noneAttempts, runs } = this.plan
    while (this.index < extractors.length) {
      const index = this.index
      const skipTo = rejectedUntil(runs[index]!, this.event, this.lambdaContext)
      if (skipTo >= 0) {
        for (let skipped = index; skipped < skipTo; skipped++) this.attempts.push(noneAttempts[skipped]!)
        this.index = skipTo
        continue
      }
      const extractor = extractors[index]!
      const accepted = accepts(extractor, this.event, this.lambdaContext)
      if (accepted === true) return index
      this.attempts.push(accepted === false ? noneAttempts[index]! : guardDefect(extractor.name))
      this.index++
    }
    return -1
  }

  /** Records that the extractor {@link next} gave ran, and whether it found a context. */
  ran(found: boolean, notes: ReadonlyArray<string>): void {
    this.attempts.push(ranAttempt(this.plan.extractors[this.index]!.name, found, notes))
    if (found) {
      this.foundAt = this.index
      this.index = this.plan.extractors.length
    } else {
      this.index++
    }
  }

  /** Records that the extractor {@link next} gave failed. */
  failed(attempt: AttemptFields): void {
    this.attempts.push(attempt)
    this.index++
  }
}
