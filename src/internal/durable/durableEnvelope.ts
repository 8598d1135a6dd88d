/**
 * The model of a durable execution's invocation envelope and its operations (the wire model of
 * `@aws/durable-execution-sdk-js` and the Lambda durable API). The extractors read operations through
 * `operationFields.ts`, a view of this model.
 */
import type * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { lazyParser } from "../lazyParser.js"
import * as DurableArn from "./durableArn.js"
import * as OperationSchemas from "./operationSchemas.js"

/**
 * The field schemas (see `operationSchemas.ts`): a timestamp in any form it arrives in, a payload (a JSON string or
 * an already decoded object, kept as it is), `StepDetails`, `ExecutionDetails`, and the fields of one operation.
 * This module, the whole model, builds them when imported; only tests and tools import it.
 */
export const { ExecutionDetails, operationFields, PayloadValue, StepDetails, Timestamp } = OperationSchemas.schemas()

/** The operation types and statuses of the service (the fields are decoded as open strings). */
export { OperationStatus, OperationType } from "./durableOperations.js"

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { nullable: true })

/** {@link operationFields} as a class; the extractors' view (`operationFields.ts`) takes the fields, not the class. */
export class DurableOperation
  extends Schema.Class<DurableOperation>("effect-datadog-lambda/DurableOperation")(operationFields)
{}

/**
 * `Operations` as a list or as a map keyed by position (the form in Datadog's Python tests), normalised to one
 * list. Map values keep JavaScript's key order: integer-like keys ascending, then the others in document order.
 */
export const Operations = Schema.transform(
  Schema.Union(
    Schema.Array(DurableOperation),
    Schema.Record({ key: Schema.String, value: DurableOperation })
  ),
  Schema.Array(Schema.typeSchema(DurableOperation)),
  {
    strict: true,
    decode: (operations) => Array.isArray(operations) ? operations : Object.values(operations),
    encode: (operations) => operations
  }
)

export const InitialExecutionState = Schema.Struct({
  Operations: Schema.optionalWith(Operations, { default: () => [] }),
  NextMarker: optional(Schema.String)
})

/** The invocation envelope of a durable function. */
export class DurableEnvelope extends Schema.Class<DurableEnvelope>("effect-datadog-lambda/DurableEnvelope")({
  DurableExecutionArn: Schema.String,
  CheckpointToken: optional(Schema.String),
  InitialExecutionState: InitialExecutionState,
  UpdatedOperationIds: optional(Schema.Array(Schema.String))
}) {
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
export const decodeOperation: (input: unknown) => Either.Either<DurableOperation, ParseResult.ParseError> = lazyParser(
  () => Schema.decodeUnknownEither(DurableOperation)
)

/** Decodes a whole envelope (every operation). Not for the hot path. */
export const decodeEnvelope: (input: unknown) => Either.Either<DurableEnvelope, ParseResult.ParseError> = lazyParser(
  () => Schema.decodeUnknownEither(DurableEnvelope)
)
