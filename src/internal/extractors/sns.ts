/**
 * SNS records: the `_datadog` message attribute (`Type` `String` → JSON; `Binary`, which dd-trace writes → base64
 * JSON, decoded as UTF-8), or a Step Functions context object in it. When no record yields a context, a
 * Datadog-padded X-Ray header of the invocation (dd-trace-java upstream) is used, as the reference does: the Lambda
 * context's `xRayTraceId`, else `_X_AMZN_TRACE_ID` (see `XRayExtractor`).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractorFailure } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { SnsExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as XRayHeader from "../propagation/xRayHeader.js"
import * as RecordBatch from "../triggers/recordBatch.js"
import * as SnsMessage from "../triggers/snsMessage.js"
import * as BatchExtraction from "./batchExtraction.js"
import * as Builtin from "./builtin.js"
import * as XRayExtractor from "./xRay.js"

/** The cheap guard: `Records[0].Sns` is an object. */
export const accepts = (event: unknown): boolean => SnsMessage.isSnsEvent(event)

/** The candidates of one SNS record: `Sns.MessageAttributes._datadog`. */
export const candidatesOf: BatchExtraction.CandidatesOf = (record, _index, budget) =>
  RecordBatch.candidates(SnsMessage.recordCarrier(record, budget))

/** The function's own X-Ray header as a fallback, when Datadog padded it. */
const withHeaderFallback = (
  outcome: BatchExtraction.Outcome,
  lambdaContext: unknown,
  readHeader: XRayExtractor.HeaderReader
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  if (outcome._tag === "Found") return BatchExtraction.toExtracted("sns", outcome)
  const onHeader = (header: Option.Option<string>): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
    const fields = Option.isSome(header) ? XRayHeader.fromDatadogPadded(header.value, "sns") : undefined
    if (fields === undefined) return BatchExtraction.toExtracted("sns", outcome)
    const notes = outcome._tag === "Nothing"
      ? outcome.notes
      : [`ignored: ${outcome.detail}`]
    return Effect.succeed(
      TraceExtractor.found(TraceContext.make(fields), { notes: ["from the X-Ray header (Datadog-padded)", ...notes] })
    )
  }
  return Completed.flatMap(XRayExtractor.invocationHeader(lambdaContext, readHeader), onHeader)
}

/** Builds the extractor over a propagator and a reader of the function's X-Ray header (the environment by default). */
export const makeWith = (
  propagator: Propagator.Service,
  readHeader: XRayExtractor.HeaderReader = XRayExtractor.envHeaderReader
): TraceExtractor.TraceExtractor =>
  Builtin.makeTrigger({
    name: "sns",
    extract: (event, lambdaContext) => {
      const records = RecordBatch.records(event)
      return records === undefined
        ? Effect.succeed(TraceExtractor.none)
        : BatchExtraction.run(
          propagator,
          "sns",
          records,
          candidatesOf,
          {},
          (scan, budget) => withHeaderFallback(RecordBatch.outcome(scan, budget), lambdaContext, readHeader)
        )
    },
    accepts,
    group: Builtin.records
  })

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.zipWith(
  Propagator,
  XRayExtractor.headerReader,
  makeWith
)

export const layer: Layer.Layer<SnsExtractor, never, Propagator> = Layer.effect(SnsExtractor, make)
