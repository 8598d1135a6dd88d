/**
 * Durable executions with no usable checkpoint: the context of the original event, held as JSON text in the
 * EXECUTION operation's `ExecutionDetails.InputPayload` (the first invocation receives an envelope, not the event).
 * Text that names no carrier is not parsed; otherwise it is parsed once (bounded) and searched for a top-level
 * `_datadog` carrier, a `headers` carrier, then any trigger shape, by running the trigger extractors in chain order.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ExtractionError, type ExtractorFailure } from "../../domain/Errors.js"
import type { Attempt } from "../../domain/ExtractionResult.js"
import * as TraceContext from "../../domain/TraceContext.js"
import * as DurableState from "../../services/DurableState.js"
import * as ExtractorChain from "../../services/ExtractorChain.js"
import { DurableInputExtractor } from "../../services/Extractors.js"
import { Propagator } from "../../services/Propagator.js"
import * as TraceExtractor from "../../services/TraceExtractor.js"
import * as Completed from "../completed.js"
import * as DurableArn from "../durable/durableArn.js"
import * as DurableOperations from "../durable/durableOperations.js"
import * as OperationFields from "../durable/operationFields.js"
import * as Paging from "../durable/paging.js"
import * as StateOverride from "../durable/stateOverride.js"
import { isRecord } from "../propagation/carrier.js"
import * as CarrierText from "../propagation/carrierText.js"
import * as Builtin from "./builtin.js"
import * as TriggerServices from "./triggers.js"

/** Longest `InputPayload` parsed: Lambda's synchronous invocation payload limit (6 MiB). */
export const maxInputPayloadLength = 6 * 1024 * 1024

const NAME = "durable-input"

const failure = (reason: ExtractionError["reason"], detail: string) =>
  new ExtractionError({ extractor: NAME, reason, detail })

interface Execution {
  readonly operation: Readonly<Record<string, unknown>> | undefined
  readonly notes: ReadonlyArray<string>
}

/** The EXECUTION operation on a later page, for an envelope whose first page lacks it. */
const findOnLaterPages = (
  envelope: DurableOperations.Envelope,
  marker: string,
  executionId: string | undefined,
  state: Option.Option<DurableState.DurableState.Service>,
  lambdaContext: unknown,
  invocation: TraceExtractor.Invocation | undefined
): Effect.Effect<Execution> =>
  Effect.flatMap(StateOverride.resolve(state), (service) =>
    Option.isNone(service)
      ? Effect.succeed({
        operation: undefined,
        notes: [...envelope.notes, "NextMarker set: later pages not read (no DurableState service)"]
      })
      : Effect.map(
        Paging.pagesOf(
          invocation,
          service.value,
          { arn: envelope.arn, checkpointToken: envelope.checkpointToken, marker },
          lambdaContext
        ).read((page) => DurableOperations.findExecution(page, executionId) !== undefined),
        (read) => {
          let operation: Readonly<Record<string, unknown>> | undefined
          for (const page of read.pages) {
            operation = DurableOperations.findExecution(page, executionId)
            if (operation !== undefined) break
          }
          return { operation, notes: [...envelope.notes, `read ${read.pages.length} later page(s)`, ...read.notes] }
        }
      ))

/** The `InputPayload` text of the EXECUTION operation (`undefined` when it has none), within bounds. */
const inputPayload = (
  operation: Readonly<Record<string, unknown>>
): Either.Either<string | undefined, ExtractionError> => {
  const decoded = OperationFields.readOperation(operation)
  if (Either.isLeft(decoded)) {
    return Either.left(
      failure("MalformedEvent", `malformed EXECUTION operation (${OperationFields.invalidFields(decoded.left)})`)
    )
  }
  const payload = decoded.right.inputPayload
  if (payload !== undefined && payload.length > maxInputPayloadLength) {
    return Either.left(failure("LimitExceeded", `InputPayload longer than ${maxInputPayloadLength} characters`))
  }
  return Either.right(payload)
}

/**
 * A test on the payload text: `false` when neither a top-level carrier nor any of the trigger extractors could
 * find a context in it. `undefined` (always parse) when a trigger extractor has no `textGuard`.
 */
const textScreen = (
  triggers: ReadonlyArray<TraceExtractor.TraceExtractor>
): ((text: string) => boolean) | undefined => {
  const guards = new Set<(text: string) => boolean>([CarrierText.mayHoldContext])
  for (const extractor of triggers) {
    if (extractor.textGuard === undefined) return undefined
    guards.add(extractor.textGuard)
  }
  const list = [...guards]
  return list.length === 1 ? list[0] : (text) => list.some((guard) => guard(text))
}

const describeAttempt = (attempt: Attempt) =>
  attempt.reason === undefined ? `${attempt.extractor} ${attempt.outcome}` : `${attempt.extractor} ${attempt.reason}`

const CARRIER_KEYS = ["_datadog", "headers"] as const

/** The trigger extractors run on the original event, and the screen over its text. */
interface Triggers {
  readonly chain: ExtractorChain.ExtractorChain.Service
  readonly screen: ((text: string) => boolean) | undefined
}

