/**
 * Whole traced invocations, side by side in one process over one dd-trace (which flushes to the loopback sink of
 * bench/agent.ts): extraction, the inferred span of the trigger (`aws.apigateway`, `aws.sqs`; on both sides, with
 * `DD_TRACE_MANAGED_SERVICES` unset), the `aws.lambda` invocation span with its serverless tags, one inner span, all
 * finished. The durable case has no inferred span (the durable wrapper writes none).
 *
 * - **Ours**: the contract set-up, `LambdaHandler.make({ handler: LambdaTracing.withExtraction(app, { spanName:
 *   "aws.lambda" }), layer: Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal) })`, whose `app`
 *   opens one `Effect.withSpan("inner")`.
 * - **Peer**: datadog-lambda-js's `datadog()` around a handler that opens one `tracer.trace("inner")` (with its
 *   defaults for tracing: inferred spans, trigger tags, cold-start tags; its metrics set aside, see {@link peer}).
 *
 * Each call is one awaited invocation of the wrapped handler, as the Lambda runtime makes it. Before timing, both
 * sides run once and must report the case's trace id from inside their inner span.
 */
import type { LambdaHandler } from "@effect-aws/lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createRequire } from "node:module"
import type * as DdTraceTracer from "../src/layers/DdTraceTracer.js"
import type * as DefaultChain from "../src/layers/DefaultChain.js"
import type * as LambdaTracing from "../src/wrappers/LambdaTracing.js"
import type * as Events from "./events.js"
import * as Ours from "./ours.js"

const require = createRequire(import.meta.url)

type Handler = (event: unknown, context: unknown) => Promise<unknown>

/** dd-trace's exports as used here. */
export interface Tracer {
  readonly trace: <A>(name: string, fn: () => A) => A
  readonly scope: () => { readonly active: () => { readonly context: () => { toTraceId: () => string } } | null }
}

/** One side of the comparison. */
export interface Side {
  /** One invocation: what is timed. */
  readonly invoke: (event: unknown, context: unknown) => Promise<unknown>
  /** One invocation, returning the trace id the inner span saw. */
  readonly traceId: (event: unknown, context: unknown) => Promise<string | undefined>
}

/** The invocation case names, for a `Events.Case` (`invocation-<name>`). */
export const caseName = (testCase: Events.Case): string => `invocation-${testCase.name.replace(/-batch-3$/, "")}`

let seen: string | undefined

// A side: `invoke` for timing, and `traced` (whose inner span records the trace id it saw) for the check.
const sideOf = (invoke: Handler, traced: Handler): Side => ({
  invoke,
  traceId: async (event, context) => {
    seen = undefined
    await traced(event, context)
    return seen
  }
})

/** Our side: the contract set-up from the compiled library. */
export const ours = async (tracer: Tracer): Promise<Side> => {
  const [tracing, chain, ddTracer] = await Promise.all([
    Ours.importModule<typeof LambdaTracing>("wrappers/LambdaTracing.js"),
    Ours.importModule<typeof DefaultChain>("layers/DefaultChain.js"),
    Ours.importModule<typeof DdTraceTracer>("layers/DdTraceTracer.js")
  ])
  // Imported, not required: the ES module build shares the library's copy of `effect` (one runtime, as in an app).
  const { LambdaHandler: Handlers } = (await import("@effect-aws/lambda")) as {
    readonly LambdaHandler: typeof LambdaHandler
  }
  const app = (_event: unknown, _context: unknown) => Effect.succeed({ statusCode: 200, body: "{}" })
  const probe = (_event: unknown, _context: unknown) =>
    Effect.sync(() => {
      seen = tracer.scope().active()?.context().toTraceId()
      return { statusCode: 200, body: "{}" }
    })
  const layer = Layer.mergeAll(chain.layerDdTrace, ddTracer.layerGlobal)
  const make = (handler: typeof app) =>
    Handlers.make({
      handler: tracing.withExtraction(
        (event: unknown, context: unknown) => Effect.withSpan(handler(event, context), "inner"),
        { spanName: "aws.lambda" }
      ),
      layer
    }) as unknown as Handler
  const invoke = make(app)
  const traced = make(probe)
  return sideOf(invoke, traced)
}

/**
 * The peer: datadog-lambda-js's `datadog()` around a handler with one dd-trace span, its metrics subsystem set
 * aside as the Datadog extension sets it aside (unless the variables are set): without the extension, it would
 * write every enhanced metric to stdout, and with no log forwarding it would build a metrics processor for the
 * Datadog API on every invocation (two `require` calls, which tsx makes costly here, and an event-loop turn).
 * `DD_FLUSH_TO_LOG=true` and `DD_ENHANCED_METRICS=false` skip both, leaving its tracing.
 */
export const peer = (tracer: Tracer): Side => {
  process.env.DD_ENHANCED_METRICS ??= "false"
  process.env.DD_FLUSH_TO_LOG ??= "true"
  const { datadog } = require("datadog-lambda-js") as { readonly datadog: (handler: Handler) => Handler }
  const invoke = datadog(async () => tracer.trace("inner", () => ({ statusCode: 200, body: "{}" })))
  const traced = datadog(async () =>
    tracer.trace("inner", () => {
      seen = tracer.scope().active()?.context().toTraceId()
      return { statusCode: 200, body: "{}" }
    })
  )
  return sideOf(invoke, traced)
}
