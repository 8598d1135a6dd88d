/**
 * The typed errors of extraction, propagation, the tracer and durable state: the Effect 4 forms of the package
 * root's `Errors`, with the same tags and `reason`s.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import { ExtractorName } from "./TraceContext.js"

/**
 * Why an extractor failed.
 *
 * @since 0.2.0
 * @category models
 */
export const ExtractionFailureReason = Schema.Literals([
  "MalformedEvent",
  "MalformedCarrier",
  "IncompleteContext",
  "CustomExtractorFailed",
  "LimitExceeded"
])

/**
 * @since 0.2.0
 * @category models
 */
export type ExtractionFailureReason = typeof ExtractionFailureReason.Type

/**
 * An extractor found its event shape but could not read a context from it.
 *
 * @since 0.2.0
 * @category errors
 */
export class ExtractionError extends Schema.TaggedError<ExtractionError>("effect-datadog-lambda/ExtractionError")(
  "ExtractionError",
  {
    extractor: ExtractorName,
    reason: ExtractionFailureReason,
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  override get message(): string {
    return `${this.extractor}: ${this.reason}: ${this.detail}`
  }
}

/**
 * The propagator failed to extract or inject.
 *
 * @since 0.2.0
 * @category errors
 */
export class PropagatorError extends Schema.TaggedError<PropagatorError>("effect-datadog-lambda/PropagatorError")(
  "PropagatorError",
  {
    reason: Schema.Literals(["ExtractFailed", "InjectFailed"]),
    detail: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  override get message(): string {
    return `propagator: ${this.reason}: ${this.detail}`
  }
}

/**
 * dd-trace is missing, not initialised (`tracer.init()` not called yet) or of an unsupported shape.
 *
 * @since 0.2.0
 * @category errors
 */
export class TracerUnavailable extends Schema.TaggedError<TracerUnavailable>(
  "effect-datadog-lambda/TracerUnavailable"
)("TracerUnavailable", {
  reason: Schema.Literals(["NotInstalled", "NotInitialised", "Incompatible"]),
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message(): string {
    return `dd-trace unavailable: ${this.reason}: ${this.detail}`
  }
}

/**
 * Every error an extractor can fail with.
 *
 * @since 0.2.0
 * @category models
 */
export type ExtractorFailure = ExtractionError | PropagatorError | TracerUnavailable

/**
 * Reading a durable execution's later pages of state failed.
 *
 * @since 0.2.0
 * @category errors
 */
export class DurableStateError extends Schema.TaggedError<DurableStateError>(
  "effect-datadog-lambda/DurableStateError"
)("DurableStateError", {
  reason: Schema.Literals(["RequestFailed", "MalformedResponse", "Timeout", "Unavailable"]),
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message(): string {
    return `durable state: ${this.reason}: ${this.detail}`
  }
}
