// Scripts that tests run in a child process (dd-trace's process-wide state, its ESM hook) are bundled once per test
// process (bundle.ts), so the child starts on plain `node` instead of a TypeScript loader that every module dd-trace
// and the SDKs load would go through. The bundles live in the run's temporary folder (globalSetup.ts), beside a link
// to the repository's node_modules.
import * as path from "node:path"
import { inject } from "vitest"
import { bundle, bundleName } from "./bundle.js"

const built = new Map<string, Promise<string>>()

/** The bundled form of `script` (a path from the repository's root), built on first use. */
export const bundled = (script: string): Promise<string> => {
  let file = built.get(script)
  if (file === undefined) {
    file = bundle(script, path.join(inject("childScripts"), bundleName(script)))
    built.set(script, file)
  }
  return file
}
