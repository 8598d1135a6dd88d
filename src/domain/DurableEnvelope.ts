/**
 * Schemas of the durable execution invocation envelope and its operations (the wire model of
 * `@aws/durable-execution-sdk-js` and the Lambda durable API).
 *
 * The extractors never decode a whole envelope: they scan the operations cheaply (`DurableOperations`) and decode
 * only the operations they use, and only the fields they use ({@link CheckpointOperation},
 * {@link ExecutionOperation}). {@link DurableOperation} and {@link decodeEnvelope} are the full model, for tools
 * and tests.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Issues from "../internal/issues.js"
import { lazyParser } from "../internal/lazyParser.js"
import { isRecord } from "./Carrier.js"
import * as DurableArn from "./DurableArn.js"

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
 *
 * @since 0.1.0
 * @category schemas
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
 *
 * @since 0.1.0
 * @category schemas
 */
export const PayloadValue = /* @__PURE__ */ Schema.Union(Schema.String, ObjectValue)

/**
 * @since 0.1.0
 * @category schemas
 */
export const StepDetails = /* @__PURE__ */ Schema.Struct({
  Attempt: optional(Schema.Number),
  NextAttemptTimestamp: optional(Timestamp),
  Result: optional(PayloadValue),
  Error: /* @__PURE__ */ Schema.optional(Schema.Unknown)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const ExecutionDetails = /* @__PURE__ */ Schema.Struct({
  InputPayload: optional(Schema.String)
})

/**
 * The operation types of the service (the field is decoded as an open string).
 *
 * @since 0.1.0
 * @category constants
 */
export const OperationType = {
  Execution: "EXECUTION",
  Context: "CONTEXT",
  Step: "STEP",
  Wait: "WAIT",
  Callback: "CALLBACK",
  ChainedInvoke: "CHAINED_INVOKE"
} as const

/**
 * The operation statuses of the service (the field is decoded as an open string).
 *
 * @since 0.1.0
 * @category constants
 */
export const OperationStatus = {
  Started: "STARTED",
  Pending: "PENDING",
  Ready: "READY",
  Succeeded: "SUCCEEDED",
  Failed: "FAILED",
  Cancelled: "CANCELLED",
  TimedOut: "TIMED_OUT",
  Stopped: "STOPPED"
} as const

/**
 * One operation of a durable execution. `Type`, `Status`, `SubType` are open strings (dd-trace writes `SubType`
 * `"STEP"`, the SDK `"Step"`); every field is optional so partial test fixtures decode; `null` counts as absent.
 * `Payload` (the write-side name) is kept because Datadog's JS reader reads it before `StepDetails.Result`. The
 * other `*Details` members are kept opaque.
 *
 * @since 0.1.0
 * @category schemas
 */
export class DurableOperation
  extends /* @__PURE__ */ Schema.Class<DurableOperation>("effect-datadog-lambda/DurableOperation")({
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
  })
{}

/**
 * The fields of a `_datadog_{N}` checkpoint operation the checkpoint extractor uses. The extractors decode this
 * narrow view (a third of the cost of {@link DurableOperation}), so a checkpoint is not rejected for a field it
 * does not need.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CheckpointOperation = /* @__PURE__ */ Schema.Struct({
  Name: optional(Schema.String),
  Type: optional(Schema.String),
  Status: optional(Schema.String),
  Payload: optional(PayloadValue),
  StepDetails: optional(/* @__PURE__ */ Schema.Struct({ Result: optional(PayloadValue) }))
})

/**
 * The fields of the EXECUTION operation the input-payload extractor uses.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExecutionOperation = /* @__PURE__ */ Schema.Struct({
  Id: optional(Schema.String),
  Type: optional(Schema.String),
  ExecutionDetails: optional(ExecutionDetails)
})

/**
 * `Operations` as a list or as a map keyed by position (the form in Datadog's Python tests), normalised to one
 * list. Map values keep JavaScript's key order: integer-like keys ascending, then the others in document order.
 *
 * @since 0.1.0
 * @category schemas
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

/**
 * @since 0.1.0
 * @category schemas
 */
export const InitialExecutionState = /* @__PURE__ */ Schema.Struct({
  Operations: /* @__PURE__ */ Schema.optionalWith(Operations, { default: () => [] }),
  NextMarker: optional(Schema.String)
})

/**
 * The invocation envelope of a durable function.
 *
 * @since 0.1.0
 * @category schemas
 */
export class DurableEnvelope
  extends /* @__PURE__ */ Schema.Class<DurableEnvelope>("effect-datadog-lambda/DurableEnvelope")({
    DurableExecutionArn: Schema.String,
    CheckpointToken: optional(Schema.String),
    InitialExecutionState: InitialExecutionState,
    UpdatedOperationIds: optional(/* @__PURE__ */ Schema.Array(Schema.String))
  })
{
  /**
   * The marker of the next page of operations; `None` when this page is the last (`""` or absent).
   *
   * @since 0.1.0
   */
  get nextMarker(): Option.Option<string> {
    const marker = this.InitialExecutionState.NextMarker
    return marker === undefined || marker === "" ? Option.none() : Option.some(marker)
  }

  /**
   * The execution name and id from the ARN; `None` when it is not a durable execution ARN.
   *
   * @since 0.1.0
   */
  get arn(): Option.Option<DurableArn.DurableArn> {
    return Option.fromNullable(DurableArn.parse(this.DurableExecutionArn))
  }
}

/**
 * Decodes one operation.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeOperation: (input: unknown) => Either.Either<DurableOperation, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(
    () => Schema.decodeUnknownEither(DurableOperation)
  )

/**
 * Decodes the checkpoint view of an operation.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeCheckpointOperation: (
  input: unknown
) => Either.Either<typeof CheckpointOperation.Type, ParseResult.ParseError> = /* @__PURE__ */ lazyParser(() =>
  Schema.decodeUnknownEither(CheckpointOperation)
)

/**
 * Decodes the EXECUTION view of an operation.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeExecutionOperation: (
  input: unknown
) => Either.Either<typeof ExecutionOperation.Type, ParseResult.ParseError> = /* @__PURE__ */ lazyParser(() =>
  Schema.decodeUnknownEither(ExecutionOperation)
)

/**
 * Decodes a whole envelope (every operation). Not for the hot path.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeEnvelope: (input: unknown) => Either.Either<DurableEnvelope, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(
    () => Schema.decodeUnknownEither(DurableEnvelope)
  )

// The extractors' hot-path views. On the operations the extractors decode, they accept and reject exactly what
// `CheckpointOperation` and `ExecutionOperation` do (and fail on the same paths), but keep `null` instead of
// removing it: `optionalWith(..., { nullable: true })` is a transformation per field, and those cost several times
// a plain `NullishOr` union. Built on first use, like every schema of this module that the extractors use: the
// module's import is on every cold start, and a bundler drops the schemas an app does not use.
const nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullishOr(schema))

const decodeCheckpointWire = lazyParser(() =>
  Schema.decodeUnknownEither(Schema.Struct({
    Name: nullish(Schema.String),
    Type: nullish(Schema.String),
    Status: nullish(Schema.String),
    Payload: nullish(PayloadValue),
    StepDetails: nullish(Schema.Struct({ Result: nullish(PayloadValue) }))
  }))
)

const decodeExecutionWire = lazyParser(() =>
  Schema.decodeUnknownEither(Schema.Struct({
    Id: nullish(Schema.String),
    Type: nullish(Schema.String),
    ExecutionDetails: nullish(Schema.Struct({ InputPayload: nullish(Schema.String) }))
  }))
)

/**
 * The fields of a checkpoint operation the checkpoint extractor reads (`null` read as absent). Accepts and rejects
 * what {@link decodeCheckpointOperation} does, at a fraction of its cost.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckpointFields {
  readonly Type: string | undefined
  readonly Status: string | undefined
  /** `Payload`, else `StepDetails.Result`. */
  readonly payload: string | Readonly<Record<string, unknown>> | undefined
}

const isNullishString = (value: unknown): value is string | null | undefined =>
  value === undefined || value === null || typeof value === "string"

const isPayload = (value: unknown): value is string | Readonly<Record<string, unknown>> | null | undefined =>
  isNullishString(value) || isRecord(value)

/**
 * Reads {@link CheckpointFields} from an operation, decoding with Schema.
 *
 * The well-formed shape (string fields, a string or object payload) is read directly: Schema costs about 2 µs on
 * this operation, on every resumed invocation. A field of another type goes through Schema, which accepts and
 * rejects the same inputs and names the failing paths.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readCheckpointFields = (input: unknown): Either.Either<CheckpointFields, ParseResult.ParseError> => {
  if (
    isRecord(input) && isNullishString(input.Name) && isNullishString(input.Type) && isNullishString(input.Status) &&
    isPayload(input.Payload)
  ) {
    const details = input.StepDetails
    const result = isRecord(details) ? details.Result : undefined
    if ((details === undefined || details === null || isRecord(details)) && isPayload(result)) {
      return Either.right({
        Type: input.Type ?? undefined,
        Status: input.Status ?? undefined,
        payload: input.Payload ?? result ?? undefined
      })
    }
  }
  const decoded = decodeCheckpointWire(input)
  if (Either.isLeft(decoded)) return Either.left(decoded.left)
  const op = decoded.right
  return Either.right({
    Type: op.Type ?? undefined,
    Status: op.Status ?? undefined,
    payload: op.Payload ?? op.StepDetails?.Result ?? undefined
  })
}

/**
 * The `ExecutionDetails.InputPayload` of an EXECUTION operation (`undefined` when absent or `null`), decoding with
 * Schema. Accepts and rejects what {@link decodeExecutionOperation} does, at a fraction of its cost.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readInputPayload = (input: unknown): Either.Either<string | undefined, ParseResult.ParseError> => {
  // The well-formed shape is read directly (Schema costs about 0.6 µs here, on every first invocation); anything
  // else goes through Schema, which accepts and rejects the same inputs and names the failing paths.
  if (isRecord(input) && isNullishString(input.Id) && isNullishString(input.Type)) {
    const details = input.ExecutionDetails
    if (details === undefined || details === null) return Either.right(undefined)
    if (isRecord(details) && isNullishString(details.InputPayload)) {
      return Either.right(details.InputPayload ?? undefined)
    }
  }
  const decoded = decodeExecutionWire(input)
  return Either.isLeft(decoded)
    ? Either.left(decoded.left)
    : Either.right(decoded.right.ExecutionDetails?.InputPayload ?? undefined)
}
/**
 * The fields that failed to decode and what each expected (`StepDetails.Result: expected a string or an object`),
 * never their values, so the text is safe for attempt details. Bounded whatever the input: it reads the failure's
 * issues (shaped by the schema), never the value, and reports at most five fields.
 *
 * @since 0.1.0
 * @category formatting
 */
export const invalidFields = (error: ParseResult.ParseError): string => Issues.summarize(error.issue).join(", ")
