/**
 * The names of the extractors in the chain, as reported in results, attempts and the CLI.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Every extractor name, in the default chain order, then `dd-trace-span`: not an extractor but the span dd-trace
 * already had active when an invocation started (the Datadog Lambda layer's `datadog()` wrapper opens
 * `aws.lambda`), which the handler wrappers join instead of extracting.
 *
 * @since 0.1.0
 * @category models
 */
export const names = [
  "custom",
  "durable-checkpoint",
  "durable-input",
  "http",
  "sns",
  "sns-sqs",
  "eventbridge-sqs",
  "appsync",
  "sqs",
  "kinesis",
  "eventbridge",
  "step-functions",
  "kafka",
  "lambda-context",
  "xray",
  "dd-trace-span"
] as const

/**
 * @since 0.1.0
 * @category models
 */
export type ExtractorName = typeof names[number]

/**
 * @since 0.1.0
 * @category decoding
 */
export const ExtractorName: Schema.Literal<typeof names> = Schema.Literal(...names)
