/**
 * Spans as values: what a span of the serverless view is (name, service, resource, type, tags, times), before any
 * tracer creates it. `ServerlessSpans.describe` builds them; the Lambda wrappers hand them to the installed Effect
 * tracer.
 *
 * Tags are what reaches the agent: strings go to `meta`, numbers to `metrics` (a boolean is `1` or `0`, as dd-trace
 * writes it). `service`, `resource` and `type` are fields, not tags (dd-trace's `service.name`, `resource.name` and
 * `span.type`).
 */

/** Span tags: `meta` (strings) and `metrics` (numbers) in one map. */
export type Tags = Readonly<Record<string, string | number>>

/**
 * One span.
 *
 * - `startTime`: milliseconds since the epoch.
 * - `endTime`: milliseconds since the epoch, or `undefined` when the span ends with the invocation (the
 *   invocation span itself, a synchronous inferred span).
 */
export interface SpanDescription {
  readonly name: string
  readonly service: string | undefined
  readonly resource: string | undefined
  readonly type: string | undefined
  readonly kind: "server"
  readonly tags: Tags
  readonly startTime: number
  readonly endTime: number | undefined
}

/**
 * How an inferred span relates to the invocation: `sync` spans (an HTTP request) end after the invocation, `async`
 * ones (a message) at its start.
 */
export type Synchronicity = "sync" | "async"

/**
 * A span inferred from the event for the managed service that triggered the invocation (`aws.sqs`,
 * `aws.apigateway`, ...), or for a hop before it (the SNS topic of an SNS→SQS message, a Lambda authorizer).
 */
export interface InferredSpan extends SpanDescription {
  readonly synchronicity: Synchronicity
}

/**
 * Adds a tag as dd-trace formats it: strings and numbers as they are, booleans as `1` / `0`; `NaN`, `null`,
 * `undefined`, objects and arrays are dropped (dd-trace would flatten an object one level into
 * `key.field` tags; event values are never spread into tag names here).
 */
export const setTag = (tags: Record<string, string | number>, key: string, value: unknown): void => {
  switch (typeof value) {
    case "string":
      tags[key] = value
      return
    case "number":
      if (!Number.isNaN(value)) tags[key] = value
      return
    case "boolean":
      tags[key] = value ? 1 : 0
      return
  }
}

/** The start time dd-trace gives a span asked to start at `time`: `time` when it is a non-zero number, else `now`. */
export const startTimeOr = (time: number, now: number): number => Number.isNaN(time) || time === 0 ? now : time
