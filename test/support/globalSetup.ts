// One temporary folder per run for the bundled child-process scripts (see childScript.ts), beside a link to the
// repository's node_modules; removed when the run ends.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    readonly childScripts: string
  }
}

export default function setup(project: TestProject): () => void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "edl-child-scripts-"))
  fs.symlinkSync(path.resolve(import.meta.dirname, "../../node_modules"), path.join(folder, "node_modules"), "dir")
  project.provide("childScripts", folder)
  return () => fs.rmSync(folder, { recursive: true, force: true })
}
