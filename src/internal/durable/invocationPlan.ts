/**
 * One durable invocation as `DurableTracing` runs it, but for the Effect parts: the wrapper's options with their
 * defaults, the envelope read into the invocation's state (the transport to watch, the event the SDK sees), the
 * invocation span's durable attributes, and whether and how the suspension's checkpoint is saved. Each line's
 * driver extracts, opens the span, runs the SDK inside it and calls its `CheckpointWriter`. Effect-free, shared by
 * both lines.
 */
import * as DurableIntegration from "../ddTrace/durableIntegration.js"
import type { DurableExecutionClient } from "../durableSdk.js"
import { isRecord } from "../propagation/carrier.js"
import * as DurableFacts from "../serverless/durableFacts.js"
import type * as CheckpointSave from "./checkpointSave.js"
import * as Transport from "./transport.js"

/** The default invocation span name, as dd-trace's durable integration names its span. */
export const DEFAULT_SPAN_NAME = "aws.durable.execute"

/** The invocation span's attribute naming what became of the suspension's checkpoint. */
export const TRACE_CHECKPOINT_ATTRIBUTE = "aws.durable.trace_checkpoint"

/** The longest wait for the handler fibers of a suspended invocation to end once interrupted. */
export const INTERRUPT_TIMEOUT_MILLIS = 200

/** What the SDK threw, kept apart from the wrapper's own failures so the handler rethrows it unchanged. */
export class SdkFailure {
  constructor(readonly error: unknown) {}
}

/** What to do with a dd-trace span active as the invocation starts (`DurableTracing.Options.activeSpan`). */
export type ActiveSpan = "join" | "join-and-extract" | "ignore"

/** The options both lines' `DurableTracing` share, `Limits` being each line's `DurableState.Limits`. */
export interface Options<Limits> {
  readonly spanName?: string | undefined
  readonly ddTraceVersion?: string | undefined
  readonly readLaterPages?: boolean | undefined
  readonly pageLimits?: Partial<Limits> | undefined
  readonly activeSpan?: ActiveSpan | undefined
}

/** The options with their defaults. */
export interface Settings<Limits> {
  readonly spanName: string
  readonly readLaterPages: boolean
  readonly pageLimits: Partial<Limits> | undefined
  readonly activeSpan: ActiveSpan
  /** The serverless view's overrides, when a span name is given. */
  readonly serverless: { readonly spanName: string; readonly ddTraceVersion: string | undefined } | undefined
}

/** Resolves the options. */
export const settings = <Limits>(options: Options<Limits>): Settings<Limits> => ({
  serverless: options.spanName === undefined ? undefined : {
    spanName: options.spanName,
    ddTraceVersion: options.ddTraceVersion
  },
  spanName: options.spanName ?? DEFAULT_SPAN_NAME,
  readLaterPages: options.readLaterPages ?? true,
  pageLimits: options.pageLimits,
  activeSpan: options.activeSpan ?? "join"
})

/** A durable envelope, read: the invocation's state, the event the SDK gets, and the transport to write through. */
export interface Begun<Invocation, Fiber> {
  readonly _tag: "Durable"
  readonly envelope: Readonly<Record<string, unknown>>
  readonly executionArn: string
  readonly state: Transport.State<Invocation, Fiber>
  /** The envelope, or a copy with the harness's transport watched (see `Transport.withObservedClient`). */
  readonly sdkEvent: object
  /** The transport the SDK writes through: the harness's, else the configured one. */
  readonly transport: DurableExecutionClient
}

/**
 * Reads an event: `NotDurable` when it is not a durable envelope (the SDK rejects it; nothing to extract, trace or
 * save), else the invocation's state, its first page's checkpoints observed.
 */
export const begin = <Invocation, Fiber>(
  storage: Transport.Observing,
  event: unknown,
  configTransport: DurableExecutionClient
): Begun<Invocation, Fiber> | { readonly _tag: "NotDurable" } => {
  const envelope = isRecord(event) ? event : undefined
  const executionArn = typeof envelope?.DurableExecutionArn === "string" ? envelope.DurableExecutionArn : undefined
  if (envelope === undefined || executionArn === undefined) return { _tag: "NotDurable" }
  const eventClient = envelope.durableExecutionClient
  const observed = Transport.isClient(eventClient)
  const transport = observed ? eventClient : configTransport
  const state = Transport.makeState<Invocation, Fiber>(
    executionArn,
    transport,
    typeof envelope.CheckpointToken === "string" ? envelope.CheckpointToken : ""
  )
  const initial = envelope.InitialExecutionState
  if (isRecord(initial)) Transport.observeOperations(state, initial.Operations)
  return {
    _tag: "Durable",
    envelope,
    executionArn,
    state,
    sdkEvent: observed ? Transport.withObservedClient(storage, envelope, eventClient) : envelope,
    transport
  }
}

/** The invocation span's attribute naming the execution (the serverless view writes the other durable tags). */
export const arnAttribute = (executionArn: string): Record<string, string> => ({
  [DurableFacts.attributeNames.executionArn]: executionArn
})

/** The invocation span's durable attributes, without the serverless view: the ARN and the envelope's facts. */
export const spanAttributes = (envelope: unknown, executionArn: string): Record<string, string> => {
  const facts = DurableFacts.fromEvent(envelope)
  return facts === undefined
    ? arnAttribute(executionArn)
    : { ...arnAttribute(executionArn), ...DurableFacts.toAttributes(facts) }
}

/** The attribute of the SDK's output (`aws.durable.invocation_status`), set on the invocation span. */
export const statusAttributes: (output: unknown) => Record<string, string> = DurableFacts.statusAttributes

/** `true` when the SDK suspended the execution: its output is `PENDING`, the checkpoint is due. */
export const isPending = (output: unknown): boolean => isRecord(output) && output.Status === "PENDING"

/** The {@link TRACE_CHECKPOINT_ATTRIBUTE} value of dd-trace's own writer. */
export const LEFT_TO_DD_TRACE = "dd-trace"

/** The {@link TRACE_CHECKPOINT_ATTRIBUTE} value when there is no transport or no context to save. */
export const NO_CONTEXT = "NoContext"

/** The debug message when dd-trace's durable integration writes the checkpoint. */
export const leftToDdTraceMessage = "durable trace checkpoint left to dd-trace's durable integration"

/** `true` when dd-trace's durable integration writes this invocation's checkpoint (see `DurableIntegration`). */
export const leftToDdTrace = (sdkEvent: object): boolean => DurableIntegration.writerActive(sdkEvent)

/** The {@link TRACE_CHECKPOINT_ATTRIBUTE} value of a save's outcome: the checkpoint's name, or why none. */
export const outcomeLabel = (outcome: CheckpointSave.Outcome): string =>
  outcome._tag === "Written" ? outcome.name : outcome._tag === "Skipped" ? outcome.reason : `Failed.${outcome.reason}`
