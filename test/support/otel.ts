// An @effect/opentelemetry tracer over an in-memory exporter: tests read the exported spans back.
import * as Resource from "@effect/opentelemetry/Resource"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import type * as TraceContext from "../../src/domain/TraceContext.js"

export const inMemoryTracing = (serviceName: string) => {
  const exporter = new InMemorySpanExporter()
  const layer = OtelTracer.layer.pipe(
    Layer.provide(
      Layer.succeed(
        OtelTracer.OtelTracerProvider,
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
      )
    ),
    Layer.provide(Resource.layer({ serviceName }))
  )
  return { exporter, layer }
}

/** An extraction result with the given context and batch links, and no attempts. */
export const extractionResult = (
  context: TraceContext.TraceContext | undefined,
  links: ReadonlyArray<TraceContext.TraceContext> = []
): ExtractionResult => ({ context: Option.fromNullable(context), links, attempts: [] })
