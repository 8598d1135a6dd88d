/**
 * The `effect-datadog-lambda` command line, as a function of its arguments: output goes through Effect's
 * `Console`, the result is the exit code.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { VERSION } from "../internal/version.js"
import * as ExtractCommand from "./ExtractCommand.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const version: string = VERSION

const usageError = (message: string) => Console.error(`error: ${message}\n${ExtractCommand.usage}`).pipe(Effect.as(2))

/**
 * Runs the command line on `args` (the process arguments after the script).
 *
 * @since 0.1.0
 * @category commands
 */
export const main = (args: ReadonlyArray<string>): Effect.Effect<number> => {
  const [command, ...rest] = args
  if (command === "--version") return Console.log(version).pipe(Effect.as(0))
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    return Console.log(ExtractCommand.help).pipe(Effect.as(command === undefined ? 2 : 0))
  }
  if (command !== "extract") return usageError(`unknown command ${JSON.stringify(command)}`)
  if (rest.includes("--help") || rest.includes("-h")) return Console.log(ExtractCommand.help).pipe(Effect.as(0))
  return Either.match(ExtractCommand.parse(rest), {
    onLeft: usageError,
    onRight: (options) =>
      ExtractCommand.run(options).pipe(
        // Anything unexpected gets one line, never a stack trace.
        Effect.catchAllCause((cause) => {
          const error = Cause.squash(cause)
          return Console.error(`error: ${error instanceof Error ? error.message : "unexpected failure"}`).pipe(
            Effect.as(2)
          )
        })
      )
  })
}
