/**
 * A screen over an event held as JSON text (a durable execution's `InputPayload`): whether any built-in trigger
 * extractor could find a trace context in it. When it cannot, the text need not be parsed at all.
 *
 * Every context the built-in extractors find comes from a key whose name is in the text: the propagators' header
 * names (`x-datadog-*`, `traceparent`, `x-b3-*`, `b3`), the `_datadog` carriers, the `headers` objects handed to
 * the propagator (whatever it reads), SQS's `AWSTraceHeader`, a Step Functions context (`State.EnteredTime`). The
 * exceptions are Kinesis records, whose data is base64 (any text naming `kinesis` passes), and names written with
 * `\u` escapes (any text with an escape passes). Header names are matched in any case, as the propagators match
 * them.
 *
 * @since 0.1.0
 */

const MARKERS = /datadog|traceparent|b3|headers|awstraceheader|enteredtime|kinesis|\\u/i

/**
 * `false` when no built-in trigger extractor can find a context in the event this JSON text encodes (whatever the
 * propagator); `true` when one might. Linear in the text, no allocation.
 *
 * @since 0.1.0
 * @category predicates
 */
export const mayHoldContext = (text: string): boolean => MARKERS.test(text)
