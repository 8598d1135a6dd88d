/**
 * The native propagator: Datadog, W3C and B3 parsing as dd-trace does it, with no dd-trace at all.
 * {@link layerConfig} reads dd-trace's own settings (`DD_TRACE_PROPAGATION_STYLE_EXTRACT`, ...).
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, NativePropagator } from "effect-datadog-lambda/effect4"
 *
 * const chain = DefaultChain.layer.pipe(Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorName } from "../../internal/extractorName.js"
import * as DatadogHeaders from "../../internal/propagation/datadogHeaders.js"
import * as NativeExtraction from "../../internal/propagation/nativeExtraction.js"
import * as TraceContext from "../domain/TraceContext.js"
import { Propagator } from "../services/Propagator.js"

/**
 * Options of the native propagator; every field defaults to dd-trace's default. `b3` is what the `b3` style
 * reads: `"single"` (the `b3` header, as dd-trace 6 always does; the default) or `"multi"` (`x-b3-*`).
 *
 * @since 0.2.0
 * @category models
 */
export type Options = NativeExtraction.Settings

const extractWith = (carrier: unknown, options: NativeExtraction.Options, source: ExtractorName) => {
  const fields = NativeExtraction.extractUnknown(carrier, options, source)
  return Effect.succeed(fields === undefined ? Option.none() : Option.some(TraceContext.make(fields)))
}

/**
 * Builds the service.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Propagator.Service => {
  const { configured, datadogOnly } = NativeExtraction.resolve(options)
  return {
    extract: (carrier, source) => extractWith(carrier, configured, source),
    extractDatadog: (carrier, source) => extractWith(carrier, datadogOnly, source),
    inject: (context) => Effect.succeed(DatadogHeaders.inject(TraceContext.toFields(context)))
  }
}

/**
 * The propagator with explicit options.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Propagator> => Layer.succeed(Propagator, make(options))

// An unreadable setting keeps dd-trace's default, as dd-trace itself does.
const optional = <A>(config: Config.Config<A>, name: string): Effect.Effect<A | undefined> =>
  Config.option(config).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.catch((error) => Effect.as(Effect.logDebug(`ignoring invalid ${name}`, error), undefined))
  )

/**
 * The propagator configured as dd-trace is: `DD_TRACE_PROPAGATION_STYLE_EXTRACT` (else `DD_TRACE_PROPAGATION_STYLE`,
 * else `OTEL_PROPAGATORS`), `DD_TRACE_PROPAGATION_EXTRACT_FIRST` and `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Propagator> = Layer.effect(
  Propagator,
  Effect.gen(function*() {
    const setting = (name: string) => optional(Config.String(name), name)
    const extractFirst = yield* optional(
      Config.Boolean("DD_TRACE_PROPAGATION_EXTRACT_FIRST"),
      "DD_TRACE_PROPAGATION_EXTRACT_FIRST"
    )
    const maxTagsLength = yield* optional(
      Config.Int("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH"),
      "DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH"
    )
    return make({
      extractStyles: NativeExtraction.stylesFrom(
        yield* setting("DD_TRACE_PROPAGATION_STYLE_EXTRACT"),
        yield* setting("DD_TRACE_PROPAGATION_STYLE"),
        yield* setting("OTEL_PROPAGATORS")
      ),
      extractFirst,
      maxTagsLength: maxTagsLength !== undefined && maxTagsLength >= 0 ? maxTagsLength : undefined
    })
  })
)
