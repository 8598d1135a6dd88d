#!/usr/bin/env node
/**
 * The `effect-datadog-lambda` command line.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ExtractCommand from "./ExtractCommand.js"

const root = Command.make("effect-datadog-lambda").pipe(Command.withSubcommands([ExtractCommand.command]))

const run = Command.run(root, { name: "effect-datadog-lambda", version: "0.1.0" })

const program = Effect.suspend(() => run(process.argv)).pipe(
  Effect.catchAllCause((cause) =>
    Cause.isInterruptedOnly(cause) ? Effect.void : Effect.gen(function*() {
      const failure = Cause.failureOption(cause)
      // @effect/cli has already printed validation errors; anything else gets one line, never a stack trace.
      if (failure._tag === "None" || !isValidationError(failure.value)) {
        yield* Console.error(
          `error: ${
            Cause.squash(cause) instanceof Error ? (Cause.squash(cause) as Error).message : "unexpected failure"
          }`
        )
      }
      process.exitCode = 2
    })
  ),
  Effect.provide(NodeContext.layer)
)

function isValidationError(value: unknown): boolean {
  return typeof value === "object" && value !== null && "_tag" in value &&
    typeof (value as { _tag: unknown })._tag === "string" && "error" in value
}

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(Exit.isFailure(exit) ? 2 : Number(process.exitCode ?? 0))
})
