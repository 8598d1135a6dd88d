/**
 * Diagnostic: microseconds per extractor (guard + extract, as the chain runs it) for each case, over one
 * propagator, so the costly step of a case can be found without a profiler.
 *
 *   npx tsx bench/per-extractor.ts [--propagator native|dd-trace] [--only TEXT]
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as DdTracePropagator from "../src/layers/DdTracePropagator.js"
import * as DefaultChain from "../src/layers/DefaultChain.js"
import * as NativePropagator from "../src/layers/NativePropagator.js"
import * as ExtractorChain from "../src/services/ExtractorChain.js"
import * as Events from "./events.js"
import * as Tracer from "./tracer.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}

const time = (runtime: ManagedRuntime.ManagedRuntime<never, never>, body: () => Effect.Effect<unknown, unknown>) => {
  const run = (n: number): number => {
    let remaining = n
    const loop = Effect.whileLoop({ while: () => remaining-- > 0, body: () => Effect.either(body()), step: () => {} })
    const start = process.hrtime.bigint()
    runtime.runSync(loop)
    return Number(process.hrtime.bigint() - start) / n / 1000
  }
  let n = 100
  while (run(n) * n < 20_000) n *= 2
  const samples = Array.from({ length: 7 }, () => run(n)).sort((a, b) => a - b)
  return samples[3]!
}

const main = async () => {
  const tracer = await Tracer.init()
  const propagator = flag("--propagator") ?? "native"
  const only = flag("--only")
  const runtime = ManagedRuntime.make(
    DefaultChain.layer.pipe(
      Layer.provide(propagator === "native" ? NativePropagator.layer() : DdTracePropagator.layer(tracer))
    )
  )
  const chain = await runtime.runPromise(ExtractorChain.ExtractorChain)
  for (const testCase of Events.all()) {
    if (only !== undefined && !testCase.name.includes(only)) continue
    const event = testCase.event
    const context = Events.lambdaContext
    time(runtime as never, () => chain.extract(event, context)) // JIT warm-up; the first timing runs slow
    const whole = time(runtime as never, () => chain.extract(event, context))
    const parts: Array<string> = [`loop=${time(runtime as never, () => Effect.void).toFixed(2)}`]
    for (const extractor of chain.extractors) {
      const accepted = extractor.accepts === undefined || extractor.accepts(event, context)
      const us = time(runtime as never, () =>
        extractor.accepts === undefined || extractor.accepts(event, context)
          ? extractor.extract(event, context)
          : Effect.void)
      if (us > 0.15) parts.push(`${extractor.name}${accepted ? "" : "(guard)"}=${us.toFixed(2)}`)
    }
    process.stdout.write(`${testCase.name.padEnd(24)} chain=${whole.toFixed(2)}  ${parts.join(" ")}\n`)
  }
  await runtime.dispose()
}
main()
