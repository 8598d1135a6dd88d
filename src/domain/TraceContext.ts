/**
 * The upstream trace context of an invocation, in Datadog's form: decimal 64-bit trace and parent ids, the upper
 * half of a 128-bit trace id (`_dd.p.tid`), sampling priority, origin and the `_dd.p.*` tags, and the extractor
 * that found it.
 *
 * @example
 * ```ts
 * import { TraceContext } from "effect-datadog-lambda"
 *
 * const context = TraceContext.make({ traceId: "1234", parentId: "5678", samplingPriority: 1, source: "http" })
 * ```
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import type { ContextFields } from "../internal/contextFields.js"
import { ExtractorName } from "../internal/extractorNameSchema.js"
import * as Ids from "../internal/ids.js"
import { lazyParser } from "../internal/lazyParser.js"

/**
 * A non-zero unsigned 64-bit id as a canonical decimal string.
 *
 * @since 0.1.0
 * @category decoding
 */
export const DecimalId = Schema.String.pipe(
  Schema.filter(Ids.isDecimalU64, { message: () => "a non-zero unsigned 64-bit decimal id" }),
  Schema.annotations({ identifier: "DecimalId" })
)

/**
 * 16 lower-case hex characters: the upper 64 bits of a 128-bit trace id (`_dd.p.tid`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const TraceIdHigh = Schema.String.pipe(
  Schema.filter(Ids.isHex16, { message: () => "16 lower-case hex characters" }),
  Schema.annotations({ identifier: "TraceIdHigh" })
)

/**
 * A Datadog trace context: the parent of the invocation's spans.
 *
 * - `traceId`: low 64 bits, decimal.
 * - `traceIdHigh`: the `_dd.p.tid` half of a 128-bit id, when there is one.
 * - `parentId`: the upstream span id, decimal.
 * - `samplingPriority`: `-1 | 0 | 1 | 2` when the upstream made a decision.
 * - `tags`: the propagated `_dd.p.*` tags (including `_dd.p.tid`).
 * - `source`: the extractor that found it.
 *
 * @since 0.1.0
 * @category models
 */
export class TraceContext extends Schema.Class<TraceContext>("effect-datadog-lambda/TraceContext")({
  traceId: DecimalId,
  traceIdHigh: Schema.OptionFromNullOr(TraceIdHigh),
  parentId: DecimalId,
  samplingPriority: Schema.OptionFromNullOr(Schema.Int),
  origin: Schema.OptionFromNullOr(Schema.String),
  tags: Schema.Record({ key: Schema.String, value: Schema.String }),
  source: ExtractorName
}) {
  /**
   * The 32-hex W3C trace id.
   *
   * @since 0.1.0
   */
  get w3cTraceId(): string {
    return Ids.toW3cTraceId(this.traceId, Option.getOrUndefined(this.traceIdHigh))
  }

  /**
   * The 16-hex W3C span id of the parent.
   *
   * @since 0.1.0
   */
  get w3cParentId(): string {
    return Ids.decimalToHex16(this.parentId)
  }
}

/**
 * The plain fields accepted by {@link make}.
 *
 * @since 0.1.0
 * @category models
 */
export type Fields = ContextFields

const EMPTY_TAGS: Readonly<Record<string, string>> = Object.freeze({})

type Mutable = { -readonly [K in keyof TraceContext]: TraceContext[K] }

/**
 * What `new TraceContext(fields, true)` builds (the same prototype and the same own properties, in the same order,
 * so `Equal`, `Hash`, `instanceof`, `Schema.is` and encoding see no difference), without the Schema class
 * constructor's per-call work (copying, merging defaults), which runs for every context found.
 */
const build = (fields: { readonly [K in keyof typeof TraceContext.fields]: TraceContext[K] }): TraceContext => {
  // Assigned one by one, in the class's field order, so every context shares one hidden class.
  const context = Object.create(TraceContext.prototype) as Mutable
  context.traceId = fields.traceId
  context.traceIdHigh = fields.traceIdHigh
  context.parentId = fields.parentId
  context.samplingPriority = fields.samplingPriority
  context.origin = fields.origin
  context.tags = fields.tags
  context.source = fields.source
  return context as TraceContext
}

/**
 * Builds a {@link TraceContext} from already-validated parts, skipping Schema validation (hot path).
 * Callers must pass canonical decimal ids and a 16-hex `traceIdHigh`; use {@link decode} for untrusted input.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (fields: Fields): TraceContext => {
  // As `build` does, without an intermediate object: this runs for every context found.
  const context = Object.create(TraceContext.prototype) as Mutable
  context.traceId = fields.traceId
  context.traceIdHigh = Option.fromNullable(fields.traceIdHigh)
  context.parentId = fields.parentId
  context.samplingPriority = Option.fromNullable(fields.samplingPriority)
  context.origin = Option.fromNullable(fields.origin)
  context.tags = fields.tags ?? EMPTY_TAGS
  context.source = fields.source
  return context as TraceContext
}

/**
 * The plain fields of a context, for the Effect-free writers (`DatadogHeaders.inject`, checkpoint payloads).
 *
 * @internal
 */
export const toFields = (context: TraceContext): ContextFields => ({
  traceId: context.traceId,
  parentId: context.parentId,
  source: context.source,
  traceIdHigh: Option.getOrUndefined(context.traceIdHigh),
  samplingPriority: Option.getOrUndefined(context.samplingPriority),
  origin: Option.getOrUndefined(context.origin),
  tags: context.tags
})

/**
 * Returns the same context attributed to another extractor.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withSource = (context: TraceContext, source: ExtractorName): TraceContext =>
  context.source === source ? context : build({
    traceId: context.traceId,
    traceIdHigh: context.traceIdHigh,
    parentId: context.parentId,
    samplingPriority: context.samplingPriority,
    origin: context.origin,
    tags: context.tags,
    source
  })

/**
 * `true` when the upstream kept the trace (`samplingPriority > 0`), `false` when it dropped it, `undefined` when
 * it made no decision.
 *
 * @since 0.1.0
 * @category getters
 */
export const isSampled = (context: TraceContext): boolean | undefined =>
  Option.match(context.samplingPriority, { onNone: () => undefined, onSome: (priority) => priority > 0 })

/**
 * Decodes untrusted input (for example the output of a custom extractor) into a {@link TraceContext}.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: (
  input: unknown,
  options?: ParseOptions
) => Either.Either<TraceContext, ParseResult.ParseError> = lazyParser(() => Schema.decodeUnknownEither(TraceContext))

/**
 * Encodes to the JSON form used by the CLI and by `ExtractionResult`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode: (context: TraceContext, options?: ParseOptions) => typeof TraceContext.Encoded = lazyParser(
  () => Schema.encodeSync(TraceContext)
)
