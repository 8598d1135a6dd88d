/**
 * Timing: warm-up, batch-size calibration and the median of timed batches, all on `process.hrtime.bigint()`.
 */

/** Runs `iterations` calls and returns the elapsed nanoseconds. */
export type Batch = (iterations: number) => Promise<number>

let sink: unknown = undefined

/** Keeps a result observable so no call can be optimised away. */
export const keep = (value: unknown): void => {
  sink = value
}

/** The last kept result. */
export const lastKept = (): unknown => sink

const elapsedSince = (start: bigint): number => Number(process.hrtime.bigint() - start)

/** A batch over a synchronous call. */
export const syncBatch = (call: () => unknown): Batch => (iterations) => {
  const start = process.hrtime.bigint()
  let last: unknown
  for (let index = 0; index < iterations; index++) last = call()
  const elapsed = elapsedSince(start)
  keep(last)
  return Promise.resolve(elapsed)
}

/** A batch over an asynchronous call, each one awaited before the next (one invocation at a time). */
export const asyncBatch = (call: () => Promise<unknown>): Batch => async (iterations) => {
  const start = process.hrtime.bigint()
  let last: unknown
  for (let index = 0; index < iterations; index++) last = await call()
  const elapsed = elapsedSince(start)
  keep(last)
  return elapsed
}

/** Runs the batch until `ms` milliseconds have passed (JIT warm-up). */
export const warmUp = async (batch: Batch, ms: number): Promise<void> => {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6))
  let iterations = 1
  while (process.hrtime.bigint() < deadline) {
    const elapsed = await batch(iterations)
    if (elapsed < 2e6) iterations *= 2
  }
}

/** The iteration count for which one batch takes about `ms` milliseconds (at least 1). */
export const calibrate = async (batch: Batch, ms: number): Promise<number> => {
  let iterations = 1
  for (;;) {
    const elapsed = await batch(iterations)
    if (elapsed >= ms * 1e6 / 4 || iterations >= 1 << 24) {
      return Math.max(1, Math.round(iterations * ms * 1e6 / Math.max(elapsed, 1)))
    }
    iterations *= 2
  }
}

/** The median of a list of numbers. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Timing settings. */
export interface Settings {
  readonly warmUpMs: number
  readonly batchMs: number
  readonly batches: number
}

/**
 * Times several subjects on the same work: each is warmed up and calibrated, then the timed batches are
 * interleaved (rotating the order) so drift in machine speed hits all of them alike. Returns the median
 * microseconds per call of each subject.
 */
export const compare = async (subjects: ReadonlyArray<Batch>, settings: Settings): Promise<Array<number>> => {
  for (const subject of subjects) await warmUp(subject, settings.warmUpMs)
  const counts: Array<number> = []
  for (const subject of subjects) counts.push(await calibrate(subject, settings.batchMs))
  const samples: Array<Array<number>> = subjects.map(() => [])
  for (let round = 0; round < settings.batches; round++) {
    for (let offset = 0; offset < subjects.length; offset++) {
      const index = (round + offset) % subjects.length
      const elapsed = await subjects[index]!(counts[index]!)
      samples[index]!.push(elapsed / counts[index]! / 1000)
    }
  }
  return samples.map(median)
}
