// Bundles a script that tests run in a child process with esbuild, packages left external, so the child starts on
// plain `node`: each source file keeps its own `import.meta.dirname` and `import.meta.url`. A package the bundle
// imports resolves from where the bundle is written, so the folder of `outfile` decides which `effect` it gets
// (childScript.ts for the package root's tests, test/effect4/support/childScript.ts for the Effect 4 line's).
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"

/** The repository's root. */
export const root = path.resolve(import.meta.dirname, "../..")

const sourceLocation: esbuild.Plugin = {
  name: "source-location",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await fs.promises.readFile(args.path, "utf8"))
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
      loader: "ts"
    }))
  }
}

/** Bundles `script` (a path from the repository's root) into `outfile`. */
export const bundle = async (script: string, outfile: string): Promise<string> => {
  await esbuild.build({
    entryPoints: [path.join(root, script)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    plugins: [sourceLocation],
    logLevel: "warning"
  })
  return outfile
}

/** The file name of a script's bundle in a folder of bundles. */
export const bundleName = (script: string): string =>
  `${process.pid}-${script.replace(/[/\\]/g, "_").replace(/\.ts$/, ".mjs")}`
