/**
 * The invocation's X-Ray header on Effect 3: `_X_AMZN_TRACE_ID` through the `ConfigProvider` in place, read
 * straight from the environment under the default provider. The X-Ray and SNS programs (`triggers/definitions.ts`)
 * ask for it only when the Lambda context carries no `xRayTraceId` field.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as XRayHeader from "../propagation/xRayHeader.js"

/** The environment variable read. */
export const ENV = XRayHeader.ENV

/** Reads `_X_AMZN_TRACE_ID` once per call: `None` when unset (or unreadable). */
export type HeaderReader = () => Effect.Effect<Option.Option<string>>

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

/** The reader of the default provider: the environment, read directly (an already completed effect). */
export const envHeaderReader: HeaderReader = () => Effect.succeed(Option.fromNullable(fromEnv()))

/** The reader for a provider: {@link envHeaderReader} for the default one, else `Config` under `provider`. */
export const headerReaderFor = (provider: ConfigProvider.ConfigProvider): HeaderReader => {
  if (isEnvProvider(provider)) return envHeaderReader
  const read = Effect.withConfigProvider(configured(), provider)
  return () => read
}

/** The reader for the `ConfigProvider` in place. */
export const headerReader: Effect.Effect<HeaderReader> = Effect.configProviderWith((provider) =>
  Effect.succeed(headerReaderFor(provider))
)
