/**
 * The field schemas of a durable operation (the wire model of `durableEnvelope.ts`), built on first use: the
 * extractors' view of an operation (`operationFields.ts`) needs them only for an operation of an unusual shape, and
 * importing this module must build nothing (import time is cold-start time).
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { isRecord } from "../propagation/carrier.js"

const ISO_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/

const toValidDate = (value: number | string | Date): Date | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value === "string" && !ISO_DATE_PREFIX.test(value)) return undefined
  if (typeof value === "number" && !Number.isFinite(value)) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

const build = () => {
  /**
   * A timestamp in any form it arrives in, decoded to a valid `Date`: epoch milliseconds (the real service's
   * invocation event), an ISO-8601 string (the local test runner's events once JSON-serialised; the Python
   * emulator's `YYYY-MM-DD HH:MM:SS.ffffff+00:00` too), or a `Date` (the local runner in-process, and
   * `@aws-sdk/client-lambda` responses). Numeric strings and invalid dates are rejected. Encodes to epoch ms.
   */
  const Timestamp: Schema.Schema<Date, number | string | Date> = Schema.transformOrFail(
    Schema.Union(Schema.Number, Schema.String, Schema.DateFromSelf),
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

  const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

  // Any object that is not a list, kept as it is: `Schema.Record` would copy it key by key (a million-key payload
  // is hostile input, and only its carrier keys are ever read).
  const ObjectValue = Schema.declare(
    (input: unknown): input is { readonly [x: string]: unknown } => isRecord(input),
    { identifier: "ObjectValue", description: "an object" }
  )

  /**
   * A JSON string, or an object that was already decoded (Datadog's tests pass checkpoint payloads as objects). An
   * object is kept as it is, not copied.
   */
  const PayloadValue = Schema.Union(Schema.String, ObjectValue)

  const StepDetails = Schema.Struct({
    Attempt: optional(Schema.Number),
    NextAttemptTimestamp: optional(Timestamp),
    Result: optional(PayloadValue),
    Error: Schema.optional(Schema.Unknown)
  })

  const ExecutionDetails = Schema.Struct({
    InputPayload: optional(Schema.String)
  })

  /**
   * One operation of a durable execution. `Type`, `Status`, `SubType` are open strings (dd-trace writes `SubType`
   * `"STEP"`, the SDK `"Step"`); every field is optional so partial test fixtures decode; `null` counts as absent.
   * `Payload` (the write-side name) is kept because Datadog's JS reader reads it before `StepDetails.Result`. The
   * other `*Details` members are kept opaque.
   */
  const operationFields = {
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
    ContextDetails: Schema.optional(Schema.Unknown),
    WaitDetails: Schema.optional(Schema.Unknown),
    CallbackDetails: Schema.optional(Schema.Unknown),
    ChainedInvokeDetails: Schema.optional(Schema.Unknown)
  }
  return { Timestamp, PayloadValue, StepDetails, ExecutionDetails, operationFields }
}

let built: ReturnType<typeof build> | undefined

/** The schemas, built on the first call. */
export const schemas = (): ReturnType<typeof build> => built ??= build()
