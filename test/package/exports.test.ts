import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll } from "vitest"

const execFileAsync = promisify(execFile)
const root = path.resolve(import.meta.dirname, "../..")
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const OPTIONAL_PEERS = ["dd-trace", "@aws/durable-execution-sdk-js", "@aws-sdk/client-lambda", "@effect-aws/lambda"]

// The package's modules are built once into a temporary copy of its layout (package.json, dist, the repository's
// node_modules linked in), so the working tree is never written and `require("effect-datadog-lambda")` resolves
// through the exports map by self-reference, as it does for a user. The build here is the JavaScript alone
// (`--js-only`): `npm test` type-checks the sources beside it, and CI checks the packed declarations
// (scripts/check-package.sh: arethetypeswrong, strict tsc with library checks).
let copy: string
// The same package beside Effect 4 alone, for the `effect4` entry.
let copy4: string
const node = async (args: ReadonlyArray<string>, cwd: string = copy): Promise<string> => {
  const { stdout } = await execFileAsync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, DD_TRACE_ENABLED: "false" },
    maxBuffer: 16 * 1024 * 1024
  })
  return stdout
}

// The public modules, one entry point each; everything else is internal.
const PUBLIC_MODULES = [
  "TraceContext",
  "ExtractionResult",
  "Errors",
  "Propagator",
  "TraceExtractor",
  "ExtractorChain",
  "Extractors",
  "CustomExtractor",
  "CurrentExtraction",
  "CheckpointWriter",
  "DurableState",
  "DdTracePropagator",
  "NativePropagator",
  "DefaultChain",
  "DdTraceTracer",
  "Tracing",
  "LambdaTracing",
  "DurableTracing"
]

// The Effect 4 line's entry: the same extraction, on Effect 4.
const EFFECT4_ENTRY = "./effect4"

const entries = Object.entries(pkg.exports as Record<string, unknown>).filter(([key]) =>
  key !== "./package.json"
) as Array<[string, { readonly import: Record<string, string>; readonly require: Record<string, string> }]>
const effect3Entries = entries.filter(([key]) => key !== EFFECT4_ENTRY)

const walk = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === "node_modules"
      ? []
      : entry.isDirectory()
      ? walk(path.join(dir, entry.name))
      : [path.join(dir, entry.name)]
  )

const program = (loader: string) => `
${loader}
const { DefaultChain, ExtractorChain } = lib
const event = { headers: { "x-datadog-trace-id": "11", "x-datadog-parent-id": "22" } }
const result = Effect.runSync(Effect.provide(ExtractorChain.extract(event, {}), DefaultChain.layerNative))
console.log(JSON.stringify({ keys: Object.keys(lib).sort(), found: result.context._tag === "Some" }))
`

