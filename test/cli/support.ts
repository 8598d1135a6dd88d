import { spawnSync } from "node:child_process"
import * as path from "node:path"

export const root = path.resolve(import.meta.dirname, "../..")

export interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI from source in a fresh Node process, as `npm run cli` does. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Run => {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/bin.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line))
