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
 * The `invocation-*` rows (`invocation-api-gateway`, `invocation-sqs` with a batch of 3, `invocation-durable-1000`)
 * time a whole traced invocation instead (see invocation.ts): our contract set-up with `DdTraceTracer` against
 * datadog-lambda-js's `datadog()`, on the same event, over the same dd-trace, which flushes every 2 s (its default
 * outside Lambda) to a loopback sink in a child process (bench/agent.ts). `--only invocation` runs only those.
 *
 * Method: every subject is warmed up and its batch size calibrated to about `--batch-ms`; then the timed batches
 * of all subjects of a case are interleaved, and each figure is the median over the batches of the time per
 * call. The peer is awaited per call, as its listener does. Ours runs in `--mode` (see ours.ts); the default,
 * `handler`, times the extraction as a step of an already running effect, which is how a handler uses it.
 */
import * as Agent from "./agent.js"
import * as Events from "./events.js"
import * as Invocation from "./invocation.js"
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

const invocationCases = (): ReadonlyArray<Events.Case> =>
  [Events.apiGateway(), Events.sqsBatch(3), Events.durable(1_000)].map(Events.delivered)

const printJson = (row: { readonly case: string; readonly ours: number; readonly peer: number }): void => {
  process.stdout.write(
    JSON.stringify({
      case: row.case,
      ours_us: round3(row.ours),
      peer_us: round3(row.peer),
      ratio: round3(row.ours / row.peer)
    }) + "\n"
  )
}

/** Times the `invocation-*` rows; returns the table lines (empty with `--json`). */
const invocations = async (options: Options, tracer: Invocation.Tracer, sink: Agent.Sink): Promise<Array<string>> => {
  const selected = invocationCases().filter((testCase) =>
    options.only === undefined || Invocation.caseName(testCase).includes(options.only)
  )
  if (selected.length === 0) return []
  const ours = await Invocation.ours(tracer)
  const peer = Invocation.peer(tracer)
  const context = Events.lambdaContext
  const lines = [
    "",
    "whole traced invocations: contract set-up with DdTraceTracer vs datadog-lambda-js datadog() (µs per invocation)",
    "method: one awaited invocation per call, same timing as above; dd-trace flushes every 2 s to a loopback sink",
    "",
    `${"case".padEnd(30)} ${pad("peer", 9)} ${pad("ours", 11)} ${pad("ratio", 7)}  check`
  ]
  for (const testCase of selected) {
    const name = Invocation.caseName(testCase)
    const expected = testCase.expected?.traceId
    const flags: Array<string> = []
    for (const [side, run] of [["ours", ours], ["peer", peer]] as const) {
      const traceId = await run.traceId(testCase.event, context)
      if (traceId !== expected) {
        process.stderr.write(`warning: ${name}: ${side}'s inner span is in trace ${traceId}, expected ${expected}\n`)
        flags.push(`${side} in another trace`)
      }
    }
    const [peerUs, oursUs] = await Timing.compare([
      Timing.asyncBatch(() => peer.invoke(testCase.event, context)),
      Timing.asyncBatch(() => ours.invoke(testCase.event, context))
    ], options.settings)
    if (options.json) printJson({ case: name, ours: oursUs!, peer: peerUs! })
    lines.push(
      `${name.padEnd(30)} ${pad(peerUs!.toFixed(3), 9)} ${pad(oursUs!.toFixed(3), 11)} ${
        pad((oursUs! / peerUs!).toFixed(2), 7)
      }  ${flags.length === 0 ? "ok" : flags.join("; ")}`
    )
  }
  // Let the last flush happen, so the line below says the sink really received traces.
  await new Promise((resolve) => setTimeout(resolve, 2_500))
  lines.push(`trace payloads received by the sink: ${await sink.payloads()}`)
  return options.json ? [] : lines
}

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2))
  const modes: ReadonlyArray<Ours.Mode> = options.allModes && !options.json ? Ours.modes : [options.mode]
  const sink = await Agent.start()
  process.env.DD_TRACE_AGENT_URL = sink.url
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
      if (options.json) printJson({ case: row.case, ours: ours[options.mode]!, peer: row.peer })
    })
  }
  if (!options.json && rows.length > 0) printTable(rows, modes, options, peer.version)
  const invocationLines = await invocations(options, tracer as unknown as Invocation.Tracer, sink)
  if (invocationLines.length > 0) process.stdout.write(invocationLines.join("\n") + "\n")
  for (const chain of chains) await chain.dispose()
  sink.close()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:compare failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  }
)
