/**
 * Step Functions context objects, with Datadog's deterministic SHA-256 ids (see `StepFunctionsContext`): the
 * event itself, `Payload`-wrapped, or under `_datadog` (JSONata / `v1`). Sampling priority is always 1; no
 * propagator is involved, so it works whatever the propagation styles are.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ExtractionError } from "../../domain/Errors.js"
import * as TraceContext from "../../domain/TraceContext.js"
import { StepFunctionsExtractor } from "../../services/Extractors.js"
import type { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as StepFunctionsContext from "../triggers/stepFunctionsContext.js"
import * as Builtin from "./builtin.js"

/**
 * The cheap guard: the event is an object with a `Payload` or `_datadog` object, or `Execution` and `State`
 * objects.
 */
export const accepts = (event: unknown): boolean => {
  if (typeof event !== "object" || event === null) return false
  const record = event as Readonly<Record<string, unknown>>
  return typeof record["_datadog"] === "object" || typeof record["Payload"] === "object" ||
    (typeof record["Execution"] === "object" && typeof record["State"] === "object")
}

const NOT_A_CONTEXT = TraceExtractor.noneWith("no Step Functions context object")
const V1_WITHOUT_TRACE = TraceExtractor.noneWith(
  "context object without a usable trace: v1 with neither RootExecutionId nor propagated " +
    "x-datadog-trace-id/x-datadog-tags, or a field over the length bound"
)
// Made when needed: a tagged error validates its fields on construction, which compiles a parser at import time.
const badPropagatedTraceId = () =>
  new ExtractionError({
    extractor: "step-functions",
    reason: "MalformedCarrier",
    detail: "the propagated x-datadog-trace-id is not an unsigned 64-bit decimal"
  })

const extractSync = (event: unknown): TraceExtractor.Extracted | ExtractionError => {
  const parsed = StepFunctionsContext.parse(event)
  if (parsed === undefined) {
    return StepFunctionsContext.unwrap(event) === undefined ? NOT_A_CONTEXT : V1_WITHOUT_TRACE
  }
  const fields = StepFunctionsContext.toContextFields(parsed, "step-functions")
  return fields === undefined
    ? badPropagatedTraceId()
    : TraceExtractor.found(TraceContext.make(fields), { notes: [`${parsed.kind} context object`] })
}

/** The extractor (it needs no service). */
export const extractor: TraceExtractor.TraceExtractor = Builtin.makeTrigger({
  name: "step-functions",
  extract: (event) => {
    const result = extractSync(event)
    return result instanceof ExtractionError ? Effect.fail(result) : Effect.succeed(result)
  },
  accepts
})

export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.succeed(extractor)

export const layer: Layer.Layer<StepFunctionsExtractor, never, Propagator> = Layer.effect(StepFunctionsExtractor, make)
