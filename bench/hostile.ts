/**
 * Hostile durable envelopes: deep (5,000 levels) and wide (1M keys; a 5 MiB list) values of the wrong type in every
 * field the durable extractors decode, on the first page and on a later one. For each, the time of one extraction
 * through the default chain (native propagator) against the time of the runtime's own `JSON.parse` of the event
 * (what Lambda spends before the handler sees it), and what the chain reported. A figure is the time per call of a
 * call repeated for 20 ms (at most 200 times), median of `--runs` runs.
 *
 *   npx tsx bench/hostile.ts [--lib DIR] [--only TEXT] [--runs N]
 *
 * DIR is a directory of compiled ES modules of `src` (see bench/ab.ts for building one from a commit); by default
 * this tree, compiled as bench/compare.ts compiles it. `--runs` defaults to 3.
 *
 * `--paging` times a hostile state client instead (a client that never answers, and one whose every page takes
 * 1.9 s and names a next page), on an envelope whose first page is empty, so that both durable extractors need the
 * later pages: the time until the chain's result and the number of requests, with a Lambda context that has 3 s
 * left (the default function timeout) and with none.
 */
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { ExtractionResult } from "../src/domain/ExtractionResult.js"
import type * as DefaultChain from "../src/layers/DefaultChain.js"
import type * as NativePropagator from "../src/layers/NativePropagator.js"
import type * as DurableState from "../src/services/DurableState.js"
import type * as ExtractorChain from "../src/services/ExtractorChain.js"
import * as BuildLib from "./build-lib.js"
import { median } from "./timing.js"

interface Library {
  readonly DefaultChain: typeof DefaultChain
  readonly NativePropagator: typeof NativePropagator
  readonly ExtractorChain: typeof ExtractorChain
  readonly DurableState: typeof DurableState
}

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}

const load = async (dir: string | undefined): Promise<Library> => {
  const from = dir ?? (await BuildLib.buildPlain(), ".bench-out/esm")
  const root = pathToFileURL(path.resolve(fileURLToPath(new URL("..", import.meta.url)), from)).href
  const [defaultChain, native, chain, state] = await Promise.all([
    import(`${root}/layers/DefaultChain.js`),
    import(`${root}/layers/NativePropagator.js`),
    import(`${root}/services/ExtractorChain.js`),
    import(`${root}/services/DurableState.js`)
  ])
  return { DefaultChain: defaultChain, NativePropagator: native, ExtractorChain: chain, DurableState: state }
}

/** Hostile values, as JSON text. */
const values: Record<string, () => string> = {
  "deep object (5,000 levels)": () => "{\"a\":".repeat(5000) + "1" + "}".repeat(5000),
  "deep list (5,000 levels)": () => "[".repeat(5000) + "]".repeat(5000),
  "wide object (1M keys)": () => `{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(",")}}`,
  "wide list (5 MiB)": () => `[${Array.from({ length: 2_621_440 }, () => "0").join(",")}]`
}

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/my-exec/0e230abf"
const INPUT = JSON.stringify(JSON.stringify({ userId: "u-1" }))
const execution = (inputPayload = INPUT, details?: string) =>
  `{"Id":"0e230abf","Name":"my-exec","Type":"EXECUTION","Status":"STARTED","ExecutionDetails":${
    details ?? `{"InputPayload":${inputPayload}}`
  }}`
const CARRIER = JSON.stringify(JSON.stringify({ "x-datadog-trace-id": "1", "x-datadog-parent-id": "2" }))
const checkpoint = (fields: { Type?: string; Status?: string; Payload?: string; StepDetails?: string }) =>
  `{"Id":"c1","Name":"_datadog_1","Type":${fields.Type ?? "\"STEP\""},"Status":${
    fields.Status ?? "\"SUCCEEDED\""
  },"Payload":${fields.Payload ?? CARRIER},"StepDetails":${fields.StepDetails ?? "{}"}}`
const envelope = (operations: ReadonlyArray<string>, nextMarker = "") =>
  `{"DurableExecutionArn":"${ARN}","CheckpointToken":"t","InitialExecutionState":{"Operations":[${
    operations.join(",")
  }],"NextMarker":"${nextMarker}"}}`

interface Case {
  readonly name: string
  /** The event's JSON text, and the later page's (when the value is on one). */
  readonly event: string
  readonly page?: string | undefined
}

const positions: ReadonlyArray<readonly [string, (value: string) => string]> = [
  ["InputPayload", (value) => execution(value)],
  ["ExecutionDetails", (value) => execution(undefined, value)],
  ["Type", (value) => checkpoint({ Type: value })],
  ["Status", (value) => checkpoint({ Status: value })],
  ["Payload", (value) => checkpoint({ Payload: value })],
  ["StepDetails", (value) => checkpoint({ Payload: "null", StepDetails: value })],
  ["StepDetails.Result", (value) => checkpoint({ Payload: "null", StepDetails: `{"Result":${value}}` })]
]

