// Builds the publishable package into OUT (default: dist):
//   OUT/esm  ES modules and their declarations, one file per source module (tsc)
//   OUT/cjs  CommonJS (esbuild over the ESM output) beside a copy of the declarations, marked {"type":"commonjs"}
//            so TypeScript reads them as CommonJS declarations for `require` consumers
// Usage: node scripts/build.mjs [OUT] [--js-only]
//   --js-only  the modules without declarations, transpiled by esbuild instead of tsc (for the package test, which
//              runs beside `npm test`'s typecheck; the packed package is always built in full)
import * as esbuild from "esbuild"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const jsOnly = args.includes("--js-only")
const out = path.resolve(root, args.find((arg) => !arg.startsWith("--")) ?? "dist")
const esm = path.join(out, "esm")
const cjs = path.join(out, "cjs")

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === "node_modules"
      ? []
      : entry.isDirectory()
      ? walk(path.join(dir, entry.name))
      : [path.join(dir, entry.name)]
  )

fs.rmSync(out, { recursive: true, force: true })
if (jsOnly) {
  const src = path.join(root, "src")
  await esbuild.build({
    entryPoints: walk(src).filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")),
    outdir: esm,
    outbase: src,
    format: "esm",
    platform: "node",
    target: "node22",
    bundle: false,
    logLevel: "warning"
  })
} else {
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", esm],
    { cwd: root, stdio: "inherit" }
  )
}
const files = walk(esm)
await esbuild.build({
  entryPoints: files.filter((file) => file.endsWith(".js")),
  outdir: cjs,
  outbase: esm,
  format: "cjs",
  platform: "node",
  target: "node22",
  bundle: false,
  sourcemap: true,
  logLevel: "warning"
})
for (const file of files.filter((file) => file.endsWith(".d.ts") || file.endsWith(".d.ts.map"))) {
  const target = path.join(cjs, path.relative(esm, file))
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.copyFileSync(file, target)
}
fs.writeFileSync(path.join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n")
fs.chmodSync(path.join(esm, "cli/bin.js"), 0o755)
console.log(`built ${files.filter((file) => file.endsWith(".js")).length} modules into ${path.relative(root, out)}`)
