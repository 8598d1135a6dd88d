/**
 * A screen over an event held as JSON text: whether any built-in trigger extractor could find a context in it, so
 * that text which cannot is never parsed. Every context they find comes from a key whose name appears in the text
 * (header names, `_datadog`, `headers`, `AWSTraceHeader`, `EnteredTime`); Kinesis data is base64 and `\u` escapes
 * hide names, so any text naming `kinesis` or holding an escape passes.
 */

const MARKERS = /datadog|traceparent|b3|headers|awstraceheader|enteredtime|kinesis|\\u/i

/**
 * `false` when no built-in trigger extractor can find a context in the event this JSON text encodes (whatever the
 * propagator); `true` when one might. Linear in the text, no allocation.
 */
export const mayHoldContext = (text: string): boolean => MARKERS.test(text)
