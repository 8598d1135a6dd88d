import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { promisify } from "node:util"
import { beforeAll } from "vitest"

const execFileAsync = promisify(execFile)
const root = path.resolve(import.meta.dirname, "../..")
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))

// Asynchronous on purpose: a worker blocked in a synchronous child process for a minute (the build, on a loaded
// machine) misses vitest's RPC deadline and the run fails with "Timeout calling onTaskUpdate".
const node = async (args: ReadonlyArray<string>): Promise<string> => {
  const { stdout } = await execFileAsync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DD_TRACE_ENABLED: "false" },
    maxBuffer: 16 * 1024 * 1024
  })
  return stdout
}

const program = (loader: string) => `
${loader}
const { DefaultChain, ExtractorChain } = lib
const event = { headers: { "x-datadog-trace-id": "11", "x-datadog-parent-id": "22" } }
const result = Effect.runSync(Effect.provide(ExtractorChain.extract(event, {}), DefaultChain.layerNative))
console.log(JSON.stringify({ keys: Object.keys(lib).sort(), found: result.context._tag === "Some" }))
`

describe("package", () => {
  beforeAll(async () => {
    await node([path.join(root, "scripts/build.mjs")])
  }, 180_000)

  it("declares an ESM + CJS + types exports map and no side effects", () => {
    assert.strictEqual(pkg.sideEffects, false)
    assert.strictEqual(pkg.type, "module")
    const main = pkg.exports["."]
    for (const key of ["types", "import", "require"]) assert.isTrue(fs.existsSync(path.join(root, main[key])), key)
    assert.isTrue(fs.existsSync(path.join(root, "dist/esm/layers/NativePropagator.js")))
    assert.isTrue(fs.existsSync(path.join(root, "dist/cjs/layers/NativePropagator.js")))
    assert.isTrue(fs.existsSync(path.join(root, "dist/dts/layers/NativePropagator.d.ts")))
    assert.strictEqual(pkg.peerDependenciesMeta["dd-trace"].optional, true)
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
        program(
          `const Effect = await import("effect/Effect"); const lib = await import("effect-datadog-lambda")`
        )
      ])
    )
    assert.isTrue(cjs.found)
    assert.deepStrictEqual(esm, cjs)
    assert.includeMembers(cjs.keys, [
      "DefaultChain",
      "ExtractorChain",
      "TraceContext",
      "NativePropagator",
      "DdTracePropagator"
    ])
  })

  it("reaches single modules through subpaths", async () => {
    const out = await node(["-e", `console.log(typeof require("effect-datadog-lambda/domain/Ids").decimalToHex16)`])
    assert.strictEqual(out.trim(), "function")
  })

  it("gives every public module a flat subpath (effect-datadog-lambda/Name) for require, import and types", async () => {
    const modules = ["domain", "services", "layers"].flatMap((dir) =>
      fs.readdirSync(path.join(root, "src", dir)).filter((file) => file.endsWith(".ts")).map((file) =>
        file.slice(0, -3)
      )
    )
    const names = JSON.stringify(modules)
    const check = `const names = ${names}; const out = {}; for (const name of names) {
      out[name] = Object.keys(LOAD("effect-datadog-lambda/" + name)).length > 0 } console.log(JSON.stringify(out))`
    const cjs = JSON.parse(await node(["-e", check.replace("LOAD", "require")]))
    const esm = JSON.parse(
      await node([
        "--input-type=module",
        "-e",
        `const LOADED = {}; ${
          modules.map((name) => `LOADED[${JSON.stringify(name)}] = await import("effect-datadog-lambda/${name}")`)
            .join("; ")
        }; ${check.replace("LOAD(\"effect-datadog-lambda/\" + name)", "LOADED[name]")}`
      ])
    )
    for (const name of modules) {
      assert.isTrue(cjs[name], `require ${name}`)
      assert.isTrue(esm[name], `import ${name}`)
      const entry = pkg.exports[`./${name}`]
      assert.isTrue(fs.existsSync(path.join(root, entry.types)), `types ${name}`)
    }
  })
})
