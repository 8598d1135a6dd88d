/**
 * The parts of `@aws/durable-execution-sdk-js` this package touches, described structurally so that its published
 * declarations never import the SDK (an optional peer). The SDK's own types are assignable to these.
 */

/** `GetDurableExecutionState`'s request, as the SDK's transport receives it. */
export interface GetExecutionStateRequest {
  readonly DurableExecutionArn: string
  readonly CheckpointToken?: string | undefined
  readonly Marker?: string | undefined
  readonly MaxItems?: number | undefined
}

/** The SDK's transport (`DurableExecutionClient`): reads execution state and writes checkpoints. */
export interface DurableExecutionClient {
  getExecutionState(params: any, logger?: unknown): Promise<any>
  checkpoint(params: any, logger?: unknown): Promise<any>
}

/** The SDK's `DurableExecutionConfig`. */
export interface DurableExecutionConfig {
  /** A `LambdaClient` (deprecated by the SDK in favour of `durableExecutionClient`). */
  readonly client?: unknown
  readonly durableExecutionClient?: DurableExecutionClient | undefined
}

/**
 * The SDK's `DurableContext` as far as this package describes it. Annotate the handler's parameter with the SDK's
 * own `DurableContext` for its full type: the wrappers take the context type from the handler.
 */
export interface DurableContext {
  step<A>(name: string | undefined, fn: (context: any) => Promise<A>, config?: object): PromiseLike<A>
  step<A>(fn: (context: any) => Promise<A>, config?: object): PromiseLike<A>
  wait(name: string, duration: Duration): PromiseLike<void>
  wait(duration: Duration): PromiseLike<void>
}

/** A duration as the SDK's `wait` takes it. */
export type Duration =
  | { readonly days: number; readonly hours?: number; readonly minutes?: number; readonly seconds?: number }
  | { readonly hours: number; readonly minutes?: number; readonly seconds?: number }
  | { readonly minutes: number; readonly seconds?: number }
  | { readonly seconds: number }

/** The SDK's `DurableExecutionHandler`: the durable workflow itself. */
export type DurableExecutionHandler<TEvent = any, TResult = any, TContext = DurableContext> = (
  event: TEvent,
  context: TContext
) => Promise<TResult>

/**
 * The SDK's `DurableLambdaHandler`: what the Lambda runtime invokes with the durable envelope. Its result is the
 * SDK's `DurableExecutionInvocationOutput` (`Status` `SUCCEEDED`, `FAILED` or `PENDING`).
 */
export type DurableLambdaHandler = (event: any, context: any) => Promise<any>

/** What the SDK returns for an invocation, as far as this package reads it. */
export interface InvocationOutput {
  readonly Status?: unknown
}

/** The SDK module's exports this package calls. */
export interface Sdk {
  readonly DurableExecutionApiClient: new(client?: unknown) => DurableExecutionClient
  readonly withDurableExecution: (
    handler: DurableExecutionHandler,
    config: DurableExecutionConfig
  ) => DurableLambdaHandler
}
