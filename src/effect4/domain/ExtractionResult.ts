/**
 * What the chain reports for an invocation: the context it found (if any), span links to the other upstream
 * contexts of a batch, and one attempt per extractor it ran, in order. The Effect 4 form of the package root's
 * `ExtractionResult`.
 *
 * @since 0.2.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ExtractorName, TraceContext } from "./TraceContext.js"

/**
 * What one extractor did: found a context, found none, or failed.
 *
 * @since 0.2.0
 * @category models
 */
export const Outcome = Schema.Literals(["found", "none", "failed"])

/**
 * One extractor's attempt: its outcome, and for failures the error's tag and reason and a detail.
 *
 * @since 0.2.0
 * @category models
 */
export const Attempt = Schema.Struct({
  extractor: ExtractorName,
  outcome: Outcome,
  reason: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String)
})

/**
 * @since 0.2.0
 * @category models
 */
export type Attempt = typeof Attempt.Type

/**
 * @since 0.2.0
 * @category models
 */
export interface ExtractionResult {
  readonly context: Option.Option<TraceContext>
  readonly links: ReadonlyArray<TraceContext>
  readonly attempts: ReadonlyArray<Attempt>
}

/**
 * The result's schema (the context encoded as `null` when absent).
 *
 * @since 0.2.0
 * @category schemas
 */
export const ExtractionResult = Schema.Struct({
  context: Schema.OptionFromNullOr(TraceContext),
  links: Schema.Array(TraceContext),
  attempts: Schema.Array(Attempt)
})

/**
 * The extractor that found the context, if any.
 *
 * @since 0.2.0
 * @category getters
 */
export const extractor = (result: ExtractionResult): Option.Option<string> =>
  Option.map(result.context, (context) => context.source)

/**
 * Encodes a result to JSON-safe data.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encode = Schema.encodeSync(ExtractionResult)
