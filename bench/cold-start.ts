/**
 * Cold start: the time to import the library in a fresh Node.js process, against datadog-lambda-js.
 *
 *   npx tsx bench/cold-start.ts [--runs N] [--json] [--quick-start]
 *
 * Method: the forms below are built into `.bench-out/` (bench/build-lib.ts); then, for each run and each form in
 * turn (round-robin, so drift hits all forms alike), a new `node` process is started that records
 * `performance.now()` just before and just after one `import()` / `require()` of the form and prints the
 * difference. Node's own start-up is outside the measured span and the same for every form. Reported: median,
 * minimum and maximum over the runs. No compile cache is used (as on a Lambda cold start).
 *
 * Forms:
 * - ours, plain: `src/index.ts` compiled to one ES module per source file, importing `effect` from node_modules;
 * - ours, bundled: `src/index.ts` and `effect` as one minified ES module (esbuild; dd-trace external);
 * - ours over a loaded effect: the plain form imported after the `effect` modules it uses are already loaded,
 *   i.e. what the library adds to an Effect app that imports those modules anyway;
 * - datadog-lambda-js, plain: `require("datadog-lambda-js")` from node_modules (it does not load dd-trace);
 * - datadog-lambda-js, bundled: its `dist/index.js` and dependencies as one minified CommonJS file (esbuild;
 *   dd-trace and the AWS SDK, which the Lambda runtime provides, external);
 * - the README's quick start (an `@effect-aws/lambda` handler), bundled as an app ships it (one minified ES module,
 *   the library from `src`), and the same app without the library (no extraction wrapper, no chain layer): what the
 *   library adds to a bundled Effect app's cold import is the median over the rounds of the difference of the two
 *   within a round (paired, so a slow round slows both), printed last. `--quick-start` times only these two forms.
 */
import * as esbuild from "esbuild"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Build from "./build-lib.js"
import * as Machine from "./machine.js"
import { median } from "./timing.js"

interface Form {
  readonly name: string
  readonly file: string
  readonly bytes: number
  /** ES module source run by the child: must print the measured milliseconds. */
  readonly script: string
}

// The child prints the wall time and the process's CPU time (user + system) of the import, in ms.
const REPORT = "const used = process.cpuUsage(cpu); " +
  "process.stdout.write(`${performance.now() - start} ${(used.user + used.system) / 1000}`)"

const importScript = (file: string, preload: ReadonlyArray<string> = []): string =>
  [
    ...preload.map((specifier) => `await import(${JSON.stringify(specifier)})`),
    "const cpu = process.cpuUsage()",
    "const start = performance.now()",
    `await import(${JSON.stringify(pathToUrl(file))})`,
    REPORT
  ].join("\n")

const requireScript = (file: string): string =>
  [
    "import { createRequire } from \"node:module\"",
    `const require = createRequire(${JSON.stringify(pathToUrl(path.join(Build.root, "package.json")))})`,
    "const cpu = process.cpuUsage()",
    "const start = performance.now()",
    `require(${JSON.stringify(file)})`,
    REPORT
  ].join("\n")

const pathToUrl = (file: string): string => `file://${file}`

const sizeOf = (file: string): number => fs.statSync(file).size

/** The `effect/*` modules the package root's sources import (not the Effect 4 line's, under src/effect4). */
const effectModules = (): Array<string> => {
  const found = new Set<string>()
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== "effect4" && entry.name !== "node_modules") visit(file)
      } else if (entry.name.endsWith(".ts") && !file.includes(`${path.sep}cli${path.sep}`)) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(/from "(effect\/[A-Za-z]+)"/g)) {
          found.add(match[1]!)
        }
      }
    }
  }
  visit(path.join(Build.root, "src"))
  return [...found].sort()
}

