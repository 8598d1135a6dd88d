/**
 * The native propagator: Datadog and W3C parsing with no dd-trace at all.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Carrier from "../domain/Carrier.js"
import * as DatadogHeaders from "../domain/DatadogHeaders.js"
import * as NativeExtraction from "../domain/NativeExtraction.js"
import * as PropagationStyle from "../domain/PropagationStyle.js"
import { Propagator } from "../services/Propagator.js"

/**
 * Options of the native propagator; every field defaults to dd-trace's default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly extractStyles?: ReadonlyArray<PropagationStyle.Style> | undefined
  readonly extractFirst?: boolean | undefined
  readonly maxTagsLength?: number | undefined
}

/**
 * Builds the service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Propagator["Type"] => {
  const resolved: NativeExtraction.Options = {
    styles: options.extractStyles ?? PropagationStyle.defaultExtract,
    extractFirst: options.extractFirst ?? false,
    maxTagsLength: options.maxTagsLength ?? DatadogHeaders.MAX_TAGS_LENGTH
  }
  return Propagator.of({
    extract: (carrier, source) =>
      Effect.sync(() => {
        const normalized = Carrier.normalize(carrier)
        return normalized === undefined
          ? Option.none()
          : Option.fromNullable(NativeExtraction.extract(normalized, resolved, source))
      }),
    inject: (context) => Effect.succeed(DatadogHeaders.inject(context))
  })
}

/**
 * The native propagator with explicit options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Propagator> => Layer.succeed(Propagator, make(options))

/**
 * Reads the options from configuration, with dd-trace's names and defaults:
 * `DD_TRACE_PROPAGATION_STYLE_EXTRACT` (else `DD_TRACE_PROPAGATION_STYLE`, default
 * `datadog,tracecontext,baggage`), `DD_TRACE_PROPAGATION_EXTRACT_FIRST` (default false) and
 * `DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH` (default 512).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Propagator, never> = Layer.effect(
  Propagator,
  Effect.gen(function*() {
    const styles = yield* Config.string("DD_TRACE_PROPAGATION_STYLE_EXTRACT").pipe(
      Config.orElse(() => Config.string("DD_TRACE_PROPAGATION_STYLE")),
      Config.option
    )
    const extractFirst = yield* Config.boolean("DD_TRACE_PROPAGATION_EXTRACT_FIRST").pipe(
      Config.withDefault(false)
    )
    const maxTagsLength = yield* Config.integer("DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH").pipe(
      Config.withDefault(DatadogHeaders.MAX_TAGS_LENGTH)
    )
    return make({
      extractStyles: PropagationStyle.parse(Option.getOrUndefined(styles)),
      extractFirst,
      maxTagsLength
    })
  }).pipe(Effect.orElseSucceed(() => make()))
)
