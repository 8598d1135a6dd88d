/**
 * Two builds of the library side by side, with the peer, in one process: for telling whether a change to the hot
 * path helps, on a machine whose speed drifts more between runs than the change moves the figures.
 *
 *   npx tsx bench/ab.ts --base DIR [--head DIR] [--propagator native|dd-trace] [--only TEXT] [--batches N]
 *
 * DIR is a directory of compiled ES modules of `src` (relative to the repository root); `--head` defaults to this
 * tree, compiled as bench/compare.ts compiles it. To build a base from a commit:
 *
 *   git worktree add /tmp/base COMMIT
 *   npx esbuild $(cd /tmp/base && find src -name '*.ts' | sed 's|^|/tmp/base/|') --outdir=.bench-out/base \
 *     --outbase=/tmp/base/src --format=esm --platform=node --target=es2022
 *
 * Prints, per case, the peer's time, both builds' times and ratios to the peer, and head / base.
 */
import * as Events from "./events.js"
import * as Ours from "./ours.js"
import * as Peer from "./peer.js"
import * as Timing from "./timing.js"
import * as Tracer from "./tracer.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}

const main = async (): Promise<void> => {
  const base = flag("--base")
  if (base === undefined) throw new Error("--base DIR is required")
  const propagator = (flag("--propagator") ?? "native") as Ours.PropagatorName
  const only = flag("--only")
  const settings: Timing.Settings = { warmUpMs: 250, batchMs: 20, batches: Number(flag("--batches") ?? "25") }
  const tracer = await Tracer.init()
  const peer = Peer.make()
  const sides = [await Ours.make(propagator, tracer, base), await Ours.make(propagator, tracer, flag("--head"))]
  const context = Events.lambdaContext
  process.stdout.write(
    `${"case".padEnd(24)} ${"peer".padStart(9)} ${"base".padStart(9)} ratio ${"head".padStart(9)} ratio  head/base\n`
  )
  for (const testCase of Events.all()) {
    if (only !== undefined && !testCase.name.includes(only)) continue
    const event = testCase.event
    const [peerUs, baseUs, headUs] = await Timing.compare([
      Timing.asyncBatch(() => peer.run(event, context)),
      sides[0]!.batch("handler", event, context),
      sides[1]!.batch("handler", event, context)
    ], settings)
    process.stdout.write(
      `${testCase.name.padEnd(24)} ${peerUs!.toFixed(3).padStart(9)} ${baseUs!.toFixed(3).padStart(9)} ${
        (baseUs! / peerUs!).toFixed(2).padStart(5)
      } ${headUs!.toFixed(3).padStart(9)} ${(headUs! / peerUs!).toFixed(2).padStart(5)}  ${
        (headUs! / baseUs!).toFixed(3).padStart(9)
      }\n`
    )
  }
  for (const side of sides) await side.dispose()
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
