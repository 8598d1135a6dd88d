/**
 * The trigger event slices the shared readers decode, as plain types, and the decoders that read them. Each Effect
 * line builds the decoders from its own Schema definitions (Effect 3: `schemas.ts`; Effect 4:
 * `effect4/internal/triggerSchemas.ts`); a decoder returns `undefined` for input that is not of its shape.
 */

/** The slice of an HTTP event the authorizer rule reads; authorizer context keys are the user's, so left unknown. */
export interface AuthorizedEvent {
  readonly version?: unknown
  readonly requestContext: {
    readonly requestId?: unknown
    readonly authorizer: {
      readonly _datadog?: unknown
      readonly integrationLatency?: unknown
      readonly lambda?: unknown
    }
  }
}

/** An AppSync resolver event's request headers. */
export interface AppSyncRequest {
  readonly request: { readonly headers: object }
}

/** A Lambda context's client context (`clientContext.custom`). */
export interface ClientContext {
  readonly clientContext: { readonly custom: object }
}

/** An SQS message attribute as SQS delivers it. */
export interface SqsAttribute {
  readonly stringValue?: string | null | undefined
  readonly binaryValue?: string | null | undefined
}

/** An SNS message attribute (in a notification or an SNS record). */
export interface SnsAttribute {
  readonly Type?: unknown
  readonly Value: string
}

/** An SNS notification as SNS writes it into an SQS body. */
export interface SnsNotification {
  readonly Type: "Notification"
  readonly TopicArn: string
  readonly MessageAttributes?: unknown
}

/** An EventBridge event's type and detail. */
export interface EventBridgeEvent {
  readonly "detail-type": string
  readonly detail?: unknown
}

/** The decoders of a line: each returns the slice, or `undefined` when the input is not of its shape. */
export interface Decoders {
  readonly authorizedEvent: (input: unknown) => AuthorizedEvent | undefined
  readonly appSyncRequest: (input: unknown) => AppSyncRequest | undefined
  readonly clientContext: (input: unknown) => ClientContext | undefined
  readonly sqsAttribute: (input: unknown) => SqsAttribute | undefined
  readonly snsAttribute: (input: unknown) => SnsAttribute | undefined
  readonly snsNotification: (input: unknown) => SnsNotification | undefined
  readonly eventBridgeEvent: (input: unknown) => EventBridgeEvent | undefined
}