const cases = (): ReadonlyArray<Case> =>
  Object.entries(values).flatMap(([valueName, make]) => {
    const value = make()
    return [
      ...positions.map(([field, at]): Case => ({
        name: `${field}: ${valueName}`,
        event: envelope(
          field.startsWith("Input") || field.startsWith("Execution") ? [at(value)] : [execution(), at(value)]
        )
      })),
      {
        name: `later page, Type: ${valueName}`,
        event: envelope([execution()], "page-2"),
        page: `{"Operations":[${checkpoint({ Type: value })}],"NextMarker":""}`
      }
    ]
  })

/** Milliseconds per call: the call repeated until 20 ms have passed (at most 200 times), so that the fixed cost of a
 * promise and a timer read does not dominate sub-millisecond figures. */
const perCall = async (f: () => Promise<void>): Promise<number> => {
  const start = performance.now()
  let calls = 0
  do {
    await f()
    calls++
  } while (performance.now() - start < 20 && calls < 200)
  return (performance.now() - start) / calls
}

const paging = async (library: Library): Promise<void> => {
  const clients: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
    ["a client that never answers", () => new Promise(() => {})],
    ["pages of 1.9 s each, without end", () => new Promise((resolve) => setTimeout(resolve, 1900))]
  ]
  const contexts: ReadonlyArray<readonly [string, unknown]> = [
    ["3 s remaining", { getRemainingTimeInMillis: () => 3000 }],
    ["no Lambda context", {}]
  ]
  process.stdout.write(`${"client".padEnd(36)} ${"context".padEnd(18)} ${"ms".padStart(8)} requests  outcome\n`)
  for (const [name, wait] of clients) {
    for (const [contextName, lambdaContext] of contexts) {
      let requests = 0
      const client = {
        getExecutionState: async () => {
          const page = ++requests
          await wait()
          return { Operations: [], NextMarker: `page-${page + 2}` }
        }
      }
      const chain = library.DefaultChain.layer.pipe(
        Layer.provide(Layer.merge(library.NativePropagator.layer(), library.DurableState.layerFromClient(client)))
      )
      const runtime = ManagedRuntime.make(chain)
      const event = JSON.parse(envelope([], "page-2"))
      const start = performance.now()
      const result = await runtime.runPromise(library.ExtractorChain.extract(event, lambdaContext))
      const ms = performance.now() - start
      const note = result.attempts.find((a) => a.extractor === "durable-checkpoint")?.detail ?? ""
      process.stdout.write(
        `${name.padEnd(36)} ${contextName.padEnd(18)} ${ms.toFixed(0).padStart(8)} ${String(requests).padStart(8)}  ${
          note.slice(0, 110)
        }\n`
      )
      await runtime.dispose()
    }
  }
}

const main = async (): Promise<void> => {
  const library = await load(flag("--lib"))
  if (args.includes("--paging")) return paging(library)
  const only = flag("--only")
  const runs = Number(flag("--runs") ?? "3")
  let page: unknown
  const state = library.DurableState.layerFromClient({ getExecutionState: async () => page })
  const runtime = ManagedRuntime.make(
    library.DefaultChain.layer.pipe(Layer.provide(Layer.merge(library.NativePropagator.layer(), state)))
  )
  // Builds the chain and compiles the Schema parsers before anything is timed.
  await runtime.runPromise(library.ExtractorChain.extract(JSON.parse(envelope([execution(), checkpoint({})])), {}))
  process.stdout.write(`${"case".padEnd(44)} ${"parse ms".padStart(9)} ${"extract ms".padStart(11)} ratio  outcome\n`)
  for (const testCase of cases()) {
    if (only !== undefined && !testCase.name.includes(only)) continue
    page = testCase.page === undefined ? undefined : JSON.parse(testCase.page)
    const parseMs: Array<number> = []
    const extractMs: Array<number> = []
    let outcome = ""
    for (let run = 0; run < runs; run++) {
      let event: unknown
      parseMs.push(
        await perCall(async () => {
          event = JSON.parse(testCase.event)
          if (testCase.page !== undefined) JSON.parse(testCase.page)
        })
      )
      let exit: Exit.Exit<ExtractionResult> | undefined
      extractMs.push(
        await perCall(async () => {
          exit = await runtime.runPromiseExit(library.ExtractorChain.extract(event, {}))
        })
      )
      outcome = exit === undefined || exit._tag === "Failure"
        ? "defect"
        : exit.value.attempts.filter((a) => a.outcome === "failed").map((a) =>
          `${a.extractor} ${a.reason}: ${(a.detail ?? "").slice(0, 90)}`
        ).join(" | ") || "no failure"
    }
    const parse = median(parseMs)
    const extract = median(extractMs)
    process.stdout.write(
      `${testCase.name.padEnd(44)} ${parse.toFixed(1).padStart(9)} ${extract.toFixed(1).padStart(11)} ${
        (extract / parse).toFixed(2).padStart(5)
      }  ${outcome}\n`
    )
  }
  await runtime.dispose()
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
