// Child process of the end-to-end tests: initialises dd-trace as the Datadog Lambda layer does (the agent's URL,
// sampling rate and protocol come from the environment), then loads everything else, so dd-trace's hooks see the
// modules it instruments (http) loaded after it. Once its report is written it waits for its standard input to
// close (the parent closes it when the agent has every chunk it expects: dd-trace may still be sending), then
// exits (the runtimes it built would keep it alive).
//
// Run bundled by spawn.ts (see test/support/childScript.ts); by hand: node --import tsx test/support/e2e/driver.ts <0|1>
import tracer from "dd-trace"

tracer.init({ tags: { "_dd.origin": "lambda" } })

const { main } = await import("./run.js")
await main(tracer, process.argv[2] === "0" ? "0" : "1")
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
