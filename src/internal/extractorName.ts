/**
 * The names of extractors, as reported in results, attempts and the CLI. The built-in names are a known set; a
 * user's own extractor carries any name it likes. Effect-free: each Effect line has its own Schema for the names
 * (`extractorNameSchema.ts` for Effect 3).
 */

/**
 * The built-in names, in the default chain order, then `dd-trace-span`: not an extractor but the span dd-trace
 * already had active when an invocation started (the Datadog Lambda layer's `datadog()` wrapper), which the
 * handler wrappers join instead of extracting.
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

/** A built-in extractor's name. */
export type KnownExtractorName = typeof names[number]

/** An extractor's name: a built-in one, or any other string (a user's own extractor). */
export type ExtractorName = KnownExtractorName | (string & {})
