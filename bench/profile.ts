/**
 * Runs one case in a loop for profiling:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts [CASE] [--propagator native|dd-trace]
 *        [--seconds S] [--peer]
 *   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 *
 * CASE is a case name of bench/events.ts (default durable-10000). Ours runs in handler mode (see ours.ts);
 * `--peer` profiles datadog-lambda-js instead.
 */
import * as Events from "./events.js"
import * as Ours from "./ours.js"
import * as Peer from "./peer.js"
import * as Tracer from "./tracer.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}
const caseName = args.find((arg, index) => !arg.startsWith("--") && !args[index - 1]?.startsWith("--")) ??
  "durable-10000"
const seconds = Number(flag("--seconds") ?? "5")
const propagator = (flag("--propagator") ?? "native") as Ours.PropagatorName

const main = async (): Promise<void> => {
  const testCase = Events.all().find((candidate) => candidate.name === caseName)
  if (testCase === undefined) throw new Error(`unknown case ${caseName}`)
  const tracer = await Tracer.init()
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9))
  let calls = 0
  if (args.includes("--peer")) {
    const peer = Peer.make()
    while (process.hrtime.bigint() < deadline) {
      for (let index = 0; index < 100; index++) await peer.run(testCase.event, Events.lambdaContext)
      calls += 100
    }
  } else {
    const ours = await Ours.make(propagator, tracer)
    const batch = ours.batch("handler", testCase.event, Events.lambdaContext)
    while (process.hrtime.bigint() < deadline) {
      await batch(100)
      calls += 100
    }
    await ours.dispose()
  }
  process.stderr.write(`${caseName}: ${calls} extractions in ${seconds} s\n`)
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
