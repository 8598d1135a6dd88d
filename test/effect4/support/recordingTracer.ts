// Effect 4's own spans, recorded: a tracer whose spans are Effect's `NativeSpan`s, kept in the order they start, as a
// layer for a wrapper's runtime (the Effect 4 line's tests have no OpenTelemetry exporter).
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

export interface Recorded {
  readonly layer: Layer.Layer<never>
  /** The ended spans, in the order they started. */
  readonly ended: () => ReadonlyArray<Tracer.NativeSpan>
  readonly reset: () => void
}

export const recordingTracer = (): Recorded => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return {
    layer: Layer.succeed(Tracer.Tracer, tracer),
    ended: () => spans.filter((span) => span.status._tag === "Ended"),
    reset: () => {
      spans.length = 0
    }
  }
}

/** A span's parent's id, `undefined` for a root. */
export const parentId = (span: Tracer.Span): string | undefined => Option.getOrUndefined(span.parent)?.spanId

/** The span's `aws.durable.*` attributes. */
export const durableAttributes = (span: Tracer.Span): Record<string, unknown> =>
  Object.fromEntries([...span.attributes].filter(([key]) => key.startsWith("aws.durable.")))
