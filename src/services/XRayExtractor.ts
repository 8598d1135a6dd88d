/**
 * The final fallback: the X-Ray header in `_X_AMZN_TRACE_ID`, read through the current `ConfigProvider` on every
 * invocation (Lambda sets it per request). Under the default provider (the environment) it is read straight from
 * `process.env`, which gives the same value as `Config` without its per-call cost.
 *
 * - A root Datadog wrote (`Root=1-<epoch>-00000000<16 hex>`, dd-trace-java's X-Ray propagation) gives the
 *   Datadog ids, and its `Sampled` is trusted as Datadog's decision (`1` → 1, `0` → 0).
 * - Any other header is converted as datadog-lambda-js does (trace id = root mod 2^63, parent = `Parent`), but with
 *   no sampling priority: X-Ray's `Sampled` is not a Datadog decision (datadog-lambda-js turns it into 2 / -1).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExtractionError } from "../domain/Errors.js"
import * as XRayHeader from "../domain/XRayHeader.js"
import type { Propagator } from "./Propagator.js"
import * as TraceExtractor from "./TraceExtractor.js"

/**
 * @since 0.1.0
 * @category services
 */
export class XRayExtractor
  extends Context.Tag("effect-datadog-lambda/XRayExtractor")<XRayExtractor, TraceExtractor.TraceExtractor>()
{}

/**
 * The environment variable read.
 *
 * @since 0.1.0
 * @category constants
 */
export const ENV = "_X_AMZN_TRACE_ID"

const configured = Config.option(Config.string(ENV)).pipe(Effect.orElseSucceed(() => Option.none<string>()))

/** The default provider (the environment); a provider set with `withConfigProvider` is read through `Config`. */
const envProvider = Context.get(DefaultServices.liveServices, ConfigProvider.ConfigProvider)

/** `process.env[ENV]` as `ConfigProvider.fromEnv` reads it (the value as is; `undefined` when unset). */
const fromEnv = (): string | undefined =>
  typeof process === "object" && process !== null && typeof process.env === "object" ? process.env[ENV] : undefined

/**
 * `_X_AMZN_TRACE_ID` read per invocation from the current `ConfigProvider`: `None` when unset (or unreadable).
 *
 * @since 0.1.0
 * @category extraction
 */
export const traceHeader: Effect.Effect<Option.Option<string>> = Effect.configProviderWith((provider) =>
  provider === envProvider ? Effect.succeed(Option.fromNullable(fromEnv())) : configured
)

const NOT_SET = TraceExtractor.noneWith(`${ENV} is not set`)
const malformed = new ExtractionError({
  extractor: "xray",
  reason: "MalformedCarrier",
  detail: `${ENV} is not an X-Ray header with a well-formed Root and Parent (or its ids are zero)`
})

/**
 * The extract function on a header value.
 *
 * @since 0.1.0
 * @category extraction
 */
export const fromHeader = (header: string): Effect.Effect<TraceExtractor.Extracted, ExtractionError> => {
  if (header.trim() === "") return Effect.succeed(NOT_SET)
  const parsed = XRayHeader.parse(header)
  if (parsed === undefined) return Effect.fail(malformed)
  const padded = XRayHeader.isDatadogPadded(parsed)
  const context = padded
    ? XRayHeader.datadogContext(parsed, "xray")
    : XRayHeader.fallbackContext(parsed, "xray")
  if (context === undefined) return Effect.fail(malformed)
  return Effect.succeed(TraceExtractor.found(context, {
    notes: [
      padded
        ? "Datadog-written X-Ray root: Datadog ids, Sampled trusted"
        : "X-Ray ids converted (trace id = root mod 2^63); Sampled not used as a Datadog decision"
    ]
  }))
}

/**
 * The extractor (it needs no service). It has no `accepts` guard: the header comes from configuration, which a pure
 * guard cannot read.
 *
 * @since 0.1.0
 * @category constructors
 */
export const extractor: TraceExtractor.TraceExtractor = TraceExtractor.make(
  "xray",
  () =>
    Effect.configProviderWith((provider) => {
      if (provider !== envProvider) {
        return Effect.flatMap(configured, Option.match({ onNone: () => Effect.succeed(NOT_SET), onSome: fromHeader }))
      }
      const header = fromEnv()
      return header === undefined ? Effect.succeed(NOT_SET) : fromHeader(header)
    })
)

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.succeed(extractor)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<XRayExtractor, never, Propagator> = Layer.effect(XRayExtractor, make)
