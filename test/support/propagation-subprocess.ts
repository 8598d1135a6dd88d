/**
 * Runs a test/support script in a fresh Node process (bundled, see childScript.ts), so dd-trace's process-wide singleton
 * of the test process is untouched. Returns the JSON the script prints on its last line.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import { bundled } from "./childScript.js"

const run = promisify(execFile)

const root = path.resolve(import.meta.dirname, "../..")

/** Runs `test/support/<script>` with `args` and extra environment; parses its last output line as JSON. */
export const runScript = async (
  script: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {}
): Promise<unknown> => {
  const { stdout } = await run(
    process.execPath,
    [await bundled(path.join("test/support", script)), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 60_000
    }
  )
  const lines = stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1])
}
