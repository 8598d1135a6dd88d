/**
 * The Effect 4 Schema definitions of the trigger slices the shared readers decode (see
 * `internal/triggers/decoders.ts`), and the decoders built from them on first use (importing this module builds no
 * schema: import time is cold-start time).
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Decoders } from "../../internal/triggers/decoders.js"

/** The slice of an event the authorizer rule reads. */
const AuthorizedEvent = () =>
  Schema.Struct({
    version: Schema.optional(Schema.Unknown),
    requestContext: Schema.Struct({
      requestId: Schema.optional(Schema.Unknown),
      authorizer: Schema.Struct({
        _datadog: Schema.optional(Schema.Unknown),
        integrationLatency: Schema.optional(Schema.Unknown),
        lambda: Schema.optional(Schema.Unknown)
      })
    })
  })

/** An AppSync event's request headers. Not a Record: decoding would walk every key; the propagator bounds it. */
const AppSyncRequest = () => Schema.Struct({ request: Schema.Struct({ headers: Schema.ObjectKeyword }) })

/** A Lambda context's client context. */
const ClientContext = () => Schema.Struct({ clientContext: Schema.Struct({ custom: Schema.ObjectKeyword }) })

/** An SQS message attribute. */
const SqsAttribute = () =>
  Schema.Struct({
    stringValue: Schema.optional(Schema.NullOr(Schema.String)),
    binaryValue: Schema.optional(Schema.NullOr(Schema.String))
  })

/** An SNS message attribute. */
const SnsAttribute = () => Schema.Struct({ Type: Schema.optional(Schema.Unknown), Value: Schema.String })

/** An SNS notification in an SQS body. */
const SnsNotification = () =>
  Schema.Struct({
    Type: Schema.Literal("Notification"),
    TopicArn: Schema.NonEmptyString,
    MessageAttributes: Schema.optional(Schema.Unknown)
  })

/** An EventBridge event's type and detail. */
const EventBridgeEvent = () =>
  Schema.Struct({
    "detail-type": Schema.String,
    detail: Schema.optional(Schema.Unknown)
  })

const decoder = <S extends Schema.Decoder<unknown>>(schema: () => S): (input: unknown) => S["Type"] | undefined => {
  let decode: ((input: unknown) => Option.Option<S["Type"]>) | undefined
  return (input) => Option.getOrUndefined((decode ??= Schema.decodeUnknownOption(schema()))(input))
}

/** The Effect 4 line's decoders. */
export const decoders: Decoders = {
  authorizedEvent: decoder(AuthorizedEvent),
  appSyncRequest: decoder(AppSyncRequest),
  clientContext: decoder(ClientContext),
  sqsAttribute: decoder(SqsAttribute),
  snsAttribute: decoder(SnsAttribute),
  snsNotification: decoder(SnsNotification),
  eventBridgeEvent: decoder(EventBridgeEvent)
}
