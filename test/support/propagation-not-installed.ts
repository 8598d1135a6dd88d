/**
 * Entry of a bundle (esbuild, with `dd-trace` left external) run from a directory where `dd-trace` cannot be
 * resolved: prints, as one JSON line, what `layerGlobal` reports.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"

const result = await Effect.runPromise(
  Effect.flatMap(Propagator, (propagator) => propagator.extract({ "x-datadog-trace-id": "1" }, "http")).pipe(
    Effect.provide(DdTracePropagator.layerGlobal),
    Effect.either
  )
)
console.log(JSON.stringify(Either.match(result, {
  onLeft: (error) => ({ error: error._tag, reason: "reason" in error ? error.reason : null }),
  onRight: () => ({ error: null, reason: null })
})))