// The README's quick start, and the same app without the library.
const QUICK_START = `
import { LambdaHandler } from "@effect-aws/lambda"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { CurrentExtraction, DefaultChain, LambdaTracing } from "effect-datadog-lambda"

const app = (event) =>
  Effect.gen(function*() {
    const upstream = yield* CurrentExtraction.context
    const span = yield* Effect.currentSpan
    const from = Option.getOrNull(Option.map(upstream, (context) => context.source))
    return { statusCode: 200, body: JSON.stringify({ path: event.path, traceId: span.traceId, from }) }
  }).pipe(Effect.withSpan("handle-request"), Effect.orDie)

export const handler = LambdaHandler.make({
  handler: LambdaTracing.withExtraction(app, { spanName: "aws.lambda" }),
  layer: DefaultChain.layerNative
})
`

const WITHOUT_LIBRARY = `
import { LambdaHandler } from "@effect-aws/lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

const app = (event) =>
  Effect.gen(function*() {
    const upstream = Option.none()
    const span = yield* Effect.currentSpan
    const from = Option.getOrNull(Option.map(upstream, (context) => context.source))
    return { statusCode: 200, body: JSON.stringify({ path: event.path, traceId: span.traceId, from }) }
  }).pipe(Effect.withSpan("handle-request"), Effect.orDie)

export const handler = LambdaHandler.make({
  handler: (event) => app(event).pipe(Effect.withSpan("aws.lambda")),
  layer: Layer.empty
})
`

const bundleApp = async (name: string, source: string): Promise<string> => {
  const outfile = path.join(Build.out, "quick-start", `${name}.mjs`)
  await esbuild.build({
    stdin: { contents: source, resolveDir: Build.root, loader: "ts" },
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    alias: { "effect-datadog-lambda": path.join(Build.root, "src/index.ts") },
    external: ["dd-trace", "@aws-sdk/*", "@aws/durable-execution-sdk-js"],
    logLevel: "warning"
  })
  return outfile
}

const QUICK_START_WITH = "quick start app, bundled, with the library"
const QUICK_START_WITHOUT = "the same app without the library"

const buildForms = async (): Promise<Array<Form>> => {
  const plain = await Build.buildPlain()
  const bundled = await Build.buildBundle()
  const peerBundle = await Build.bundle({
    entry: path.join(Build.root, "node_modules/datadog-lambda-js/dist/index.js"),
    outfile: path.join(Build.out, "peer-bundle/index.cjs"),
    format: "cjs",
    external: ["dd-trace", "@aws-sdk/*"]
  })
  const peerPlain = path.join(Build.root, "node_modules/datadog-lambda-js/dist/index.js")
  const preload = effectModules()
  const withLibrary = await bundleApp("with-library", QUICK_START)
  const withoutLibrary = await bundleApp("without-library", WITHOUT_LIBRARY)
  return [
    { name: "ours, plain (ESM per file)", file: plain, bytes: Number.NaN, script: importScript(plain) },
    { name: "ours, bundled (1 file, minified)", file: bundled, bytes: sizeOf(bundled), script: importScript(bundled) },
    {
      name: `ours over loaded effect (${preload.length} modules)`,
      file: plain,
      bytes: Number.NaN,
      script: importScript(plain, preload)
    },
    { name: "datadog-lambda-js, plain (CJS)", file: peerPlain, bytes: Number.NaN, script: requireScript(peerPlain) },
    {
      name: "datadog-lambda-js, bundled (1 file, minified)",
      file: peerBundle,
      bytes: sizeOf(peerBundle),
      script: requireScript(peerBundle)
    },
    { name: QUICK_START_WITH, file: withLibrary, bytes: sizeOf(withLibrary), script: importScript(withLibrary) },
    {
      name: QUICK_START_WITHOUT,
      file: withoutLibrary,
      bytes: sizeOf(withoutLibrary),
      script: importScript(withoutLibrary)
    }
  ]
}

/**
 * What the library adds to the quick start app's import: the median over the rounds of (with - without) in the same
 * round. The machine's speed drifts between rounds; a difference of medians carried that drift into the figure.
 */
