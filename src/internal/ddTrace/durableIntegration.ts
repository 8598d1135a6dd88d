/**
 * Whether dd-trace's own durable integration writes the checkpoint of an invocation, so the durable wrapper's
 * writer steps aside. Both signals are needed: the plugin listens on its terminate channel only when
 * cross-invocation tracing is on, and it can be enabled while the SDK copy that ran was loaded uninstrumented
 * (CommonJS, or imported before dd-trace), in which case nobody else would write.
 */
import * as DiagnosticsChannel from "node:diagnostics_channel"
import { isRecord } from "../propagation/carrier.js"

/** The diagnostics channel dd-trace's durable plugin subscribes to when its checkpoint writer is enabled. */
export const TERMINATE_CHANNEL = "apm:aws-durable-execution-sdk-js:terminate"

/** The start event dd-trace's orchestrion rewrite of the SDK publishes for every instrumented invocation. */
export const RUN_HANDLER_START_CHANNEL = "tracing:orchestrion:@aws/durable-execution-sdk-js:withDurableExecution:start"

const instrumentedEvents = new WeakSet<object>()
let observingInstrumentation = false

/** Starts remembering the events an instrumented SDK ran (once per process). */
export const observeInstrumentation = (): void => {
  if (observingInstrumentation) return
  observingInstrumentation = true
  DiagnosticsChannel.subscribe(RUN_HANDLER_START_CHANNEL, (message) => {
    const event = isRecord(message) ? (message.arguments as ArrayLike<unknown> | undefined)?.[0] : undefined
    if (typeof event === "object" && event !== null) instrumentedEvents.add(event)
  })
}

/**
 * `true` when dd-trace's durable integration wrote (or will write) the checkpoint of the invocation that ran on
 * `sdkEvent`: its plugin listens with cross-invocation tracing on, and the SDK that ran was instrumented.
 */
export const writerActive = (sdkEvent: object): boolean =>
  DiagnosticsChannel.hasSubscribers(TERMINATE_CHANNEL) && instrumentedEvents.has(sdkEvent)
