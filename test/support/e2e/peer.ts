// What both drivers need of the tracers: datadog-lambda-js's datadog() wrapper (loaded with require() when this
// module is evaluated, which the drivers do after dd-trace's init), and a flush of dd-trace's exporter.
import type * as TracerModule from "dd-trace"
import { createRequire } from "node:module"

export const { datadog } = createRequire(import.meta.url)("datadog-lambda-js") as {
  readonly datadog: <E, R>(handler: (event: E, context: unknown) => Promise<R>) => (
    event: E,
    context: unknown
  ) => Promise<R>
}

/** Sends what dd-trace's exporter holds now (through its private exporter: dd-trace exports no flush). */
export const flush = (tracer: typeof TracerModule): Promise<void> =>
  new Promise((resolve) => {
    const exporter = (tracer as unknown as { _tracer?: { _exporter?: { flush?: (done: () => void) => void } } })
      ._tracer?._exporter
    if (typeof exporter?.flush !== "function") return resolve()
    exporter.flush(() => resolve())
  })
