// Scripts that tests run in a child process (dd-trace's process-wide state, its ESM hook) are bundled once per test
// process with esbuild, packages left external, so the child starts on plain `node` instead of a TypeScript loader
// that every module dd-trace and the SDKs load would go through. The bundles live in the run's temporary folder
// (globalSetup.ts); each source file keeps its own `import.meta.dirname` and `import.meta.url`.
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { inject } from "vitest"

const root = path.resolve(import.meta.dirname, "../..")

const built = new Map<string, Promise<string>>()

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

/** The bundled form of `script` (a path from the repository's root), built on first use. */
export const bundled = (script: string): Promise<string> => {
  let file = built.get(script)
  if (file === undefined) {
    const outfile = path.join(
      inject("childScripts"),
      `${process.pid}-${script.replace(/[/\\]/g, "_").replace(/\.ts$/, ".mjs")}`
    )
    file = esbuild.build({
      entryPoints: [path.join(root, script)],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      packages: "external",
      plugins: [sourceLocation],
      logLevel: "warning"
    }).then(() => outfile)
    built.set(script, file)
  }
  return file
}
