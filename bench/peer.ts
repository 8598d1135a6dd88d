/**
 * The peer: datadog-lambda-js's `TraceContextExtractor`, built the way its `TraceListener` builds it, over the
 * process's initialised dd-trace.
 */
import { createRequire } from "node:module"
import type { Expected } from "./events.js"

const require = createRequire(import.meta.url)

interface PeerSpanContext {
  readonly toTraceId: () => string
  readonly toSpanId: () => string
  readonly sampleMode: () => number
}

interface PeerExtractor {
  readonly extract: (event: unknown, context: unknown) => Promise<PeerSpanContext | null>
}

/** One peer extraction per call, exactly as one invocation of the listener does it. */
export interface Peer {
  readonly version: string
  readonly extract: (event: unknown, context: unknown) => Promise<Expected | undefined>
  /** The raw call (no result conversion): what is timed. */
  readonly run: (event: unknown, context: unknown) => Promise<unknown>
}

/** The listener's defaults (`datadog()` with no config and default environment). */
const traceConfig = {
  autoPatchHTTP: true,
  captureLambdaPayload: false,
  captureLambdaPayloadMaxDepth: 10,
  createInferredSpan: true,
  encodeAuthorizerContext: true,
  decodeAuthorizerContext: true,
  injectLogContext: true,
  mergeDatadogXrayTraces: false,
  minColdStartTraceDuration: 3,
  coldStartTraceSkipLib: "",
  addSpanPointers: true,
  dataStreamsEnabled: false,
  appsecEnabled: false
}

/** Builds the peer; dd-trace must already be initialised. */
export const make = (): Peer => {
  const { TraceContextExtractor } = require("datadog-lambda-js/dist/trace/context/extractor.js")
  const { TracerWrapper } = require("datadog-lambda-js/dist/trace/tracer-wrapper.js")
  const { StepFunctionContextService } = require("datadog-lambda-js/dist/trace/step-function-service.js")
  const version: string = require("datadog-lambda-js/package.json").version
  const wrapper = new TracerWrapper()
  if (!wrapper.isTracerAvailable) throw new Error("datadog-lambda-js sees no initialised dd-trace")
  const extractor: PeerExtractor = new TraceContextExtractor(wrapper, traceConfig)
  // The listener resets this singleton after every invocation; without the reset, the peer would reuse the first
  // event's Step Functions lookup on every later call.
  const run = (event: unknown, context: unknown): Promise<unknown> => {
    StepFunctionContextService.reset()
    return extractor.extract(event, context)
  }
  return {
    version,
    run,
    extract: async (event, context) => {
      StepFunctionContextService.reset()
      const found = await extractor.extract(event, context)
      return found === null
        ? undefined
        : { traceId: found.toTraceId(), parentId: found.toSpanId(), samplingPriority: found.sampleMode() }
    }
  }
}