const added = (forms: ReadonlyArray<Form>, values: ReadonlyArray<ReadonlyArray<number>>): number => {
  const at = (name: string) => values[forms.findIndex((form) => form.name === name)]!
  const without = at(QUICK_START_WITHOUT)
  return median(at(QUICK_START_WITH).map((value, round) => value - without[round]!))
}

/** One import in a fresh process: wall and CPU milliseconds. */
interface Sample {
  readonly wall: number
  readonly cpu: number
}

const runOnce = (form: Form): Sample => {
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", form.script], {
    cwd: Build.root,
    env: { ...process.env, NODE_OPTIONS: "" },
    encoding: "utf8"
  })
  const [wall, cpu] = output.trim().split(" ").map(Number)
  if (!Number.isFinite(wall) || !Number.isFinite(cpu)) throw new Error(`${form.name}: unexpected output ${output}`)
  return { wall: wall!, cpu: cpu! }
}

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const runsIndex = args.indexOf("--runs")
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1]) || 15) : 15
  const json = args.includes("--json")
  const quickStartOnly = args.includes("--quick-start")
  const forms = (await buildForms()).filter((form) =>
    !quickStartOnly || form.name === QUICK_START_WITH || form.name === QUICK_START_WITHOUT
  )
  for (const form of forms) runOnce(form) // warm the file-system cache, not measured
  const samples: Array<Array<Sample>> = forms.map(() => [])
  for (let run = 0; run < runs; run++) {
    forms.forEach((form, index) => samples[index]!.push(runOnce(form)))
  }
  const wall = samples.map((list) => list.map((sample) => sample.wall))
  const cpu = samples.map((list) => list.map((sample) => sample.cpu))
  const summary = (values: ReadonlyArray<number>) => ({
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values)
  })
  if (json) {
    forms.forEach((form, index) => {
      const w = summary(wall[index]!)
      const c = summary(cpu[index]!)
      process.stdout.write(
        JSON.stringify({
          form: form.name,
          median_ms: Number(w.median.toFixed(2)),
          min_ms: Number(w.min.toFixed(2)),
          max_ms: Number(w.max.toFixed(2)),
          cpu_median_ms: Number(c.median.toFixed(2)),
          bytes: Number.isNaN(form.bytes) ? null : form.bytes
        }) + "\n"
      )
    })
    process.stdout.write(
      JSON.stringify({
        form: "added by the library",
        median_ms: Number(added(forms, wall).toFixed(2)),
        cpu_median_ms: Number(added(forms, cpu).toFixed(2))
      }) + "\n"
    )
    return
  }
  const lines = [
    "import time in a fresh node process (ms; performance.now() around one import()/require(), and the process's",
    "CPU time over the same span, which another process's load on the machine inflates less)",
    `machine: ${Machine.describe()}`,
    `runs: ${runs} per form, round-robin; median (min … max)`,
    "",
    `${"form".padEnd(48)} ${"wall".padStart(8)}  ${"".padEnd(17)} ${"cpu".padStart(8)}`
  ]
  forms.forEach((form, index) => {
    const w = summary(wall[index]!)
    const c = summary(cpu[index]!)
    lines.push(
      `${form.name.padEnd(48)} ${w.median.toFixed(1).padStart(8)}  ${
        `(${w.min.toFixed(1)} … ${w.max.toFixed(1)})`.padEnd(17)
      } ${c.median.toFixed(1).padStart(8)}${Number.isNaN(form.bytes) ? "" : `  ${(form.bytes / 1024).toFixed(0)} KiB`}`
    )
  })
  lines.push(
    "",
    `the library adds to the quick start app's import (median over the rounds of with - without): ${
      added(forms, wall).toFixed(1)
    } ms wall, ${added(forms, cpu).toFixed(1)} ms CPU`
  )
  process.stdout.write(lines.join("\n") + "\n")
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:cold failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
