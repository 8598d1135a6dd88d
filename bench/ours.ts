/**
 * Our side: the default chain, built once per propagator layer into a `ManagedRuntime`.
 *
 * Three ways to time one extraction:
 * - `handler`: the extraction as one step of an effect that is already running, which is how an Effect Lambda
 *   handler uses it (`yield* ExtractorChain.extract(event, context)` inside the one effect it runs per invocation). A
 *   batch is one `runSync` whose fiber runs `ExtractorChain.extract(event, context)` once per iteration, each time built
 *   afresh; the fiber's start-up is paid once per batch, as the handler pays it once per invocation anyway.
 * - `runSync`: `runtime.runSync(chain.extract(event, context))` per call, a fresh fiber each time.
 * - `runPromise`: `await runtime.runPromise(chain.extract(event, context))` per call.
 *
 * The handler mode calls the accessor `ExtractorChain.extract(event, context)`, as the handler wrappers do (it
 * opens no span: extraction runs before the upstream parent is known); the other modes call the resolved
 * service's `chain.extract`, which the accessor forwards to.
 *
 * The library runs compiled, as a Lambda runs it: by default every `src` module is compiled into `.bench-out/esm`
 * first (esbuild, about a second; see bench/build-lib.ts). `BENCH_LIB=dist` loads `dist/esm` (after `npm run
 * build`), `BENCH_LIB=<dir>` a directory of compiled ES modules, and `BENCH_LIB=src` the sources through tsx, whose
 * transform adds a naming call to every function in an object literal, on every evaluation (a few hundred ns per
 * extraction).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type * as DdTracePropagator from "../src/layers/DdTracePropagator.js"
import type * as DefaultChain from "../src/layers/DefaultChain.js"
import type * as NativePropagator from "../src/layers/NativePropagator.js"
import type * as ExtractorChain from "../src/services/ExtractorChain.js"
import type { Propagator } from "../src/services/Propagator.js"
import * as BuildLib from "./build-lib.js"
import type { Expected } from "./events.js"
import * as Timing from "./timing.js"
import type { Tracer } from "./tracer.js"

/** The propagator layers measured. */
export type PropagatorName = "native" | "dd-trace"

/** How one extraction is run (see the module comment). */
export type Mode = "handler" | "runSync" | "runPromise"

/** The modes, in report order. */
export const modes: ReadonlyArray<Mode> = ["handler", "runSync", "runPromise"]

/** One built chain. */
export interface Ours {
  readonly propagator: PropagatorName
  /** A timed batch of extractions of one event in the given mode. */
  readonly batch: (mode: Mode, event: unknown, context: unknown) => Timing.Batch
  /** One extraction, converted for the sanity check. */
  readonly extract: (event: unknown, context: unknown) => Expected | undefined
  readonly dispose: () => Promise<void>
}

interface Library {
  readonly DdTracePropagator: typeof DdTracePropagator
  readonly DefaultChain: typeof DefaultChain
  readonly NativePropagator: typeof NativePropagator
  readonly ExtractorChain: typeof ExtractorChain
}

/** Where the library is loaded from: `src` (tsx), or a directory of compiled ES modules. */
export const librarySource: string = process.env.BENCH_LIB === undefined || process.env.BENCH_LIB === ""
  ? ".bench-out/esm"
  : process.env.BENCH_LIB === "dist"
  ? "dist/esm"
  : process.env.BENCH_LIB

let compiled: Promise<unknown> | undefined

const load = async (source: string | undefined): Promise<Library> => {
  if (source === undefined && (process.env.BENCH_LIB === undefined || process.env.BENCH_LIB === "")) {
    compiled ??= BuildLib.buildPlain()
  }
  await compiled
  const from = source ?? librarySource
  const root = from === "src"
    ? "../src"
    : pathToFileURL(path.resolve(fileURLToPath(new URL("..", import.meta.url)), from)).href
  const [ddTrace, defaultChain, native, chain] = await Promise.all([
    import(`${root}/layers/DdTracePropagator.js`),
    import(`${root}/layers/DefaultChain.js`),
    import(`${root}/layers/NativePropagator.js`),
    import(`${root}/services/ExtractorChain.js`)
  ])
  return { DdTracePropagator: ddTrace, DefaultChain: defaultChain, NativePropagator: native, ExtractorChain: chain }
}

/**
 * Imports one module of the library (a path under `src`, with a `.js` extension) from the same build the chains
 * use (see the module comment).
 */
export const importModule = async <A>(module: string): Promise<A> => {
  await load(undefined)
  const root = librarySource === "src"
    ? "../src"
    : pathToFileURL(path.resolve(fileURLToPath(new URL("..", import.meta.url)), librarySource)).href
  return (await import(`${root}/${module}`)) as A
}

const propagatorLayer = (library: Library, name: PropagatorName, tracer: Tracer): Layer.Layer<Propagator> =>
  name === "native" ? library.NativePropagator.layer() : library.DdTracePropagator.layer(tracer)

/**
 * Builds the default chain over one propagator layer and resolves the chain service once. `source` is a directory
 * of compiled ES modules (relative to the repository root) to load instead of the default (see the module comment).
 */
export const make = async (name: PropagatorName, tracer: Tracer, source?: string): Promise<Ours> => {
  const library = await load(source)
  const runtime = ManagedRuntime.make(
    library.DefaultChain.layer.pipe(Layer.provide(propagatorLayer(library, name, tracer)))
  )
  const chain = await runtime.runPromise(library.ExtractorChain.ExtractorChain)
  const batch = (mode: Mode, event: unknown, context: unknown): Timing.Batch => {
    switch (mode) {
      case "runSync":
        return Timing.syncBatch(() => runtime.runSync(chain.extract(event, context)))
      case "runPromise":
        return Timing.asyncBatch(() => runtime.runPromise(chain.extract(event, context)))
      case "handler":
        return (iterations) => {
          let remaining = iterations
          let last: unknown
          const loop = Effect.whileLoop({
            while: () => remaining-- > 0,
            body: () => library.ExtractorChain.extract(event, context),
            step: (result) => {
              last = result
            }
          })
          const start = process.hrtime.bigint()
          runtime.runSync(loop)
          const elapsed = Number(process.hrtime.bigint() - start)
          Timing.keep(last)
          return Promise.resolve(elapsed)
        }
    }
  }
  return {
    propagator: name,
    batch,
    extract: (event, context) => {
      const result = runtime.runSync(chain.extract(event, context))
      if (Option.isNone(result.context)) return undefined
      const found = result.context.value
      return {
        traceId: found.traceId,
        parentId: found.parentId,
        samplingPriority: Option.getOrElse(found.samplingPriority, () => Number.NaN)
      }
    },
    dispose: () => runtime.dispose()
  }
}
