/**
 * Child-process script: initialises dd-trace the way an app would — from the environment (argument `env`) or
 * with `tracePropagationStyle: { extract }` given as JSON (argument `init '["tracecontext"]'`) — and prints, as
 * one JSON line, what the dd-trace layer extracts from a fixed set of carriers.
 */
import tracer from "dd-trace"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"

const [mode, extract] = process.argv.slice(2)
tracer.init(
  mode === "init"
    ? { plugins: false, tracePropagationStyle: { extract: JSON.parse(extract), inject: ["datadog"] } } as never
    : { plugins: false }
)

const carriers: ReadonlyArray<Record<string, string>> = [
  { "x-datadog-trace-id": "10", "x-datadog-parent-id": "11", "x-datadog-sampling-priority": "2" },
  { traceparent: "00-000000000000000a000000000000000b-000000000000000c-01", tracestate: "dd=s:2;o:rum" },
  {
    "x-datadog-trace-id": "11",
    "x-datadog-parent-id": "12",
    traceparent: "00-0000000000000000000000000000000b-000000000000000d-01"
  },
  { "x-b3-traceid": "000000000000000e", "x-b3-spanid": "000000000000000f", "x-b3-sampled": "1" },
  { b3: "0000000000000010-0000000000000011-1" },
  { b3: "00000000000000000000000000000012-0000000000000013-d" }
]

const propagator = Effect.runSync(DdTracePropagator.make(tracer))
console.log(JSON.stringify(carriers.map((carrier) => ({
  carrier,
  result: Option.getOrNull(Option.map(Effect.runSync(propagator.extract(carrier, "http")), (context) => ({
    traceId: context.traceId,
    parentId: context.parentId,
    samplingPriority: Option.getOrNull(context.samplingPriority),
    traceIdHigh: Option.getOrNull(context.traceIdHigh)
  })))
}))))
