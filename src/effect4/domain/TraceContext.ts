/**
 * The upstream trace context of an invocation, in Datadog's form: decimal 64-bit trace and parent ids, the upper
 * half of a 128-bit trace id (`_dd.p.tid`), sampling priority, origin and the `_dd.p.*` tags, and the extractor
 * that found it. The Effect 4 form of the package root's `TraceContext`, with the same fields.
 *
 * @example
 * ```ts
 * import { TraceContext } from "effect-datadog-lambda/effect4"
 *
 * const context = TraceContext.make({ traceId: "1234", parentId: "5678", samplingPriority: 1, source: "http" })
 * ```
 *
 * @since 0.2.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ContextFields } from "../../internal/contextFields.js"
import type { ExtractorName as Name } from "../../internal/extractorName.js"
import * as Ids from "../../internal/ids.js"

/**
 * An extractor's name: a built-in one or any other string.
 *
 * @since 0.2.0
 * @category decoding
 */
export const ExtractorName: Schema.Codec<Name> = Schema.String

/**
 * A non-zero unsigned 64-bit id as a canonical decimal string.
 *
 * @since 0.2.0
 * @category decoding
 */
export const DecimalId = Schema.String.check(
  Schema.makeFilter(Ids.isDecimalU64, { identifier: "DecimalId", expected: "a non-zero unsigned 64-bit decimal id" })
)

/**
 * 16 lower-case hex characters: the upper 64 bits of a 128-bit trace id (`_dd.p.tid`).
 *
 * @since 0.2.0
 * @category decoding
 */
export const TraceIdHigh = Schema.String.check(
  Schema.makeFilter(Ids.isHex16, { identifier: "TraceIdHigh", expected: "16 lower-case hex characters" })
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
 * @since 0.2.0
 * @category models
 */
export class TraceContext extends Schema.Class<TraceContext>("effect-datadog-lambda/TraceContext")({
  traceId: DecimalId,
  traceIdHigh: Schema.OptionFromNullOr(TraceIdHigh),
  parentId: DecimalId,
  samplingPriority: Schema.OptionFromNullOr(Schema.Int),
  origin: Schema.OptionFromNullOr(Schema.String),
  tags: Schema.Record(Schema.String, Schema.String),
  source: ExtractorName
}) {
  /**
   * The 32-hex W3C trace id.
   *
   * @since 0.2.0
   */
  get w3cTraceId(): string {
    return Ids.toW3cTraceId(this.traceId, Option.getOrUndefined(this.traceIdHigh))
  }

  /**
   * The 16-hex W3C span id of the parent.
   *
   * @since 0.2.0
   */
  get w3cParentId(): string {
    return Ids.decimalToHex16(this.parentId)
  }
}

/**
 * What {@link make} takes: the ids and source, and the optional parts as plain values.
 *
 * @since 0.2.0
 * @category models
 */
export type Fields = ContextFields

const EMPTY_TAGS: Readonly<Record<string, string>> = Object.freeze({})

type Mutable = { -readonly [K in keyof TraceContext]: TraceContext[K] }

// Built without the constructor's checks: every caller passes ids the parsers already validated. Assigned in the
// class's field order, so every context shares one hidden class.
const build = (
  traceId: string,
  traceIdHigh: Option.Option<string>,
  parentId: string,
  samplingPriority: Option.Option<number>,
  origin: Option.Option<string>,
  tags: Readonly<Record<string, string>>,
  source: Name
): TraceContext => {
  const context = Object.create(TraceContext.prototype) as Mutable
  context.traceId = traceId
  context.traceIdHigh = traceIdHigh
  context.parentId = parentId
  context.samplingPriority = samplingPriority
  context.origin = origin
  context.tags = tags
  context.source = source
  return context as TraceContext
}

/**
 * A context from plain fields (ids already validated, as the propagators return them).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (fields: Fields): TraceContext =>
  build(
    fields.traceId,
    Option.fromNullishOr(fields.traceIdHigh),
    fields.parentId,
    Option.fromNullishOr(fields.samplingPriority),
    Option.fromNullishOr(fields.origin),
    fields.tags ?? EMPTY_TAGS,
    fields.source
  )

/**
 * The plain fields of a context: what the writers (inject, checkpoints) take.
 *
 * @since 0.2.0
 * @category conversions
 */
export const toFields = (context: TraceContext): Fields => ({
  traceId: context.traceId,
  parentId: context.parentId,
  source: context.source,
  traceIdHigh: Option.getOrUndefined(context.traceIdHigh),
  samplingPriority: Option.getOrUndefined(context.samplingPriority),
  origin: Option.getOrUndefined(context.origin),
  tags: context.tags
})

/**
 * The same context attributed to another extractor.
 *
 * @since 0.2.0
 * @category combinators
 */
export const withSource = (context: TraceContext, source: Name): TraceContext =>
  context.source === source
    ? context
    : build(
      context.traceId,
      context.traceIdHigh,
      context.parentId,
      context.samplingPriority,
      context.origin,
      context.tags,
      source
    )

/**
 * `true` when the upstream kept the trace, `false` when it dropped it, `undefined` when it made no decision.
 *
 * @since 0.2.0
 * @category getters
 */
export const isSampled = (context: TraceContext): boolean | undefined =>
  Option.match(context.samplingPriority, { onNone: () => undefined, onSome: (priority) => priority > 0 })

/**
 * Decodes a context from its encoded form (JSON with `null` for absent parts).
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = Schema.decodeUnknownExit(TraceContext)

/**
 * Encodes a context to JSON-safe data.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encode = Schema.encodeSync(TraceContext)
