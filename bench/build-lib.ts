/**
 * Builds the library into `.bench-out/` (git-ignored) for the cold-start and profiling benchmarks, without
 * touching `dist/`:
 * - `esm/`: the plain form, one ES module per source file;
 * - `bundle/index.mjs`: the bundled form, `src/index.ts` and its dependencies (effect included, dd-trace left
 *   out) as one minified ES module (esbuild), as an app bundling its Lambda would ship it.
 *
 *   npx tsx bench/build-lib.ts
 */
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Where the builds go. */
export const out = path.join(root, ".bench-out")

const sources = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")
      ? [path.join(dir, entry.name)]
      : []
  )

/**
 * Compiles every `src` module into `.bench-out/esm`, one ES module per file (esbuild, no bundling: the same module
 * graph `npm run build` emits with tsc, built in a second and regardless of type errors elsewhere in the tree).
 */
export const buildPlain = async (): Promise<string> => {
  const dir = path.join(out, "esm")
  fs.rmSync(dir, { recursive: true, force: true })
  await esbuild.build({
    entryPoints: sources(path.join(root, "src")),
    outdir: dir,
    outbase: path.join(root, "src"),
    bundle: false,
    format: "esm",
    platform: "node",
    target: "es2022",
    logLevel: "warning"
  })
  return path.join(dir, "index.js")
}

/** One minified single-file bundle of an entry point. */
export const bundle = async (options: {
  readonly entry: string
  readonly outfile: string
  readonly format: "esm" | "cjs"
  readonly external: ReadonlyArray<string>
}): Promise<string> => {
  await esbuild.build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    minify: true,
    format: options.format,
    platform: "node",
    target: "node20",
    external: [...options.external],
    logLevel: "warning"
  })
  return options.outfile
}

/**
 * Bundles `src/index.ts` into `.bench-out/bundle/index.mjs`. Externals as for the peer's bundle: dd-trace and the
 * AWS SDK (the Lambda runtime provides it), and the durable execution SDK, an optional peer that only
 * `DurableTracing` loads, on first use (an app using it bundles it for its own handler anyway).
 */
export const buildBundle = (): Promise<string> =>
  bundle({
    entry: path.join(root, "src/index.ts"),
    outfile: path.join(out, "bundle/index.mjs"),
    format: "esm",
    external: ["dd-trace", "@aws-sdk/*", "@aws/durable-execution-sdk-js"]
  })

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const plain = await buildPlain()
  const bundled = await buildBundle()
  process.stdout.write(`plain: ${plain}\nbundled: ${bundled} (${fs.statSync(bundled).size} bytes)\n`)
}
