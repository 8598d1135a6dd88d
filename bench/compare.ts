/**
 * Ours vs datadog-lambda-js: the default chain (over each propagator layer) and datadog-lambda-js's
 * `TraceContextExtractor` run on the same event objects in one process, over one initialised dd-trace.
 *
 *   npm run --silent bench:compare -- [--json] [--mode handler|runSync|runPromise] [--all-modes] [--only TEXT]
 *                                      [--batches N] [--batch-ms MS] [--warm-up-ms MS]
 *
 * `BENCH_CONTEXT=legacy` runs the cases with the older runtimes' Lambda context (see events.ts).
 *
 * `--json` prints one line per case and propagator, {"case","ours_us","peer_us","ratio"}, and nothing else on
 * stdout. Without it, a table (with `--all-modes`, one column per way of running ours).
 *
 * Method: every subject is warmed up and its batch size calibrated to about `--batch-ms`; then the timed batches
 * of all subjects of a case are interleaved, and each figure is the median over the batches of the time per
 * call. The peer is awaited per call, as its listener does. Ours runs in `--mode` (see ours.ts); the default,
 * `handler`, times the extraction as a step of an already running effect, which is how a handler uses it.
 */
import * as Events from "./events.js"
import * as Machine from "./machine.js"
import * as Ours from "./ours.js"
import * as Peer from "./peer.js"
import * as Timing from "./timing.js"
import * as Tracer from "./tracer.js"

interface Options {
  readonly json: boolean
  readonly mode: Ours.Mode
  readonly allModes: boolean
  readonly only: string | undefined
  readonly settings: Timing.Settings
}

const parseOptions = (args: ReadonlyArray<string>): Options => {
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag)
    return index >= 0 ? args[index + 1] : undefined
  }
  const number = (flag: string, fallback: number): number => {
    const raw = value(flag)
    const parsed = raw === undefined ? Number.NaN : Number(raw)
    return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback
  }
  const mode = value("--mode")
  if (mode !== undefined && !(Ours.modes as ReadonlyArray<string>).includes(mode)) {
    throw new Error(`--mode must be one of ${Ours.modes.join(", ")}`)
  }
  return {
    json: args.includes("--json"),
    mode: (mode as Ours.Mode | undefined) ?? "handler",
    allModes: args.includes("--all-modes"),
    only: value("--only"),
    settings: {
      warmUpMs: number("--warm-up-ms", 250),
      batchMs: number("--batch-ms", 20),
      batches: Math.round(number("--batches", 25))
    }
  }
}

const same = (found: Events.Expected | undefined, expected: Events.Expected | undefined): boolean =>
  found === undefined || expected === undefined
    ? found === expected
    : found.traceId === expected.traceId && found.parentId === expected.parentId &&
      found.samplingPriority === expected.samplingPriority

const describeFound = (found: Events.Expected | undefined): string =>
  found === undefined ? "nothing" : `${found.traceId}/${found.parentId}/p${found.samplingPriority}`

/** `""` when the side found what the case carries, else a short flag for the table (and a warning on stderr). */
const check = (side: string, found: Events.Expected | undefined, testCase: Events.Case): string => {
  if (same(found, testCase.expected)) return ""
  process.stderr.write(
    `warning: ${testCase.name}: ${side} found ${describeFound(found)}, expected ${describeFound(testCase.expected)}\n`
  )
  return found === undefined ? `${side} finds nothing` : `${side} finds another context`
}

interface Row {
  readonly case: string
  /** Microseconds per extraction, by mode. */
  readonly ours: Partial<Record<Ours.Mode, number>>
  readonly peer: number
  readonly flags: ReadonlyArray<string>
}

const round3 = (value: number): number => Number(value.toFixed(3))

const pad = (text: string, width: number): string => text.padStart(width)

const printTable = (rows: ReadonlyArray<Row>, modes: ReadonlyArray<Ours.Mode>, options: Options, peer: string) => {
  const lines = [
    `effect-datadog-lambda default chain vs datadog-lambda-js ${peer} TraceContextExtractor (µs per extraction)`,
    `machine: ${Machine.describe()}`,
    `Lambda context: ${Events.contextShape}`,
    `method: warm-up ${options.settings.warmUpMs} ms, ${options.settings.batches} interleaved batches of ` +
    `~${options.settings.batchMs} ms per subject, median time per call. peer: await per call. ours: ` +
    modes.map((mode) =>
      mode === "handler"
        ? "handler = a step of a running effect"
        : mode === "runSync"
        ? "runSync = runtime.runSync per call"
        : "runPromise = await runtime.runPromise per call"
    ).join("; "),
    ""
  ]
  const header = [
    "case".padEnd(30),
    pad("peer", 9),
    ...modes.flatMap((mode) => [pad(mode, 11), pad("ratio", 7)]),
    "  check"
  ].join(" ")
  lines.push(header, "-".repeat(header.length + 8))
  for (const row of rows) {
    lines.push([
      row.case.padEnd(30),
      pad(row.peer.toFixed(3), 9),
      ...modes.flatMap((
        mode
      ) => [pad(row.ours[mode]!.toFixed(3), 11), pad((row.ours[mode]! / row.peer).toFixed(2), 7)]),
      `  ${row.flags.length === 0 ? "ok" : row.flags.join("; ")}`
    ].join(" "))
  }
  process.stdout.write(lines.join("\n") + "\n")
}

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2))
  const modes: ReadonlyArray<Ours.Mode> = options.allModes && !options.json ? Ours.modes : [options.mode]
  const tracer = await Tracer.init()
  const peer = Peer.make()
  const chains = [await Ours.make("native", tracer), await Ours.make("dd-trace", tracer)]
  const context = Events.lambdaContext
  const cases = Events.all().filter((testCase) => options.only === undefined || testCase.name.includes(options.only))
  const rows: Array<Row> = []
  for (const testCase of cases) {
    const event = testCase.event
    const peerFlag = check("peer", await peer.extract(event, context), testCase)
    const oursFlags = chains.map((chain) =>
      check(`ours (${chain.propagator})`, chain.extract(event, context), testCase)
    )
    const subjects: Array<Timing.Batch> = [Timing.asyncBatch(() => peer.run(event, context))]
    for (const mode of modes) {
      for (const chain of chains) subjects.push(chain.batch(mode, event, context))
    }
    const times = await Timing.compare(subjects, options.settings)
    chains.forEach((chain, index) => {
      const ours: Partial<Record<Ours.Mode, number>> = {}
      modes.forEach((mode, modeIndex) => {
        ours[mode] = times[1 + modeIndex * chains.length + index]!
      })
      const row: Row = {
        case: `${testCase.name}/${chain.propagator}`,
        ours,
        peer: times[0]!,
        flags: [oursFlags[index]!, peerFlag].filter((flag) => flag !== "")
      }
      rows.push(row)
      if (options.json) {
        const oursUs = ours[options.mode]!
        process.stdout.write(
          JSON.stringify({
            case: row.case,
            ours_us: round3(oursUs),
            peer_us: round3(row.peer),
            ratio: round3(oursUs / row.peer)
          }) + "\n"
        )
      }
    })
  }
  if (!options.json) printTable(rows, modes, options, peer.version)
  for (const chain of chains) await chain.dispose()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:compare failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
