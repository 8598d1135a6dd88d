/**
 * Cold start: the time to import the library in a fresh Node.js process, against datadog-lambda-js.
 *
 *   npx tsx bench/cold-start.ts [--runs N] [--json]
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
 *   dd-trace and the AWS SDK, which the Lambda runtime provides, external).
 */
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

const importScript = (file: string, preload: ReadonlyArray<string> = []): string =>
  [
    ...preload.map((specifier) => `await import(${JSON.stringify(specifier)})`),
    "const start = performance.now()",
    `await import(${JSON.stringify(pathToUrl(file))})`,
    "process.stdout.write(String(performance.now() - start))"
  ].join("\n")

const requireScript = (file: string): string =>
  [
    "import { createRequire } from \"node:module\"",
    `const require = createRequire(${JSON.stringify(pathToUrl(path.join(Build.root, "package.json")))})`,
    "const start = performance.now()",
    `require(${JSON.stringify(file)})`,
    "process.stdout.write(String(performance.now() - start))"
  ].join("\n")

const pathToUrl = (file: string): string => `file://${file}`

const sizeOf = (file: string): number => fs.statSync(file).size

/** The `effect/*` modules the library's sources import. */
const effectModules = (): Array<string> => {
  const found = new Set<string>()
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(file)
      else if (entry.name.endsWith(".ts") && !file.includes(`${path.sep}cli${path.sep}`)) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(/from "(effect\/[A-Za-z]+)"/g)) {
          found.add(match[1]!)
        }
      }
    }
  }
  visit(path.join(Build.root, "src"))
  return [...found].sort()
}

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
    }
  ]
}

const runOnce = (form: Form): number => {
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", form.script], {
    cwd: Build.root,
    env: { ...process.env, NODE_OPTIONS: "" },
    encoding: "utf8"
  })
  const ms = Number(output.trim())
  if (!Number.isFinite(ms)) throw new Error(`${form.name}: unexpected output ${output}`)
  return ms
}

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const runsIndex = args.indexOf("--runs")
  const runs = runsIndex >= 0 ? Math.max(1, Number(args[runsIndex + 1]) || 15) : 15
  const json = args.includes("--json")
  const forms = await buildForms()
  for (const form of forms) runOnce(form) // warm the file-system cache, not measured
  const samples: Array<Array<number>> = forms.map(() => [])
  for (let run = 0; run < runs; run++) {
    forms.forEach((form, index) => samples[index]!.push(runOnce(form)))
  }
  if (json) {
    forms.forEach((form, index) => {
      const values = samples[index]!
      process.stdout.write(
        JSON.stringify({
          form: form.name,
          median_ms: Number(median(values).toFixed(2)),
          min_ms: Number(Math.min(...values).toFixed(2)),
          max_ms: Number(Math.max(...values).toFixed(2)),
          bytes: Number.isNaN(form.bytes) ? null : form.bytes
        }) + "\n"
      )
    })
    return
  }
  const lines = [
    "import time in a fresh node process (ms; performance.now() around one import()/require())",
    `machine: ${Machine.describe()}`,
    `runs: ${runs} per form, round-robin; median (min … max)`,
    ""
  ]
  forms.forEach((form, index) => {
    const values = samples[index]!
    lines.push(
      `${form.name.padEnd(48)} ${median(values).toFixed(1).padStart(8)}  (${Math.min(...values).toFixed(1)} … ` +
        `${Math.max(...values).toFixed(1)})${Number.isNaN(form.bytes) ? "" : `  ${(form.bytes / 1024).toFixed(0)} KiB`}`
    )
  })
  process.stdout.write(lines.join("\n") + "\n")
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:cold failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
