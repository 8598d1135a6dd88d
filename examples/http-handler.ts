/**
 * An API Gateway handler on `@effect-aws/lambda` whose spans continue the caller's Datadog trace.
 *
 * The one line that matters is `LambdaTracing.withExtraction(app, ...)`; the layer supplies the extractor chain
 * (here the native propagator, configured from `DD_TRACE_PROPAGATION_STYLE_EXTRACT`). Add a tracer to the layer to
 * send the spans: `DdTraceTracer.layerGlobal` over your initialised dd-trace (see the README).
 */
import { LambdaHandler } from "@effect-aws/lambda"
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as DefaultChain from "../src/layers/DefaultChain.js"
import * as CurrentExtraction from "../src/services/CurrentExtraction.js"
import * as LambdaTracing from "../src/wrappers/LambdaTracing.js"
import * as Tracing from "../src/wrappers/Tracing.js"

const greet = (name: string) =>
  Effect.gen(function*() {
    // A child of the caller's span: same trace id.
    const span = yield* Effect.currentSpan
    // The Datadog headers to pass downstream (this span as the parent).
    const downstream = yield* Tracing.currentSpanContext
    const upstream = yield* CurrentExtraction.context
    return {
      greeting: `hello ${name}`,
      traceId: span.traceId,
      extractedFrom: Option.getOrNull(Option.map(upstream, (context) => context.source)),
      downstreamParentId: Option.getOrNull(Option.map(downstream, (context) => context.parentId))
    }
  }).pipe(Effect.withSpan("greet"))

const app = (event: APIGatewayProxyEvent): Effect.Effect<APIGatewayProxyResult> =>
  greet(event.queryStringParameters?.name ?? "world").pipe(
    Effect.map((body) => ({ statusCode: 200, body: JSON.stringify(body) })),
    Effect.orDie
  )

export const handler = LambdaHandler.make({
  handler: LambdaTracing.withExtraction(app, { spanName: "aws.lambda" }),
  layer: DefaultChain.layerNative
})
