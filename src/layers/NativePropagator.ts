/**
 * The native propagator: Datadog, W3C and B3 parsing as dd-trace does it, with no dd-trace at all.
 * {@link layerConfig} reads dd-trace's own settings (`DD_TRACE_PROPAGATION_STYLE_EXTRACT`, ...).
 *
 * @example
 * ```ts
 * import * as Layer from "effect/Layer"
 * import { DefaultChain, NativePropagator } from "effect-datadog-lambda"
 *
 * const chain = DefaultChain.layer.pipe(Layer.provide(NativePropagator.layerConfig))
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TraceContext from "../domain/TraceContext.js"
import type { ExtractorName } from "../internal/extractorName.js"
import * as DatadogHeaders from "../internal/propagation/datadogHeaders.js"
import * as NativeExtraction from "../internal/propagation/nativeExtraction.js"
import type * as PropagationStyle from "../internal/propagation/propagationStyle.js"
import { Propagator } from "../services/Propagator.js"

/**
 * Options of the native propagator; every field defaults to dd-trace's default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Styles tried in order (`DD_TRACE_PROPAGATION_STYLE_EXTRACT`); default `datadog, tracecontext, baggage`. */
  readonly extractStyles?: ReadonlyArray<PropagationStyle.Style> | undefined
  /** `DD_TRACE_PROPAGATION_EXTRACT_FIRST`; default `false`. */
  readonly extractFirst?: boolean | undefined
  /** `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH`; default 512, 0 ignores `x-datadog-tags`. */
  readonly maxTagsLength?: number | undefined
  /**
   * What the `b3` style reads: `"single"` (the `b3` header, as dd-trace 6 always does; the default) or `"multi"`
   * (`x-b3-*`, what dd-trace 5 read when the styles came from `DD_TRACE_PROPAGATION_STYLE`).
   */
  readonly b3?: "multi" | "single" | undefined
}

/**
 * Builds the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Propagator["Type"] => {
  const { configured, datadogOnly } = NativeExtraction.resolve(options)
  return Propagator.of({
    extract: (carrier, source) => Effect.succeed(extractWith(carrier, configured, source)),
    extractDatadog: (carrier, source) => Effect.succeed(extractWith(carrier, datadogOnly, source)),
    inject: (context) => Effect.succeed(DatadogHeaders.inject(TraceContext.toFields(context)))
  })
}

const extractWith = (carrier: unknown, options: NativeExtraction.Options, source: ExtractorName) => {
  const fields = NativeExtraction.extractUnknown(carrier, options, source)
  return fields === undefined ? Option.none() : Option.some(TraceContext.make(fields))
}

/**
 * The native propagator with explicit options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Propagator> => Layer.succeed(Propagator, make(options))

const optional = <A>(config: Config.Config<A>, name: string): Effect.Effect<Option.Option<A>> =>
  Effect.catchAll(
    Config.option(config),
    (error) => Effect.as(Effect.logDebug(`ignoring invalid ${name}`, error), Option.none<A>())
  )

/**
 * Reads the options from configuration, with dd-trace's names and defaults:
 *
 * - styles: `DD_TRACE_PROPAGATION_STYLE_EXTRACT`, else `DD_TRACE_PROPAGATION_STYLE`, else `OTEL_PROPAGATORS`
 *   (default `datadog,tracecontext,baggage`). As in dd-trace 6, `b3` means the single `b3` header (dd-trace 5
 *   read `x-b3-*` when the list came through `DD_TRACE_PROPAGATION_STYLE`: use {@link layer} with
 *   `b3: "multi"` to match it).
 * - `DD_TRACE_PROPAGATION_EXTRACT_FIRST` (default false), `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH` (default 512).
 *
 * An invalid value falls back to that setting's default (logged at debug level); building never fails.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Propagator> = Layer.effect(
  Propagator,
  Effect.gen(function*() {
    const extract = yield* optional(
      Config.string("DD_TRACE_PROPAGATION_STYLE_EXTRACT"),
      "DD_TRACE_PROPAGATION_STYLE_EXTRACT"
    )
    const both = yield* optional(Config.string("DD_TRACE_PROPAGATION_STYLE"), "DD_TRACE_PROPAGATION_STYLE")
    const otel = yield* optional(Config.string("OTEL_PROPAGATORS"), "OTEL_PROPAGATORS")
    const extractFirst = yield* optional(
      Config.boolean("DD_TRACE_PROPAGATION_EXTRACT_FIRST"),
      "DD_TRACE_PROPAGATION_EXTRACT_FIRST"
    )
    const maxTagsLength = yield* optional(
      Config.integer("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH").pipe(Config.validate({
        message: "a non-negative integer",
        validation: (length) => length >= 0
      })),
      "DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH"
    )
    return make({
      extractStyles: NativeExtraction.stylesFrom(
        Option.getOrUndefined(extract),
        Option.getOrUndefined(both),
        Option.getOrUndefined(otel)
      ),
      extractFirst: Option.getOrUndefined(extractFirst),
      maxTagsLength: Option.getOrUndefined(maxTagsLength)
    })
  })
)
