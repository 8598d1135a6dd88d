// Child process of the Effect 4 line's durable comparison test (test/effect4/DurableTracingAgent.test.ts), the package
// root's side: initialises dd-trace as the Datadog Lambda layer does, then runs durableLines.ts's cases through the
// package root's DurableTracing (Effect 3). Once its report is written it waits for its standard input to close.
import tracer from "dd-trace"

tracer.init({ tags: { "_dd.origin": "lambda" } })

const Layer = await import("effect/Layer")
const { DdTraceTracer, DefaultChain, DurableTracing } = await import("../../../src/index.js")
const { main } = await import("./durableLines.js")

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
