/**
 * What the durable extractors read of an operation: a view of the model in `durableEnvelope.ts` (its own field
 * schemas, with `StepDetails` cut to `Result`), so an operation is not rejected for a field no extractor reads.
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Issues from "../issues.js"
import { lazyParser } from "../lazyParser.js"
import { isRecord } from "../propagation/carrier.js"
import { operationFields, StepDetails } from "./durableEnvelope.js"

/**
 * The view of an operation the extractors decode: the fields they read, as the model decodes them. Built on first
 * use: the fast path below rarely needs it.
 */
export const operationView = () =>
  Schema.Struct({
    Id: operationFields.Id,
    Name: operationFields.Name,
    Type: operationFields.Type,
    Status: operationFields.Status,
    Payload: operationFields.Payload,
    StepDetails: Schema.optionalWith(StepDetails.pick("Result"), { nullable: true }),
    ExecutionDetails: operationFields.ExecutionDetails
  })

/** What {@link operationView} decodes to. */
export type OperationView = Schema.Schema.Type<ReturnType<typeof operationView>>

/** Decodes {@link operationView} with Schema. */
export const decodeView: (input: unknown) => Either.Either<OperationView, ParseResult.ParseError> =
  /* @__PURE__ */ lazyParser(() => Schema.decodeUnknownEither(operationView()))

/** The fields of an operation the extractors use (`null` read as absent). */
export interface OperationFields {
  readonly Type: string | undefined
  readonly Status: string | undefined
  /** `Payload`, else `StepDetails.Result`: a checkpoint's carrier. */
  readonly payload: string | Readonly<Record<string, unknown>> | undefined
  /** `ExecutionDetails.InputPayload`: the EXECUTION operation's original event. */
  readonly inputPayload: string | undefined
}

const isNullishString = (value: unknown): value is string | null | undefined =>
  value === undefined || value === null || typeof value === "string"

const isPayload = (value: unknown): value is string | Readonly<Record<string, unknown>> | null | undefined =>
  isNullishString(value) || isRecord(value)

const isNullishRecord = (value: unknown): value is Readonly<Record<string, unknown>> | null | undefined =>
  value === undefined || value === null || isRecord(value)

/**
 * Reads {@link OperationFields}: accepts and rejects exactly what {@link decodeView} does. The well-formed shape
 * is read directly, as this runs on every durable invocation; anything else goes through Schema, which names the
 * failing fields.
 */
export const readOperation = (input: unknown): Either.Either<OperationFields, ParseResult.ParseError> => {
  if (
    isRecord(input) && isNullishString(input.Id) && isNullishString(input.Name) && isNullishString(input.Type) &&
    isNullishString(input.Status) && isPayload(input.Payload)
  ) {
    const step = input.StepDetails
    const execution = input.ExecutionDetails
    const result = isRecord(step) ? step.Result : undefined
    const inputPayload = isRecord(execution) ? execution.InputPayload : undefined
    if (
      isNullishRecord(step) && isPayload(result) && isNullishRecord(execution) && isNullishString(inputPayload)
    ) {
      return Either.right({
        Type: input.Type ?? undefined,
        Status: input.Status ?? undefined,
        payload: input.Payload ?? result ?? undefined,
        inputPayload: inputPayload ?? undefined
      })
    }
  }
  return Either.map(decodeView(input), (op) => ({
    Type: op.Type,
    Status: op.Status,
    payload: op.Payload ?? op.StepDetails?.Result,
    inputPayload: op.ExecutionDetails?.InputPayload
  }))
}

/**
 * The fields that failed to decode and what each expected (`StepDetails.Result: expected a string or an object`),
 * never their values, so the text is safe for attempt details. Bounded whatever the input: it reads the failure's
 * issues, never the value, and reports at most five fields.
 */
export const invalidFields = (error: ParseResult.ParseError): string => Issues.summarize(error.issue).join(", ")
