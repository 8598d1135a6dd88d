/**
 * `extract [--json] [--context FILE] [--propagator native|dd-trace] FILE...`
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as fs from "node:fs/promises"
import { parseArgs } from "node:util"
import * as DdTracePropagator from "../layers/DdTracePropagator.js"
import * as DefaultChain from "../layers/DefaultChain.js"
import * as NativePropagator from "../layers/NativePropagator.js"
import { ExtractorChain } from "../services/ExtractorChain.js"
import type { Propagator } from "../services/Propagator.js"
import * as Report from "./Report.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly json: boolean
  readonly context: string | undefined
  readonly propagator: "native" | "dd-trace"
  readonly files: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category constants
 */
export const usage =
  "usage: effect-datadog-lambda extract [--json] [--context FILE] [--propagator native|dd-trace] FILE..."

/**
 * @since 0.1.0
 * @category constants
 */
export const help = `${usage}

Finds the upstream Datadog trace context of Lambda event files with the default extractor chain.

  --json                          one JSON object per input file, one per line
  --context FILE                  a Lambda context JSON file (clientContext.custom, xRayTraceId, ...)
  --propagator native|dd-trace    native parsing (default), or the dd-trace package, initialised by the CLI

Exit status: 0 when every file was read (found or not), 2 when a file is missing or not JSON.`

/**
 * Reads the command's arguments; a usage error is the message to print.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (args: ReadonlyArray<string>): Either.Either<Options, string> => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        context: { type: "string" },
        propagator: { type: "string", default: "native" }
      }
    })
  } catch (error) {
    return Either.left(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.propagator !== "native" && values.propagator !== "dd-trace") {
    return Either.left(`--propagator must be native or dd-trace, not ${JSON.stringify(values.propagator)}`)
  }
  if (positionals.length === 0) return Either.left("no event FILE given")
  return Either.right({
    json: values.json,
    context: values.context,
    propagator: values.propagator,
    files: positionals
  })
}

/** Larger files are refused rather than half-read: no Lambda event comes near it. */
const MAX_FILE_BYTES = 256 * 1024 * 1024

const readJson = (file: string): Effect.Effect<unknown, string> =>
  Effect.tryPromise({
    try: async () => {
      const handle = await fs.open(file, "r")
      try {
        const { size } = await handle.stat()
        if (size > MAX_FILE_BYTES) return Either.left(`too large (${size} bytes; the limit is ${MAX_FILE_BYTES})`)
        return Either.right(await handle.readFile("utf8"))
      } finally {
        await handle.close()
      }
    },
    catch: (error) =>
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "file not found"
        : `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`
  }).pipe(
    Effect.flatMap((text) => text),
    Effect.flatMap((text) => Either.try({ try: () => JSON.parse(text) as unknown, catch: () => "not valid JSON" }))
  )

const errorLine = (file: string, reason: string) => Console.error(`error: ${file}: ${reason}`)

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
 * Runs the command; the result is the process exit code.
 *
 * @since 0.1.0
 * @category commands
 */
export const run = (options: Options): Effect.Effect<number> =>
  Effect.gen(function*() {
    let lambdaContext: unknown = undefined
    if (options.context !== undefined) {
      const read = yield* Effect.either(readJson(options.context))
      if (Either.isLeft(read)) {
        yield* errorLine(options.context, read.left)
        return 2
      }
      lambdaContext = read.right
    }
    const chain = yield* ExtractorChain
    const lines: Array<Report.JsonLine> = []
    let failed = false
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
    return failed ? 2 : 0
  }).pipe(
    Effect.provide(
      DefaultChain.layer.pipe(
        Layer.provide(options.propagator === "dd-trace" ? ddTraceLayer : NativePropagator.layerConfig)
      )
    )
  )
