/**
 * A durable order workflow (`@aws/durable-execution-sdk-js`) written as an Effect handler, traced across all of
 * its invocations with one line: `DurableTracing.make({ handler, layer })`.
 *
 * Each invocation's spans continue the caller's trace on the first invocation and, on resumed invocations, the
 * trace saved in the `_datadog_{N}` checkpoint the previous invocation wrote when it suspended. A priority order
 * asks Datadog to keep its trace (`sampling.priority` 2) once it is ready to ship, which changes the saved context,
 * so the next suspension writes a new checkpoint (`_datadog_1`, still anchored to the first invocation's span).
 *
 * When a resumed invocation's state spans several pages, the wrapper reads the later ones through the SDK's own
 * client to find the newest checkpoint. Each invocation span carries `aws.durable.execution_name`,
 * `aws.durable.execution_id`, `aws.durable.first_invocation` and `aws.durable.invocation_status`; add a tracer to
 * the layer (e.g. `@effect/opentelemetry`'s `Tracer.layerGlobal`) to export them.
 */
import type { DurableContext } from "@aws/durable-execution-sdk-js"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DurableTracing from "../src/wrappers/DurableTracing.js"
import * as Tracing from "../src/wrappers/Tracing.js"

export interface Order {
  readonly orderId: string
  readonly priority?: boolean
  /** How long each stage waits (default 60 seconds). */
  readonly waitSeconds?: number
}

const step = <A>(ctx: DurableContext, name: string, run: () => Promise<A>) =>
  Effect.promise(() => ctx.step(name, run)).pipe(Effect.withSpan(`order.${name}`))

const wait = (ctx: DurableContext, name: string, seconds: number) => Effect.promise(() => ctx.wait(name, { seconds }))

// At the handler's top level the current span is the invocation span: its `sampling.priority` is what the next
// checkpoint saves.
const keepTrace = Effect.annotateCurrentSpan(Tracing.SAMPLING_PRIORITY_ATTRIBUTE, 2)

export const workflow = (order: Order, ctx: DurableContext) =>
  Effect.gen(function*() {
    const reserved = yield* step(ctx, "reserve", async () => ({ orderId: order.orderId, reserved: true }))
    const seconds = order.waitSeconds ?? 60
    yield* wait(ctx, "await-payment-window", seconds)
    const charged = yield* step(ctx, "charge", async () => ({ ...reserved, charged: true }))
    yield* wait(ctx, "await-dispatch-window", seconds)
    if (order.priority === true) yield* keepTrace
    const shipped = yield* step(ctx, "ship", async () => ({ ...charged, shipped: true }))
    yield* wait(ctx, "await-delivery", seconds)
    return yield* step(ctx, "confirm", async () => ({ ...shipped, confirmed: true }))
  })

export const handler = DurableTracing.make({ handler: workflow, layer: Layer.empty })
