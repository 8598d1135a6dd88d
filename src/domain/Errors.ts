/**
 * Typed errors of every step: extractors, the propagator, the tracer lookup and durable state.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { ExtractorName } from "../internal/extractorNameSchema.js"

/**
 * Why an extractor failed on input that was present but broken.
 *
 * @since 0.1.0
 * @category errors
 */
export const ExtractionFailureReason = Schema.Literal(
  "MalformedEvent",
  "MalformedCarrier",
  "IncompleteContext",
  "CustomExtractorFailed",
  "LimitExceeded"
)

/**
 * @since 0.1.0
 * @category errors
 */
export type ExtractionFailureReason = typeof ExtractionFailureReason.Type

/**
 * An extractor recognised its event shape, but the carrier was malformed or incomplete. The chain records it
 * and moves on to the next extractor.
 *
 * @since 0.1.0
 * @category errors
 */
export class ExtractionError extends Schema.TaggedError<ExtractionError>("effect-datadog-lambda/ExtractionError")(
  "ExtractionError",
  {
    extractor: ExtractorName,
    reason: ExtractionFailureReason,
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.extractor}: ${this.reason}: ${this.detail}`
  }
}

/**
 * The propagator threw while extracting or injecting.
 *
 * @since 0.1.0
 * @category errors
 */
export class PropagatorError extends Schema.TaggedError<PropagatorError>("effect-datadog-lambda/PropagatorError")(
  "PropagatorError",
  {
    reason: Schema.Literal("ExtractFailed", "InjectFailed"),
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `propagator: ${this.reason}: ${this.detail}`
  }
}

/**
 * The dd-trace propagator cannot be used: the package is missing, or the tracer was never initialised (before
 * `init()`, dd-trace's `extract` ignores the carrier and returns a fake context).
 *
 * @since 0.1.0
 * @category errors
 */
export class TracerUnavailable extends Schema.TaggedError<TracerUnavailable>(
  "effect-datadog-lambda/TracerUnavailable"
)("TracerUnavailable", {
  reason: Schema.Literal("NotInstalled", "NotInitialised", "Incompatible"),
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `dd-trace unavailable: ${this.reason}: ${this.detail}`
  }
}

/**
 * Any failure an extractor may report.
 *
 * @since 0.1.0
 * @category errors
 */
export type ExtractorFailure = ExtractionError | PropagatorError | TracerUnavailable

/**
 * Reading a page of durable state failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class DurableStateError extends Schema.TaggedError<DurableStateError>(
  "effect-datadog-lambda/DurableStateError"
)("DurableStateError", {
  reason: Schema.Literal("RequestFailed", "MalformedResponse", "Timeout", "Unavailable"),
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `durable state: ${this.reason}: ${this.detail}`
  }
}
