/**
 * The real dd-trace, initialised once in this test process, with a way to switch its extract styles between
 * property runs. dd-trace's `TextMapPropagator` reads `config.tracePropagationStyle.extract` and
 * `config.DD_TRACE_PROPAGATION_EXTRACT_FIRST` from the tracer's own config object on every `extract`, so setting
 * them on that object is what `tracer.init({ tracePropagationStyle })` / the env vars would have done at startup
 * (the agreement test checks that it takes effect, and a subprocess test checks the init/env route).
 */
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import type { Propagator } from "../../src/services/Propagator.js"

tracer.init({ plugins: false })

interface ExtractConfig {
  tracePropagationStyle: { extract: Array<string> }
  DD_TRACE_PROPAGATION_EXTRACT_FIRST: boolean
}

const config: ExtractConfig = (tracer as unknown as { readonly _tracer: { readonly _config: ExtractConfig } })
  ._tracer._config

/** The styles dd-trace was initialised with (its defaults here). */
export const initialStyles: ReadonlyArray<string> = [...config.tracePropagationStyle.extract]

/** The dd-trace propagator layer's service over the real tracer. */
export const ddTracePropagator: Propagator["Type"] = Effect.runSync(DdTracePropagator.make(tracer))

export { tracer }

/** Runs `f` with dd-trace extracting with `styles` (and extract-first), restoring its config afterwards. */
export const withDdTraceExtract = <A>(
  styles: ReadonlyArray<string>,
  extractFirst: boolean,
  f: () => A
): A => {
  const savedStyles = config.tracePropagationStyle.extract
  const savedFirst = config.DD_TRACE_PROPAGATION_EXTRACT_FIRST
  config.tracePropagationStyle.extract = [...styles]
  config.DD_TRACE_PROPAGATION_EXTRACT_FIRST = extractFirst
  try {
    return f()
  } finally {
    config.tracePropagationStyle.extract = savedStyles
    config.DD_TRACE_PROPAGATION_EXTRACT_FIRST = savedFirst
  }
}
