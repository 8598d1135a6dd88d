/**
 * The final fallback: the invocation's X-Ray header. It is read from the Lambda context's `xRayTraceId` when the
 * runtime sets it (the only per-invocation source under multi-concurrency, where `_X_AMZN_TRACE_ID` is process-wide
 * and unset), else from `_X_AMZN_TRACE_ID` through the `ConfigProvider` in place. A root Datadog wrote
 * (`Root=1-<epoch>-00000000<16 hex>`) gives Datadog's ids and sampling decision; any other header is converted as
 * datadog-lambda-js does, but without a sampling priority: X-Ray's `Sampled` is not a Datadog decision.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExtractionError } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { XRayExtractor } from "../../services/Extractors.js"
import type { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as XRayHeader from "../propagation/xRayHeader.js"

/** The environment variable read. */
export const ENV = "_X_AMZN_TRACE_ID"

/** The Lambda context field read first (see the module comment). */
export const CONTEXT_FIELD = "xRayTraceId"

/**
 * The header the Lambda context carries: the string; `null` when the context has the field but no value (the
 * invocation has no trace header); `undefined` when the context has no such field (or a value of another type),
 * and the environment decides.
 */
export const contextHeader = (lambdaContext: unknown): string | null | undefined => {
  if (typeof lambdaContext !== "object" || lambdaContext === null) return undefined
  const value = (lambdaContext as { readonly xRayTraceId?: unknown }).xRayTraceId
  if (typeof value === "string") return value
  return value === null || (value === undefined && CONTEXT_FIELD in lambdaContext) ? null : undefined
}

/**
 * The invocation's header as a reader sees it: the Lambda context's when the context carries the field (see
 * {@link contextHeader}), else what `read` reads. A blank header is returned as is.
 */
export const invocationHeader = (lambdaContext: unknown, read: HeaderReader): Effect.Effect<Option.Option<string>> => {
  const header = contextHeader(lambdaContext)
  if (header === undefined) return read()
  return Exit.succeed(header === null ? Option.none() : Option.some(header))
}

// Built on first use: this module is imported on every cold start.
const configured = () => Config.option(Config.string(ENV)).pipe(Effect.orElseSucceed(() => Option.none<string>()))

/** The default provider (the environment); any other provider is read through `Config`. */
const isEnvProvider = (provider: ConfigProvider.ConfigProvider): boolean =>
  provider === Context.get(DefaultServices.liveServices, ConfigProvider.ConfigProvider)

// The process object, looked up once: in Node the global `process` is an accessor on `globalThis`, and calling it
// on every invocation cost more than reading the variable itself.
const processObject: { readonly env?: unknown } | undefined = typeof process === "object" && process !== null
  ? process
  : undefined

/** `process.env[ENV]` as `ConfigProvider.fromEnv` reads it (the value as is; `undefined` when unset). */
const fromEnv = (): string | undefined => {
  const env = processObject?.env
  if (typeof env !== "object" || env === null) return undefined
  const value = (env as Readonly<Record<string, unknown>>)[ENV]
  return typeof value === "string" ? value : undefined
}

/** Reads `_X_AMZN_TRACE_ID` once per call: `None` when unset (or unreadable). */
export type HeaderReader = () => Effect.Effect<Option.Option<string>>

/** Reads the header from the environment: the result is an already completed effect. */
export const envHeaderReader: HeaderReader = () => Effect.succeed(Option.fromNullable(fromEnv()))

/** The reader over a given provider: {@link envHeaderReader} for the default one, else `Config` on that provider. */
export const headerReaderFor = (provider: ConfigProvider.ConfigProvider): HeaderReader => {
  if (isEnvProvider(provider)) return envHeaderReader
  const read = Effect.withConfigProvider(configured(), provider)
  return () => read
}

/** The reader over the current `ConfigProvider`. */
export const headerReader: Effect.Effect<HeaderReader> = Effect.configProviderWith((provider) =>
  Effect.succeed(headerReaderFor(provider))
)

/** Where a header was read: the Lambda context's `xRayTraceId`, or the `_X_AMZN_TRACE_ID` variable. */
export type HeaderSource = "context" | "environment"

const SOURCE_NAME: Readonly<Record<HeaderSource, string>> = {
  context: `the Lambda context's ${CONTEXT_FIELD}`,
  environment: ENV
}

const NOT_SET_EXIT = {
  context: Exit.succeed(TraceExtractor.noneWith(`${SOURCE_NAME.context} is not set`)),
  environment: Exit.succeed(TraceExtractor.noneWith(`${SOURCE_NAME.environment} is not set`))
} as const

const malformedFrom = (source: HeaderSource) =>
  Exit.fail(
    new ExtractionError({
      extractor: "xray",
      reason: "MalformedCarrier",
      detail: `${SOURCE_NAME[source]} is not an X-Ray header with a well-formed Root and Parent (or its ids are zero)`
    })
  )

/** The extract function on a header value; `source` says where it was read, for the attempt's text. */
export const fromHeader = (
  header: string,
  source: HeaderSource = "environment"
): Effect.Effect<TraceExtractor.Extracted, ExtractionError> => {
  if (header.trim() === "") return NOT_SET_EXIT[source]
  const parsed = XRayHeader.parse(header)
  if (parsed === undefined) return malformedFrom(source)
  const padded = XRayHeader.isDatadogPadded(parsed)
  const fields = padded
    ? XRayHeader.datadogContext(parsed, "xray")
    : XRayHeader.fallbackContext(parsed, "xray")
  if (fields === undefined) return malformedFrom(source)
  return Effect.succeed(TraceExtractor.found(TraceContext.make(fields), {
    notes: [
      padded
        ? "Datadog-written X-Ray root: Datadog ids, Sampled trusted"
        : "X-Ray ids converted (trace id = root mod 2^63); Sampled not used as a Datadog decision"
    ]
  }))
}

const onHeader = (header: Option.Option<string>): Effect.Effect<TraceExtractor.Extracted, ExtractionError> =>
  Option.isNone(header) ? NOT_SET_EXIT.environment : fromHeader(header.value, "environment")

/** The environment's case, on every invocation: the variable read, and a constant result when it is unset. */
const fromEnvironment = (): Effect.Effect<TraceExtractor.Extracted, ExtractionError> => {
  const header = fromEnv()
  return header === undefined ? NOT_SET_EXIT.environment : fromHeader(header, "environment")
}

/**
 * The extractor over a header reader, which it reads only when the Lambda context carries no `xRayTraceId` field.
 * Under {@link envHeaderReader} its result is an already completed effect.
 */
export const makeWith = (read: HeaderReader): TraceExtractor.TraceExtractor => {
  const fromConfig = read === envHeaderReader ? fromEnvironment : () => Completed.flatMap(read(), onHeader)
  return TraceExtractor.make({
    name: "xray",
    extract: (_event, lambdaContext) => {
      const header = contextHeader(lambdaContext)
      if (header === undefined) return fromConfig()
      return header === null ? NOT_SET_EXIT.context : fromHeader(header, "context")
    }
  })
}

/**
 * The extractor over the environment (it needs no service). It has no `accepts` guard: the header comes from
 * configuration, which a pure guard cannot read.
 */
export const extractor: TraceExtractor.TraceExtractor = makeWith(envHeaderReader)

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.map(headerReader, makeWith)

export const layer: Layer.Layer<XRayExtractor, never, Propagator> = Layer.effect(XRayExtractor, make)
