/**
 * Shared setup of every trigger test: an extractor over the native propagator, fixture records and the ids dd-trace
 * injected into them, the CLI run over the example events, and counters of the work an extraction does on a huge
 * input (the strings it parses or base64-decodes, the array items, keys and object values it reads). Bounds are
 * checked by what is read, never by the clock: a timed assertion is flaky on a loaded machine and does not say
 * which bound holds.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { vi } from "vitest"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import type { Propagator } from "../../src/services/Propagator.js"
import type * as TraceExtractor from "../../src/services/TraceExtractor.js"
import { jsonLines, runCli } from "../cli/support.js"
import { fixture, type Ids } from "./http-support.js"

export const native = NativePropagator.layer()

/** The extractor `make` builds over the native propagator with its default options. */
export const overNative = (
  make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator>
): TraceExtractor.TraceExtractor => Effect.runSync(make.pipe(Effect.provide(native)))

/** The tid (`_dd.p.tid`) of the carriers dd-trace injected into the fixtures. */
export const TID = "6b06a01500000000"

/** Ids dd-trace injected into a fixture: 128-bit, with the fixtures' {@link TID}. */
export const injected = (traceId: string, parentId: string, samplingPriority: number): Ids => ({
  traceId,
  parentId,
  samplingPriority,
  traceIdHigh: TID
})

/** Record `index` of a fixture's `Records` (a fresh copy). */
export const recordOf = (file: string, index = 0): Record<string, unknown> =>
  (fixture(file) as { Records: Array<Record<string, unknown>> }).Records[index]!

/** `n` copies of a record, each a distinct object (as a parsed event has). */
export const repeat = (record: unknown, n: number): Array<unknown> =>
  Array.from({ length: n }, () => structuredClone(record))

/** A 16-hex id as decimal, computed independently of the code under test. */
export const hexToDecimal = (hex: string): string => BigInt("0x" + hex).toString(10)

// ---------------------------------------------------------------------------------------------------------------
// Work counters.

/**
 * The documented caps the bounds tests hold the work to, written here as numbers rather than read from src: a test
 * comparing with the constant in src would still pass with that cap raised to `Infinity`.
 */
export const caps = {
  /** Records scanned in one batch (`RecordBatch.limits.maxRecords`: a Lambda batch holds at most 10,000). */
  records: 10_000,
  /** Characters of bodies, payloads and carriers one scan decodes (`RecordBatch.limits.maxDecodedLength`). */
  decodedLength: 8 * 1024 * 1024,
  /** Keys read from one carrier (`Carrier.limits.maxKeys`, in the README). */
  carrierKeys: 256,
  /** `topic-partition` groups visited in a Kafka event (`KafkaEvent.limits.maxPartitions`). */
  kafkaPartitions: 10_000,
  /** Header names visited per Kafka record (`KafkaEvent.limits.maxHeaders`). */
  kafkaHeaders: 128,
  /** Longest X-Ray header parsed (`XRayHeader.limits.maxLength`). */
  xrayHeaderLength: 2048
} as const

/**
 * Builds and runs the effect with `spy` installed, then gives its value and what `measure` keeps of each call. The
 * effect is built after the spy is in place: extractors do their work when called, not only when run.
 */
const watching = <A, E, R>(
  install: () => { readonly mock: { readonly calls: ReadonlyArray<ReadonlyArray<unknown>> }; mockRestore(): void },
  measure: (args: ReadonlyArray<unknown>) => number | undefined,
  effect: () => Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<number>], E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(install),
    (spy) =>
      Effect.map(Effect.suspend(effect), (value) => {
        const measured: Array<number> = []
        for (const args of spy.mock.calls) {
          const size = measure(args)
          if (size !== undefined) measured.push(size)
        }
        return [value, measured] as const
      }),
    (spy) => Effect.sync(() => spy.mockRestore())
  )

/** Runs `effect` with `JSON.parse` watched: its value, and the length of every string parsed meanwhile. */
export const parsing = <A, E, R>(
  effect: () => Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<number>], E, R> =>
  watching(
    () => vi.spyOn(JSON, "parse"),
    ([text]) => typeof text === "string" ? text.length : undefined,
    effect
  )

/** Runs `effect` with `Buffer.from` watched: its value, and the length of every base64 string decoded meanwhile. */
export const decodingBase64 = <A, E, R>(
  effect: () => Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<number>], E, R> =>
  watching(
    () => vi.spyOn(Buffer, "from" as never),
    ([text, encoding]) => typeof text === "string" && encoding === "base64" ? text.length : undefined,
    effect
  )

/** The sum of `lengths`. */
export const total = (lengths: ReadonlyArray<number>): number => lengths.reduce((sum, length) => sum + length, 0)

/** How often the indices of an array were read, and the highest index read (-1: none). */
export interface IndexReads {
  reads: number
  highest: number
}

/** `items` behind a Proxy that counts the reads of its indices (`length` and other keys are not counted). */
export const watchIndices = <T>(items: Array<T>): { readonly items: Array<T>; readonly stats: IndexReads } => {
  const stats: IndexReads = { reads: 0, highest: -1 }
  const proxy = new Proxy(items, {
    get: (target, key, receiver) => {
      if (typeof key === "string") {
        const index = Number(key)
        if (Number.isInteger(index) && index >= 0 && String(index) === key) {
          stats.reads++
          if (index > stats.highest) stats.highest = index
        }
      }
      return Reflect.get(target, key, receiver)
    }
  })
  return { items: proxy, stats }
}

/** `object` behind a Proxy that records the keys read from it and how often its keys are listed. */
export const watchKeys = <T extends object>(
  object: T
): { readonly object: T; readonly stats: { listed: number; readonly read: Set<PropertyKey> } } => {
  const stats = { listed: 0, read: new Set<PropertyKey>() }
  const proxy = new Proxy(object, {
    get: (target, key, receiver) => {
      stats.read.add(key)
      return Reflect.get(target, key, receiver)
    },
    ownKeys: (target) => {
      stats.listed++
      return Reflect.ownKeys(target)
    }
  })
  return { object: proxy, stats }
}

/**
 * An object of `count` keys `${prefix}0`, `${prefix}1`, ..., each value `value` behind a getter that counts its
 * reads. Keys assigned to it afterwards are plain values, after these in iteration order.
 */
export const watchValues = (
  count: number,
  options: { readonly value?: unknown; readonly prefix?: string } = {}
): { readonly object: Record<string, unknown>; readonly stats: { reads: number } } => {
  const stats = { reads: 0 }
  const value = options.value ?? "v"
  const get = () => {
    stats.reads++
    return value
  }
  const object: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    Object.defineProperty(object, `${options.prefix ?? "x-junk-"}${i}`, {
      get,
      enumerable: true,
      configurable: true
    })
  }
  return { object, stats }
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI over the example events.

/**
 * For each propagator, runs `extract --json` on `files`, checks it exits 0 with one line per file in order, and
 * hands the lines to `check`.
 */
export const cliOverExamples = (
  files: ReadonlyArray<string>,
  check: (lines: ReadonlyArray<Record<string, unknown>>, propagator: "native" | "dd-trace") => void
): void => {
  for (const propagator of ["native", "dd-trace"] as const) {
    it.effect(`extract --json --propagator ${propagator} on the example events`, () =>
      Effect.gen(function*() {
        const run = yield* runCli(["extract", "--json", "--propagator", propagator, ...files])
        assert.strictEqual(run.status, 0, run.stderr)
        const lines = jsonLines(run.stdout)
        assert.deepStrictEqual(lines.map((line) => line["file"]), [...files])
        check(lines, propagator)
      }))
  }
}
