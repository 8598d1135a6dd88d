/**
 * `extract [--json] [--context FILE] [--propagator native|dd-trace] FILE...`
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as DdTracePropagator from "../layers/DdTracePropagator.js"
import * as DefaultChain from "../layers/DefaultChain.js"
import * as NativePropagator from "../layers/NativePropagator.js"
import { ExtractorChain } from "../services/ExtractorChain.js"
import type { Propagator } from "../services/Propagator.js"
import * as Report from "./Report.js"

const json = Options.boolean("json").pipe(Options.withDescription("one JSON object per input file, one per line"))
const context = Options.text("context").pipe(
  Options.withDescription("a Lambda context JSON file (clientContext.custom, ...)"),
  Options.optional
)
const propagator = Options.choice("propagator", ["native", "dd-trace"]).pipe(
  Options.withDescription("native parsing, or the dd-trace package (initialised by the CLI)"),
  Options.withDefault("native" as const)
)
const files = Args.text({ name: "FILE" }).pipe(Args.atLeast(1))

const errorLine = (file: string, reason: string) => Console.error(`error: ${file}: ${reason}`)

const readJson = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(
      Effect.mapError((error) =>
        error._tag === "SystemError" && error.reason === "NotFound" ? "file not found" : error.message
      )
    )
    return yield* Either.try({ try: () => JSON.parse(text) as unknown, catch: () => "not valid JSON" })
  })

/**
 * Initialises dd-trace for the CLI process (the CLI is the app here), offline unless the environment says
 * otherwise.
 */
const ddTraceLayer: Layer.Layer<Propagator> = Layer.unwrapEffect(
  Effect.gen(function*() {
    const defaults: Record<string, string> = {
      DD_TRACE_STARTUP_LOGS: "false",
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
      DD_REMOTE_CONFIG_ENABLED: "false",
      DD_TRACE_ENABLED: "true"
    }
    for (const key in defaults) process.env[key] ??= defaults[key]
    const tracer = yield* DdTracePropagator.resolveGlobal
    yield* Effect.sync(() => (tracer as unknown as { init: (options: object) => unknown }).init({ plugins: false }))
    return DdTracePropagator.layer(tracer)
  }).pipe(Effect.orDie)
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "extract",
  { json, context, propagator, files },
  (options) =>
    Effect.gen(function*() {
      let failed = false
      let lambdaContext: unknown = undefined
      if (Option.isSome(options.context)) {
        const read = yield* Effect.either(readJson(options.context.value))
        if (Either.isLeft(read)) {
          yield* errorLine(options.context.value, read.left)
          return yield* Effect.sync(() => {
            process.exitCode = 2
          })
        }
        lambdaContext = read.right
      }
      const chain = yield* ExtractorChain
      const lines: Array<Report.JsonLine> = []
      for (const file of options.files) {
        const read = yield* Effect.either(readJson(file))
        if (Either.isLeft(read)) {
          failed = true
          yield* errorLine(file, read.left)
          continue
        }
        const line = Report.toJsonLine(file, yield* chain.extract(read.right, lambdaContext))
        if (options.json) yield* Console.log(JSON.stringify(line))
        else lines.push(line)
      }
      if (!options.json && lines.length > 0) yield* Console.log(Report.table(lines))
      if (failed) yield* Effect.sync(() => (process.exitCode = 2))
    }).pipe(
      Effect.provide(
        DefaultChain.layer.pipe(
          Layer.provide(options.propagator === "dd-trace" ? ddTraceLayer : NativePropagator.layerConfig)
        )
      )
    )
).pipe(Command.withDescription("find the upstream Datadog trace context of Lambda event files"))
