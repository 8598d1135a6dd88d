/**
 * The layers of the built-in extractors on Effect 4, each over the propagator in context: the trigger ones from
 * their shared definitions (`internal/triggers/definitions.ts`), the durable ones from their shared programs
 * (`internal/durable/checkpointProgram.ts`, `inputProgram.ts`).
 */
import * as Config from "effect/Config"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as CheckpointProgram from "../../internal/durable/checkpointProgram.js"
import * as InputProgram from "../../internal/durable/inputProgram.js"
import * as Definitions from "../../internal/triggers/definitions.js"
import type { Trigger } from "../../internal/triggers/trigger.js"
import { DurableState } from "../services/DurableState.js"
import * as Extractors from "../services/Extractors.js"
import { Propagator } from "../services/Propagator.js"
import type { TraceExtractor } from "../services/TraceExtractor.js"
import * as Driver from "./driver.js"
import * as DurableDriver from "./durableDriver.js"
import * as Chain from "./extractorChain.js"

/** The trigger extractor services in chain order (batch-wrapped sources before plain SQS). */
export const triggerServices: ReadonlyArray<Context.Key<any, TraceExtractor>> = [
  Extractors.HttpExtractor,
  Extractors.SnsExtractor,
  Extractors.SnsSqsExtractor,
  Extractors.EventBridgeSqsExtractor,
  Extractors.AppSyncExtractor,
  Extractors.SqsExtractor,
  Extractors.KinesisExtractor,
  Extractors.EventBridgeExtractor,
  Extractors.StepFunctionsExtractor,
  Extractors.KafkaExtractor
]

/**
 * The durable checkpoint extractor. A `DurableState` service present in the context (or set per invocation with
 * `DurableState.withClient`) is used to read later pages.
 */
export const durableCheckpoint: Effect.Effect<TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const state = yield* Effect.serviceOption(DurableState)
  return DurableDriver.extractor(
    CheckpointProgram.NAME,
    (event) => CheckpointProgram.program(DurableDriver.env, event),
    { propagator, state }
  )
})

/**
 * The durable input-payload extractor, over the trigger extractors present in the context (collected once, when
 * the layer is built) and the optional `DurableState` service.
 */
export const durableInput: Effect.Effect<TraceExtractor, never, Propagator> = Effect.gen(function*() {
  const propagator = yield* Propagator
  const extractors = yield* Chain.collect(triggerServices)
  const screen = InputProgram.textScreen(extractors.map((extractor) => extractor.textGuard))
  const state = yield* Effect.serviceOption(DurableState)
  return DurableDriver.extractor(
    InputProgram.NAME,
    (event, lambdaContext, invocation) =>
      InputProgram.program(DurableDriver.env, { screen, lambdaContext, invocation }, event),
    { propagator, state, triggers: Chain.make(extractors) }
  )
})

/**
 * The HTTP extractor, reading `DD_DECODE_AUTHORIZER_CONTEXT` (default `true`; an unreadable value keeps the
 * default).
 */
export const http: Effect.Effect<TraceExtractor, never, Propagator> = Effect.flatMap(
  Config.Boolean("DD_DECODE_AUTHORIZER_CONTEXT").pipe(Config.withDefault(true), Effect.orElseSucceed(() => true)),
  (decodeAuthorizerContext) => Driver.make(Definitions.http({ decodeAuthorizerContext }))
)

const layerOf = <I>(key: Context.Key<I, TraceExtractor>, trigger: Trigger): Layer.Layer<I, never, Propagator> =>
  Layer.effect(key, Driver.make(trigger))

/** Every trigger extractor. */
export const layerTriggers = Layer.mergeAll(
  Layer.effect(Extractors.HttpExtractor, http),
  layerOf(Extractors.SnsExtractor, Definitions.sns),
  layerOf(Extractors.SnsSqsExtractor, Definitions.snsSqs),
  layerOf(Extractors.EventBridgeSqsExtractor, Definitions.eventBridgeSqs),
  layerOf(Extractors.AppSyncExtractor, Definitions.appSync),
  layerOf(Extractors.SqsExtractor, Definitions.sqs),
  layerOf(Extractors.KinesisExtractor, Definitions.kinesis),
  layerOf(Extractors.EventBridgeExtractor, Definitions.eventBridge),
  layerOf(Extractors.StepFunctionsExtractor, Definitions.stepFunctions),
  layerOf(Extractors.KafkaExtractor, Definitions.kafka)
)

/** Every built-in extractor (the custom one is the app's to provide). */
export const layerExtractors = Layer.mergeAll(
  Layer.effect(Extractors.DurableCheckpointExtractor, durableCheckpoint),
  Layer.effect(Extractors.DurableInputExtractor, durableInput),
  layerOf(Extractors.LambdaContextExtractor, Definitions.lambdaContext),
  layerOf(Extractors.XRayExtractor, Definitions.xRay)
).pipe(Layer.provideMerge(layerTriggers))
