// Child process of the Effect 4 line's durable comparison test (test/effect4/DurableTracingAgent.test.ts), the Effect
// 4 side: initialises dd-trace as the Datadog Lambda layer does, then runs test/support/e2e/durableLines.ts's cases
// through the Effect 4 line's DurableTracing. Bundled to resolve `effect` to 4.x (childScript.ts). Once its report is
// written it waits for its standard input to close.
import tracer from "dd-trace"

tracer.init({ tags: { "_dd.origin": "lambda" } })

const Layer = await import("effect/Layer")
const { DdTraceTracer, DefaultChain, DurableTracing } = await import("../../../src/effect4/index.js")
const { main } = await import("../../support/e2e/durableLines.js")

const layer = Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal)
await main(tracer, {
  withDurableExecution: (workflow, config, options) =>
    DurableTracing.withDurableExecution(workflow, config, { ...options, layer }),
  currentInvocation: () => {
    const invocation = DurableTracing.currentInvocation()
    return invocation && { span: invocation.span, attempts: invocation.extraction.attempts }
  }
})
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
