// Child process of the serverless-view parity test (test/e2e/parity.test.ts): initialises dd-trace as the Datadog
// Lambda layer does, then loads and runs parity.ts; once its report is written it waits for its standard input to
// close (see driver.ts), then exits.
//
// Run bundled by spawn.ts (see test/support/childScript.ts); by hand: node --import tsx test/support/e2e/parity-driver.ts
import tracer from "dd-trace"

tracer.init({ tags: { "_dd.origin": "lambda" } })

const { main } = await import("./parity.js")
await main(tracer)
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
