/**
 * Names of the trace-context checkpoints Datadog writes into a durable execution: STEP operations named
 * `_datadog_{N}`, where `N` grows when the propagated context changes.
 *
 * Parsing is strict: `N` must be a canonical non-negative decimal (`0`, `7`, `12`; not `07`, `+7`, ` 7`, `1_0`)
 * within `Number.MAX_SAFE_INTEGER`. The Python reader (`int()`) is more lenient; the strict form is what both
 * Datadog writers produce.
 */

/** The prefix of every checkpoint operation name. */
export const prefix = "_datadog_"

const CANONICAL = /^(0|[1-9][0-9]*)$/
// Longest canonical decimal that can be a safe integer (9007199254740991 has 16 digits).
const MAX_DIGITS = 16

/** The checkpoint number of an operation name, or `undefined` when the name is not a checkpoint name. */
export const parse = (name: unknown): number | undefined => {
  if (typeof name !== "string" || !name.startsWith(prefix)) return undefined
  const suffix = name.slice(prefix.length)
  if (suffix.length === 0 || suffix.length > MAX_DIGITS || !CANONICAL.test(suffix)) return undefined
  const n = Number(suffix)
  return Number.isSafeInteger(n) ? n : undefined
}

/** The operation name of checkpoint `n`. `n` must be a non-negative safe integer. */
export const format = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`checkpoint number must be a non-negative integer: ${n}`)
  return `${prefix}${n}`
}
