// datadog-lambda-js's datadog() wrapper for the drivers, loaded with require() when this module is evaluated, which
// the drivers do after dd-trace's init.
import { createRequire } from "node:module"

export const { datadog } = createRequire(import.meta.url)("datadog-lambda-js") as {
  readonly datadog: <E, R>(handler: (event: E, context: unknown) => Promise<R>) => (
    event: E,
    context: unknown
  ) => Promise<R>
}
