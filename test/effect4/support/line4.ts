// Child process of the Effect 4 line's comparison test (test/effect4/lines.test.ts), the Effect 4 side: initialises
// dd-trace as the Datadog Lambda layer does, then runs test/support/e2e/lines.ts's cases through the Effect 4 line's
// LambdaTracing on a ManagedRuntime, as the README's Effect 4 quick start does. Bundled to resolve `effect` to 4.x
// (childScript.ts). Once its report is written it waits for its standard input to close.
import tracer from "dd-trace"
import type { LineEvent } from "../../support/e2e/lines.js"

tracer.init({ tags: { "_dd.origin": "lambda" } })

const Effect = await import("effect/Effect")
const Layer = await import("effect/Layer")
const ManagedRuntime = await import("effect/ManagedRuntime")
const Option = await import("effect/Option")
const { DdTraceTracer, DefaultChain, CurrentExtraction, LambdaTracing } = await import("../../../src/effect4/index.js")
const { behave } = await import("../../support/e2e/loopback.js")
const { main } = await import("../../support/e2e/lines.js")

await main(tracer, (url, report) => {
  const runtime = ManagedRuntime.make(Layer.mergeAll(DefaultChain.layerDdTrace, DdTraceTracer.layerGlobal))
  const handler = LambdaTracing.withExtraction(
    (event: LineEvent, _context: unknown) =>
      Effect.gen(function*() {
        const key = `${event.testCase}/${event.testRun}`
        report.attempts[key] = Option.match(yield* CurrentExtraction.get, {
          onNone: () => [],
          onSome: (result) => result.attempts.filter((a) => a.outcome !== "none").map((a) => a.extractor)
        })
        yield* Effect.tryPromise({ try: () => behave(event.testBehaviour, url, key), catch: (error) => error })
        return { statusCode: 200, body: "{}" }
      }).pipe(
        Effect.withSpan("inner-child", { attributes: { "test.case": event.testCase, "test.run": event.testRun } })
      ),
    { spanName: "aws.lambda" }
  )
  return (event, context) => runtime.runPromise(handler(event, context))
})
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
