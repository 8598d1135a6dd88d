/**
 * What the chain found, and every attempt it made on the way.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import { ExtractorName } from "../internal/extractorNameSchema.js"
import { lazyParser } from "../internal/lazyParser.js"
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
 * and `detail` says why in words (never header values other than ids). A plain struct: the chain builds one per
 * extractor per invocation.
 *
 * @since 0.1.0
 * @category models
 */
export const Attempt = Schema.Struct({
  extractor: ExtractorName,
  outcome: Outcome,
  reason: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Attempt = typeof Attempt.Type

/**
 * The result of running the chain on one invocation: the context found (its `source` names the extractor), span
 * links to other upstream contexts (other records of a batch), and every attempt in order. A plain struct: it is
 * built on every invocation.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExtractionResult {
  readonly context: Option.Option<TraceContext>
  readonly links: ReadonlyArray<TraceContext>
  readonly attempts: ReadonlyArray<Attempt>
}

/**
 * A result as plain JSON.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExtractionResultEncoded {
  readonly context: typeof TraceContext.Encoded | null
  readonly links: ReadonlyArray<typeof TraceContext.Encoded>
  readonly attempts: ReadonlyArray<typeof Attempt.Encoded>
}

/**
 * The schema of a result. Suspended: its parts are built on first use, not when the library is imported.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExtractionResult: Schema.Schema<ExtractionResult, ExtractionResultEncoded> = Schema.suspend(() =>
  Schema.Struct({
    context: Schema.OptionFromNullOr(TraceContext),
    links: Schema.Array(TraceContext),
    attempts: Schema.Array(Attempt)
  })
)

/**
 * The extractor that found the context.
 *
 * @since 0.1.0
 * @category getters
 */
export const extractor = (result: ExtractionResult): Option.Option<ExtractorName> =>
  Option.map(result.context, (context) => context.source)

/**
 * Encodes a result to plain JSON.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode: (
  result: ExtractionResult,
  options?: ParseOptions
) => ExtractionResultEncoded = lazyParser(() => Schema.encodeSync(ExtractionResult))
