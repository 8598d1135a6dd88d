/**
 * What the durable extractors read of an operation: a view of the model in `durableEnvelope.ts` (the field schemas
 * of `operationSchemas.ts`, with `StepDetails` cut to `Result`), so an operation is not rejected for a field no
 * extractor reads.
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Issues from "../issues.js"
import { lazyParser } from "../lazyParser.js"
import { err, ok } from "../result.js"
import * as DurableOperations from "./durableOperations.js"
import * as OperationSchemas from "./operationSchemas.js"

/**
 * The view of an operation the extractors decode: the fields they read, as the model decodes them. Built on first
 * use: the fast path below rarely needs it.
 */
export const operationView = () => {
  const { operationFields, StepDetails } = OperationSchemas.schemas()
  return Schema.Struct({
    Id: operationFields.Id,
    Name: operationFields.Name,
    Type: operationFields.Type,
    Status: operationFields.Status,
    Payload: operationFields.Payload,
    StepDetails: Schema.optionalWith(StepDetails.pick("Result"), { nullable: true }),
    ExecutionDetails: operationFields.ExecutionDetails
  })
}

/** What {@link operationView} decodes to. */
export type OperationView = Schema.Schema.Type<ReturnType<typeof operationView>>

/** Decodes {@link operationView} with Schema. */
export const decodeView: (input: unknown) => Either.Either<OperationView, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(() => Schema.decodeUnknownEither(operationView()))

/** The fields of an operation the extractors use (`null` read as absent). */
export type OperationFields = DurableOperations.OperationFields

const fieldsOf = (op: OperationView): OperationFields => ({
  Type: op.Type,
  Status: op.Status,
  payload: op.Payload ?? op.StepDetails?.Result,
  inputPayload: op.ExecutionDetails?.InputPayload
})

/**
 * Reads {@link OperationFields}: accepts and rejects exactly what {@link decodeView} does. The well-formed shape
 * is read directly (`DurableOperations.readFields`), as this runs on every durable invocation; anything else goes
 * through Schema, which names the failing fields.
 */
export const readOperation = (input: unknown): Either.Either<OperationFields, ParseResult.ParseError> => {
  const fields = DurableOperations.readFields(input)
  return fields !== undefined ? Either.right(fields) : Either.map(decodeView(input), fieldsOf)
}

/**
 * The Schema half of {@link readOperation}, for the Effect-free readers (`DurableOperations.DecodeFields`): the
 * fields, or the text of {@link invalidFields}.
 */
export const decodeFields: DurableOperations.DecodeFields = (input) => {
  const decoded = decodeView(input)
  return Either.isRight(decoded) ? ok(fieldsOf(decoded.right)) : err(invalidFields(decoded.left))
}

/**
 * The fields that failed to decode and what each expected (`StepDetails.Result: expected a string or an object`),
 * never their values, so the text is safe for attempt details. Bounded whatever the input: it reads the failure's
 * issues, never the value, and reports at most five fields.
 */
export const invalidFields = (error: ParseResult.ParseError): string => Issues.summarize(error.issue).join(", ")
