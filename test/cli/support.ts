import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { main } from "../../src/cli/Main.js"

export interface Run {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the CLI in this process, as `npm run cli` would with `env` as its environment: output is captured from
 * Effect's Console and the settings are read from a ConfigProvider over `env`.
 */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Effect.Effect<Run> =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const status = yield* Console.consoleWith((base) =>
      main(args).pipe(
        Effect.withConsole({
          ...base,
          log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stdout.push(parts.join(" "))),
          error: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void stderr.push(parts.join(" ")))
        }),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
    )
    return {
      status,
      stdout: stdout.map((line) => `${line}\n`).join(""),
      stderr: stderr.map((line) => `${line}\n`).join("")
    }
  })

export const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line))
