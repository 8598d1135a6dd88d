/**
 * What the chain found, and every attempt it made on the way.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ExtractorName } from "./ExtractorName.js"
import { TraceContext } from "./TraceContext.js"

/**
 * The outcome of one extractor.
 *
 * @since 0.1.0
 * @category models
 */
export const Outcome = Schema.Literal("found", "none", "failed")

/**
 * One extractor's attempt: `reason` is the error tag and reason for failures (`ExtractionError.MalformedCarrier`),
 * and `detail` says why in words (never header values other than ids).
 *
 * @since 0.1.0
 * @category models
 */
export class Attempt extends Schema.Class<Attempt>("effect-datadog-lambda/Attempt")({
  extractor: ExtractorName,
  outcome: Outcome,
  reason: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String)
}) {}

/**
 * The result of running the chain on one invocation.
 *
 * @since 0.1.0
 * @category models
 */
export class ExtractionResult extends Schema.Class<ExtractionResult>("effect-datadog-lambda/ExtractionResult")({
  context: Schema.OptionFromNullOr(TraceContext),
  links: Schema.Array(TraceContext),
  attempts: Schema.Array(Attempt)
}) {
  /**
   * The extractor that found the context.
   *
   * @since 0.1.0
   */
  get extractor(): Option.Option<ExtractorName> {
    return Option.map(this.context, (context) => context.source)
  }
}

/**
 * Encodes a result to plain JSON.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = Schema.encodeSync(ExtractionResult)
