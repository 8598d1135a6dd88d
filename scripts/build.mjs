// Builds the publishable package:
//   dist/esm  ES modules, one file per source module (tsc)
//   dist/dts  type declarations (tsc)
//   dist/cjs  CommonJS, one file per module (esbuild over the ESM output), marked {"type":"commonjs"}
import * as esbuild from "esbuild"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = path.join(root, "dist")

fs.rmSync(dist, { recursive: true, force: true })
execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit"
})

const esm = path.join(dist, "esm")
const cjs = path.join(dist, "cjs")
const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]
  )
const modules = walk(esm).filter((file) => file.endsWith(".js"))
await esbuild.build({
  entryPoints: modules,
  outdir: cjs,
  outbase: esm,
  format: "cjs",
  platform: "node",
  target: "node20",
  bundle: false,
  sourcemap: true,
  logLevel: "warning"
})
fs.writeFileSync(path.join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n")
fs.chmodSync(path.join(esm, "cli/bin.js"), 0o755)
console.log(`built ${modules.length} modules into dist/{esm,cjs,dts}`)
