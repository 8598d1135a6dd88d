/**
 * The durable SDK under `DurableTracing`: imported on the first invocation (so importing the library never requires
 * it), it wraps the handler with the configured transport watched. Effect-free, shared by both lines.
 */
import * as DurableIntegration from "../ddTrace/durableIntegration.js"
import type {
  DurableExecutionClient,
  DurableExecutionConfig,
  DurableExecutionHandler,
  DurableLambdaHandler,
  Sdk as DurableSdk
} from "../durableSdk.js"
import { importOptionalPeer } from "../optionalPeer.js"
import * as Transport from "./transport.js"

/** A value made on first use and kept; a failed attempt is forgotten, so the next call tries again. */
export const lazy = <A>(make: () => Promise<A>): () => Promise<A> => {
  let value: Promise<A> | undefined
  return () => {
    if (value === undefined) {
      value = make()
      value.catch(() => {
        value = undefined
      })
    }
    return value
  }
}

const withoutClient = (config: DurableExecutionConfig | undefined): DurableExecutionConfig => {
  if (config === undefined) return {}
  const { client: _client, ...rest } = config
  return rest
}

/** The SDK's handler for the wrapped one, and the transport it was configured with (unwatched). */
export interface Loaded {
  readonly handler: DurableLambdaHandler
  readonly transport: DurableExecutionClient
}

/**
 * The SDK's handler, loaded on the first call: the SDK imported, `withDurableExecution` over `sdkHandler` with the
 * config's transport (or a `DurableExecutionApiClient` over its `client`) watched for the invocations in `storage`.
 */
export const loader = (
  storage: Transport.Observing,
  sdkHandler: DurableExecutionHandler<any, any, any>,
  config: DurableExecutionConfig | undefined
): () => Promise<Loaded> =>
  lazy(async () => {
    const sdk = await importOptionalPeer("@aws/durable-execution-sdk-js") as DurableSdk
    const transport = config?.durableExecutionClient ?? new sdk.DurableExecutionApiClient(config?.client)
    // A config with both `client` and `durableExecutionClient` is passed unchanged: the SDK reports it.
    const sdkConfig: DurableExecutionConfig =
      config?.client !== undefined && config.durableExecutionClient !== undefined
        ? config
        : { ...withoutClient(config), durableExecutionClient: Transport.observing(storage, transport) }
    return { handler: sdk.withDurableExecution(sdkHandler, sdkConfig), transport }
  })

/** What every invocation does first: starts watching for dd-trace's instrumentation of the SDK (once). */
export const beforeInvocation = (): void => DurableIntegration.observeInstrumentation()