describe("package", () => {
  beforeAll(async () => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "edl-package-"))
    fs.copyFileSync(path.join(root, "package.json"), path.join(copy, "package.json"))
    fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"), "dir")
    await execFileAsync(
      process.execPath,
      [path.join(root, "scripts/build.mjs"), path.join(copy, "dist"), "--js-only"],
      { cwd: root }
    )
    copy4 = fs.mkdtempSync(path.join(os.tmpdir(), "edl-package-effect4-"))
    fs.copyFileSync(path.join(root, "package.json"), path.join(copy4, "package.json"))
    // A copy, not a link: Node resolves `effect` from a module's real path.
    fs.cpSync(path.join(copy, "dist"), path.join(copy4, "dist"), { recursive: true })
    fs.mkdirSync(path.join(copy4, "node_modules"))
    fs.symlinkSync(path.join(root, "src/effect4/node_modules/effect"), path.join(copy4, "node_modules/effect"), "dir")
  }, 120_000)
  afterAll(() => {
    fs.rmSync(copy, { recursive: true, force: true })
    fs.rmSync(copy4, { recursive: true, force: true })
  })

  it("exports exactly the public modules, from the root and one subpath each", () => {
    assert.deepStrictEqual(Object.keys(pkg.exports), [
      ".",
      ...PUBLIC_MODULES.map((name) => `./${name}`),
      EFFECT4_ENTRY,
      "./package.json"
    ])
    for (const [key, entry] of entries) {
      if (key !== ".") assert.notInclude(entry.import.default, "/internal/", key)
    }
  })

  it("declares ESM and CommonJS, each with its own declarations, no wildcard and no side effects", () => {
    assert.strictEqual(pkg.sideEffects, false)
    assert.strictEqual(pkg.type, "module")
    assert.notProperty(pkg.exports, "./*")
    assert.isAbove(entries.length, 1)
    for (const [key, entry] of entries) {
      assert.deepStrictEqual(Object.keys(entry), ["import", "require"], key)
      for (const condition of [entry.import, entry.require]) {
        assert.deepStrictEqual(Object.keys(condition), ["types", "default"], key)
        assert.isTrue(fs.existsSync(path.join(copy, condition.default)), `${key}: ${condition.default}`)
        // Each declaration file is emitted from the source module of the same path.
        const source = condition.types.replace(/^\.\/dist\/(esm|cjs)\//, "src/").replace(/\.d\.ts$/, ".ts")
        assert.isTrue(fs.existsSync(path.join(root, source)), `${key}: ${condition.types} (from ${source})`)
      }
      assert.match(entry.require.types, /^\.\/dist\/cjs\//, key)
    }
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(copy, "dist/cjs/package.json"), "utf8")), {
      type: "commonjs"
    })
  })

  it("has no runtime dependencies and only optional peers besides effect", () => {
    assert.isUndefined(pkg.dependencies)
    for (const name of Object.keys(pkg.peerDependencies)) {
      if (name !== "effect") assert.isTrue(pkg.peerDependenciesMeta[name]?.optional, name)
    }
    assert.match(pkg.engines.node, />=22/)
  })

  it("imports no optional peer statically, so neither do the published declarations", () => {
    const sources = walk(path.join(root, "src")).filter((file) =>
      file.endsWith(".ts") && !file.includes("node_modules")
    )
    assert.isAbove(sources.length, 10)
    for (const file of sources) {
      const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
      for (const peer of OPTIONAL_PEERS) {
        assert.notMatch(text, new RegExp(`(from|import\\()\\s*["']${peer}`), path.relative(root, file))
      }
    }
  })

  it("loads and extracts through require() and through import, with the same exports", async () => {
    const cjs = JSON.parse(
      await node([
        "-e",
        program(`const Effect = require("effect/Effect"); const lib = require("effect-datadog-lambda")`)
      ])
    )
    const esm = JSON.parse(
      await node([
        "--input-type=module",
        "-e",
        program(`const Effect = await import("effect/Effect"); const lib = await import("effect-datadog-lambda")`)
      ])
    )
    assert.isTrue(cjs.found)
    assert.deepStrictEqual(esm, cjs)
    assert.deepStrictEqual(cjs.keys, [...PUBLIC_MODULES].sort())
  })

  it("loads every subpath through require and import", async () => {
    const names = JSON.stringify(effect3Entries.map(([key]) => key.replace(/^\./, "effect-datadog-lambda")))
    const check = (load: string) =>
      `const out = {}; for (const name of ${names}) out[name] = Object.keys(${load}).length > 0; console.log(JSON.stringify(out))`
    const cjs = JSON.parse(await node(["-e", check("require(name)")]))
    const esm = JSON.parse(await node(["--input-type=module", "-e", check("await import(name)")]))
    for (const [key] of effect3Entries) {
      const name = key.replace(/^\./, "effect-datadog-lambda")
      assert.isTrue(cjs[name], `require ${name}`)
      assert.isTrue(esm[name], `import ${name}`)
    }
  })

  it("loads and extracts through the effect4 entry, by require() and by import, beside Effect 4 alone", async () => {
    const loader = (load: (specifier: string) => string) =>
      program(`const Effect = ${load("effect/Effect")}; const lib = ${load("effect-datadog-lambda/effect4")}`)
    const cjs = JSON.parse(await node(["-e", loader((specifier) => `require("${specifier}")`)], copy4))
    const esm = JSON.parse(
      await node(["--input-type=module", "-e", loader((specifier) => `await import("${specifier}")`)], copy4)
    )
    assert.isTrue(cjs.found)
    assert.deepStrictEqual(esm, cjs)
    assert.includeMembers(cjs.keys, ["DefaultChain", "ExtractorChain", "NativePropagator", "TraceContext"])
  })

  it("bundles with esbuild and no flags: optional peers are left to run time", async () => {
    const result = await esbuild.build({
      entryPoints: [path.join(root, "src/index.ts")],
      bundle: true,
      platform: "node",
      write: false,
      metafile: true,
      logLevel: "silent"
    })
    assert.deepStrictEqual(result.errors, [])
    assert.deepStrictEqual(result.warnings, [])
    const inputs = Object.keys(result.metafile.inputs)
    for (const peer of OPTIONAL_PEERS) {
      assert.isFalse(inputs.some((input) => input.includes(`node_modules/${peer}/`)), peer)
    }
  })
})
