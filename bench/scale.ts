/**
 * Extraction time versus the number of durable operations (10 … 100,000, newest checkpoint last), ours (both
 * propagator layers, handler mode) and datadog-lambda-js, with a least-squares line per side.
 *
 *   npx tsx bench/scale.ts [--json] [--batches N] [--batch-ms MS]
 *
 * Linear growth shows as a constant µs per operation at large counts and a growth factor near 10 between
 * successive sizes once the fixed cost no longer dominates; the fit's R² is close to 1.
 */
import * as Events from "./events.js"
import * as Machine from "./machine.js"
import * as Ours from "./ours.js"
import * as Peer from "./peer.js"
import * as Timing from "./timing.js"
import * as Tracer from "./tracer.js"

const counts = [10, 100, 1_000, 10_000, 100_000]

interface Fit {
  readonly slope: number
  readonly intercept: number
  readonly r2: number
}

/** Ordinary least squares of y on x. */
const fit = (xs: ReadonlyArray<number>, ys: ReadonlyArray<number>): Fit => {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let index = 0; index < n; index++) {
    sxy += (xs[index]! - mx) * (ys[index]! - my)
    sxx += (xs[index]! - mx) ** 2
    syy += (ys[index]! - my) ** 2
  }
  const slope = sxy / sxx
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) }
}

const arg = (args: ReadonlyArray<string>, flag: string, fallback: number): number => {
  const index = args.indexOf(flag)
  const parsed = index >= 0 ? Number(args[index + 1]) : Number.NaN
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback
}

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const json = args.includes("--json")
  const settings: Timing.Settings = {
    warmUpMs: arg(args, "--warm-up-ms", 200),
    batchMs: arg(args, "--batch-ms", 25),
    batches: Math.round(arg(args, "--batches", 15))
  }
  const tracer = await Tracer.init()
  const peer = Peer.make()
  const chains = [await Ours.make("native", tracer), await Ours.make("dd-trace", tracer)]
  const sides = ["peer", ...chains.map((chain) => `ours/${chain.propagator}`)]
  const times: Array<Array<number>> = sides.map(() => [])
  for (const count of counts) {
    const testCase = Events.delivered(Events.durable(count))
    const subjects: Array<Timing.Batch> = [
      Timing.asyncBatch(() => peer.run(testCase.event, Events.lambdaContext)),
      ...chains.map((chain) => chain.batch("handler", testCase.event, Events.lambdaContext))
    ]
    const measured = await Timing.compare(subjects, settings)
    measured.forEach((us, index) => times[index]!.push(us))
    if (json) {
      sides.forEach((side, index) => {
        const us = measured[index]!
        process.stdout.write(
          JSON.stringify({
            side,
            operations: count,
            us: Number(us.toFixed(3)),
            us_per_op: Number((us / count).toFixed(5))
          }) +
            "\n"
        )
      })
    }
  }
  if (!json) {
    const lines = [
      "durable extraction time vs operation count (newest _datadog_N last), µs per extraction",
      `machine: ${Machine.describe()}`,
      `method: ${settings.batches} interleaved batches of ~${settings.batchMs} ms per subject, median; ours in ` +
      "handler mode, peer awaited per call",
      ""
    ]
    const header = ["side".padEnd(16), ...counts.map((count) => String(count).padStart(12))].join(" ")
    lines.push(header, "-".repeat(header.length))
    sides.forEach((side, index) => {
      const row = times[index]!
      lines.push([side.padEnd(16), ...row.map((us) => us.toFixed(2).padStart(12))].join(" "))
      lines.push(["  µs/op".padEnd(16), ...row.map((us, at) => (us / counts[at]!).toFixed(4).padStart(12))].join(" "))
      lines.push([
        "  ×prev".padEnd(16),
        ...row.map((us, at) => at === 0 ? "".padStart(12) : (us / row[at - 1]!).toFixed(2).padStart(12))
      ].join(" "))
    })
    lines.push("", "least-squares fit t = a + b·n over all sizes:")
    sides.forEach((side, index) => {
      const line = fit(counts, times[index]!)
      lines.push(
        `  ${side.padEnd(14)} b = ${(line.slope * 1000).toFixed(2)} ns/op, a = ${line.intercept.toFixed(2)} µs, ` +
          `R² = ${line.r2.toFixed(5)}`
      )
    })
    process.stdout.write(lines.join("\n") + "\n")
  }
  for (const chain of chains) await chain.dispose()
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
