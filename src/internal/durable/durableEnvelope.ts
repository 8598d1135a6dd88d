/**
 * The model of a durable execution's invocation envelope and its operations (the wire model of
 * `@aws/durable-execution-sdk-js` and the Lambda durable API). The extractors read operations through
 * `operationFields.ts`, a view of this model.
 */
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { lazyParser } from "../lazyParser.js"
import { isRecord } from "../propagation/carrier.js"
import * as DurableArn from "./durableArn.js"

const ISO_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/

const toValidDate = (value: number | string | Date): Date | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value === "string" && !ISO_DATE_PREFIX.test(value)) return undefined
  if (typeof value === "number" && !Number.isFinite(value)) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * A timestamp in any form it arrives in, decoded to a valid `Date`: epoch milliseconds (the real service's
 * invocation event), an ISO-8601 string (the local test runner's events once JSON-serialised; the Python
 * emulator's `YYYY-MM-DD HH:MM:SS.ffffff+00:00` too), or a `Date` (the local runner in-process, and
 * `@aws-sdk/client-lambda` responses). Numeric strings and invalid dates are rejected. Encodes to epoch ms.
 */
export const Timestamp: Schema.Schema<Date, number | string | Date> = /* @__PURE__ */ Schema.transformOrFail(
  /* @__PURE__ */ Schema.Union(Schema.Number, Schema.String, Schema.DateFromSelf),
  Schema.ValidDateFromSelf,
  {
    strict: true,
    decode: (value, _, ast) => {
      const date = toValidDate(value)
      return date === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, value, "an epoch-ms number, an ISO-8601 string or a valid Date"))
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(date.getTime())
  }
).annotations({ identifier: "Timestamp" })

// Bundlers may drop what an app does not use of this module: its schemas are built from calls marked pure.
/* @__NO_SIDE_EFFECTS__ */
const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

// Any object that is not a list, kept as it is: `Schema.Record` would copy it key by key (a million-key payload
// is hostile input, and only its carrier keys are ever read).
const ObjectValue = /* @__PURE__ */ Schema.declare(
  (input: unknown): input is { readonly [x: string]: unknown } => isRecord(input),
  { identifier: "ObjectValue", description: "an object" }
)

/**
 * A JSON string, or an object that was already decoded (Datadog's tests pass checkpoint payloads as objects). An
 * object is kept as it is, not copied.
 */
export const PayloadValue = /* @__PURE__ */ Schema.Union(Schema.String, ObjectValue)

export const StepDetails = /* @__PURE__ */ Schema.Struct({
  Attempt: optional(Schema.Number),
  NextAttemptTimestamp: optional(Timestamp),
  Result: optional(PayloadValue),
  Error: /* @__PURE__ */ Schema.optional(Schema.Unknown)
})

export const ExecutionDetails = /* @__PURE__ */ Schema.Struct({
  InputPayload: optional(Schema.String)
})

/** The operation types and statuses of the service (the fields are decoded as open strings). */
export { OperationStatus, OperationType } from "./durableOperations.js"

/**
 * One operation of a durable execution. `Type`, `Status`, `SubType` are open strings (dd-trace writes `SubType`
 * `"STEP"`, the SDK `"Step"`); every field is optional so partial test fixtures decode; `null` counts as absent.
 * `Payload` (the write-side name) is kept because Datadog's JS reader reads it before `StepDetails.Result`. The
 * other `*Details` members are kept opaque.
 */
export const operationFields = {
  Id: optional(Schema.String),
  ParentId: optional(Schema.String),
  Name: optional(Schema.String),
  Type: optional(Schema.String),
  SubType: optional(Schema.String),
  Status: optional(Schema.String),
  StartTimestamp: optional(Timestamp),
  EndTimestamp: optional(Timestamp),
  Payload: optional(PayloadValue),
  StepDetails: optional(StepDetails),
  ExecutionDetails: optional(ExecutionDetails),
  ContextDetails: /* @__PURE__ */ Schema.optional(Schema.Unknown),
  WaitDetails: /* @__PURE__ */ Schema.optional(Schema.Unknown),
  CallbackDetails: /* @__PURE__ */ Schema.optional(Schema.Unknown),
  ChainedInvokeDetails: /* @__PURE__ */ Schema.optional(Schema.Unknown)
}

/** {@link operationFields} as a class; the extractors' view (`operationFields.ts`) takes the fields, not the class. */
export class DurableOperation
  extends /* @__PURE__ */ Schema.Class<DurableOperation>("effect-datadog-lambda/DurableOperation")(operationFields)
{}

/**
 * `Operations` as a list or as a map keyed by position (the form in Datadog's Python tests), normalised to one
 * list. Map values keep JavaScript's key order: integer-like keys ascending, then the others in document order.
 */
export const Operations = /* @__PURE__ */ Schema.transform(
  /* @__PURE__ */ Schema.Union(
    /* @__PURE__ */ Schema.Array(DurableOperation),
    /* @__PURE__ */ Schema.Record({ key: Schema.String, value: DurableOperation })
  ),
  /* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.typeSchema(DurableOperation)),
  {
    strict: true,
    decode: (operations) => Array.isArray(operations) ? operations : Object.values(operations),
    encode: (operations) => operations
  }
)

export const InitialExecutionState = /* @__PURE__ */ Schema.Struct({
  Operations: /* @__PURE__ */ Schema.optionalWith(Operations, { default: () => [] }),
  NextMarker: optional(Schema.String)
})

/** The invocation envelope of a durable function. */
export class DurableEnvelope
  extends /* @__PURE__ */ Schema.Class<DurableEnvelope>("effect-datadog-lambda/DurableEnvelope")({
    DurableExecutionArn: Schema.String,
    CheckpointToken: optional(Schema.String),
    InitialExecutionState: InitialExecutionState,
    UpdatedOperationIds: optional(/* @__PURE__ */ Schema.Array(Schema.String))
  })
{
  /** The marker of the next page of operations; `None` when this page is the last (`""` or absent). */
  get nextMarker(): Option.Option<string> {
    const marker = this.InitialExecutionState.NextMarker
    return marker === undefined || marker === "" ? Option.none() : Option.some(marker)
  }

  /** The execution name and id from the ARN; `None` when it is not a durable execution ARN. */
  get arn(): Option.Option<DurableArn.DurableArn> {
    return Option.fromNullable(DurableArn.parse(this.DurableExecutionArn))
  }
}

/** Decodes one operation. */
export const decodeOperation: (input: unknown) => Either.Either<DurableOperation, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(
    () => Schema.decodeUnknownEither(DurableOperation)
  )

/** Decodes a whole envelope (every operation). Not for the hot path. */
export const decodeEnvelope: (input: unknown) => Either.Either<DurableEnvelope, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(
    () => Schema.decodeUnknownEither(DurableEnvelope)
  )
