/**
 * Runs a test/support script in a fresh Node process (`node --import tsx`), so dd-trace's process-wide singleton
 * of the test process is untouched. Returns the JSON the script prints on its last line.
 */
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"

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
    ["--import", "tsx", path.join(root, "test/support", script), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 60_000
    }
  )
  const lines = stdout.trim().split("\n")
  return JSON.parse(lines[lines.length - 1])
}
