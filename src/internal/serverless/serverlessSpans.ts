/**
 * The serverless view of one invocation on the Effect 3 line: the shared description (`serverlessView.ts`) over
 * this line's extraction results and trigger Schemas, and its settings as a `Config`.
 */
import * as Config from "effect/Config"
import * as Option from "effect/Option"
import * as ExtractionResult from "../../domain/ExtractionResult.js"
import type { Invocation as SharedWork } from "../invocation.js"
import * as Schemas from "../triggers/schemas.js"
import type * as ColdStart from "./coldStart.js"
import * as View from "./serverlessView.js"
import type { Tags } from "./spanDescription.js"

export {
  complete,
  DEFAULT_SPAN_NAME,
  defaults,
  durableTriggerEvent,
  ENV_KEYS,
  EXECUTION_STATUS,
  fromEnv,
  MAX_DURABLE_INPUT_LENGTH,
  parseServiceMapping,
  VERSION
} from "./serverlessView.js"
export type { Completion, Description, Options, Outcome } from "./serverlessView.js"

/**
 * The options as a `Config`: the variables of {@link View.fromEnv}, each read as text from the current
 * `ConfigProvider` (so `ConfigProvider.fromMap` sets them in a test) and interpreted as `fromEnv` does.
 * `overrides` win.
 */
export const config = (overrides: Partial<View.Options> = {}): Config.Config<View.Options> =>
  Config.map(
    Config.all(View.ENV_KEYS.map((key) => Config.option(Config.string(key)))),
    (values) => View.fromValues(values.map(Option.getOrUndefined), overrides)
  )

/**
 * One invocation: the event and Lambda context as the handler receives them, what the extractor chain found
 * (`undefined` when it did not run), the cold-start state's verdict, and the time the invocation span starts
 * (milliseconds since the epoch).
 */
export interface Invocation {
  readonly event: unknown
  readonly context: unknown
  readonly extraction: ExtractionResult.ExtractionResult | undefined
  readonly coldStart: ColdStart.Invocation
  readonly now: number
  /** The work the invocation's extractors shared (see `View.Invocation`). */
  readonly shared?: SharedWork | undefined
}

const extractorOf = (extraction: ExtractionResult.ExtractionResult | undefined) =>
  extraction === undefined ? undefined : Option.getOrUndefined(ExtractionResult.extractor(extraction))

/** `View.parentSource` of the extractor that found the result's context. */
export const parentSource = (
  extraction: ExtractionResult.ExtractionResult | undefined,
  mergeXrayTraces: boolean
): "event" | "xray" | undefined => View.parentSource(extractorOf(extraction), mergeXrayTraces)

/** `View.stepFunctionsTags` for the extractor that found the result's context. */
export const stepFunctionsTags = (
  event: unknown,
  extraction: ExtractionResult.ExtractionResult | undefined
): Tags | undefined => View.stepFunctionsTags(event, extractorOf(extraction))

/** `View.describe` of this line's extraction result, with its trigger Schemas. */
export const describe = (invocation: Invocation, options: View.Options = View.defaults): View.Description =>
  View.describe(
    {
      event: invocation.event,
      context: invocation.context,
      extractor: extractorOf(invocation.extraction),
      coldStart: invocation.coldStart,
      now: invocation.now,
      shared: invocation.shared
    },
    options,
    Schemas.decoders
  )