/** The top-level carriers from `from` on, then the trigger shapes. A plain continuation, no generator. */
const fromOriginal = (
  propagator: Propagator["Type"],
  triggers: ExtractorChain.ExtractorChain.Service,
  original: Readonly<Record<string, unknown>>,
  lambdaContext: unknown,
  notes: Array<string>,
  from: number
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  for (let index = from; index < CARRIER_KEYS.length; index++) {
    const key = CARRIER_KEYS[index]!
    const carrier = original[key]
    if (!isRecord(carrier)) continue
    return Completed.flatMap(propagator.extract(carrier, NAME), (context) => {
      if (Option.isSome(context)) {
        return Effect.succeed(TraceExtractor.found(context.value, { notes: [...notes, `from ${key}`] }))
      }
      notes.push(`${key} holds no complete context`)
      return fromOriginal(propagator, triggers, original, lambdaContext, notes, index + 1)
    })
  }
  return Completed.map(triggers.run(original, lambdaContext), (result) => {
    if (Option.isNone(result.context)) {
      const tried = result.attempts.filter((attempt) => attempt.outcome !== "none").map(describeAttempt)
      return TraceExtractor.noneWith(...notes, tried.length === 0 ? "no trigger shape matched" : tried.join(", "))
    }
    const matched = result.context.value.source
    return TraceExtractor.found(TraceContext.withSource(result.context.value, NAME), {
      links: result.links,
      notes: [...notes, `from the ${matched} trigger shape`]
    })
  })
}

const noExecution = Builtin.noneEndingWith("no EXECUTION operation")
const noInputPayload = Builtin.noneEndingWith("no InputPayload")
const notParsed = Builtin.noneEndingWith("no trace carrier in the original event (not parsed)")

/** The extraction once the EXECUTION operation is known. */
const fromExecution = (
  propagator: Propagator["Type"],
  triggers: Triggers,
  execution: Execution,
  lambdaContext: unknown
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  if (execution.operation === undefined) return noExecution(execution.notes)
  const payload = inputPayload(execution.operation)
  if (Either.isLeft(payload)) return Effect.fail(payload.left)
  if (payload.right === undefined) return noInputPayload(execution.notes)
  if (triggers.screen !== undefined && !triggers.screen(payload.right)) return notParsed(execution.notes)
  const notes = [...execution.notes]
  let original: unknown
  try {
    original = JSON.parse(payload.right)
  } catch {
    return Effect.fail(failure("MalformedEvent", "InputPayload is not valid JSON"))
  }
  if (!isRecord(original)) {
    return Effect.succeed(TraceExtractor.noneWith(...notes, "the original event is not an object"))
  }
  return fromOriginal(propagator, triggers.chain, original, lambdaContext, notes, 0)
}

const extract = (
  propagator: Propagator["Type"],
  triggers: Triggers,
  state: Option.Option<DurableState.DurableState.Service>,
  event: unknown,
  lambdaContext: unknown,
  invocation: TraceExtractor.Invocation | undefined
): Effect.Effect<TraceExtractor.Extracted, ExtractorFailure> => {
  if (!DurableOperations.isDurableEvent(event)) return Effect.succeed(TraceExtractor.none)
  const envelope = DurableOperations.readEnvelope(event)
  if (envelope._tag === "Err") return Effect.fail(failure(envelope.error.reason, envelope.error.detail))
  const malformedIndex = DurableOperations.firstMalformed(envelope.value.operations)
  if (malformedIndex >= 0) {
    return Effect.fail(failure("MalformedEvent", `Operations[${malformedIndex}] is not an object`))
  }
  const arn = envelope.value.arn
  const onFirst = DurableOperations.findExecution(envelope.value.operations, () => DurableArn.executionId(arn))
  // The EXECUTION operation is on the first page (always, on the real service): no paging effect.
  const marker = envelope.value.nextMarker
  if (onFirst !== undefined || marker === undefined) {
    return fromExecution(propagator, triggers, { operation: onFirst, notes: envelope.value.notes }, lambdaContext)
  }
  return Effect.flatMap(
    findOnLaterPages(envelope.value, marker, DurableArn.executionId(arn), state, lambdaContext, invocation),
    (execution) => fromExecution(propagator, triggers, execution, lambdaContext)
  )
}

/**
 * Builds the extractor over the trigger extractors present in the context (collected once, when the layer is
 * built) and the optional `DurableState` service.
 */
export const make: Effect.Effect<TraceExtractor.TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const extractors = yield* TriggerServices.collect
  const triggers: Triggers = { chain: ExtractorChain.make(extractors), screen: textScreen(extractors) }
  const state = yield* Effect.serviceOption(DurableState.DurableState)
  return TraceExtractor.make({
    name: NAME,
    extract: (event, lambdaContext, invocation) =>
      extract(propagator, triggers, state, event, lambdaContext, invocation),
    group: Builtin.durable
  })
})

export const layer: Layer.Layer<DurableInputExtractor, never, Propagator> = Layer.effect(DurableInputExtractor, make)
