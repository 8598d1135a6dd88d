// Runs the end-to-end driver in one child process against a test agent (child.ts), and collects what the agent
// received.
import * as path from "node:path"
import { bundled } from "../childScript.js"
import type * as TestAgent from "../TestAgent.js"
import type { Report } from "./cases.js"
import { type Outcome as ChildOutcome, runChild } from "./child.js"

export { chunkOf, hasAll } from "./child.js"

export type Outcome<R = Report> = ChildOutcome<R>

/**
 * Runs `driver.ts` (or `script`, a path under test/support/e2e) bundled, with dd-trace pointed at a fresh agent
 * (see `runChild`), the sample rate as its argument.
 */
export const runDriver = async <R = Report>(options: {
  readonly sampleRate: "0" | "1"
  readonly protocol: "0.4" | "0.5"
  readonly complete: (chunks: ReadonlyArray<TestAgent.Chunk>, report: R) => boolean
  readonly script?: string
}): Promise<Outcome<R>> =>
  runChild<R>({
    file: await bundled(path.join("test/support/e2e", options.script ?? "driver.ts")),
    args: [options.sampleRate],
    sampleRate: options.sampleRate,
    protocol: options.protocol,
    complete: options.complete
  })
