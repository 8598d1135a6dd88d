/**
 * Cold starts, decided as datadog-lambda-js 12.143 decides them (`dist/utils/cold-start.js`): the first invocation
 * of a process is a cold start unless it comes more than 10 s after initialisation (then the environment was
 * initialised ahead of the request, and it is flagged `proactive_initialization` instead); every later one is warm,
 * under provisioned concurrency and Lambda Managed Instances too (where only the first invocation a concurrent
 * process starts is cold).
 */

/**
 * The longest gap, in milliseconds, between initialisation and a first invocation that still makes it a cold
 * start.
 */
export const PROACTIVE_INITIALIZATION_GAP = 10_000

/**
 * The process's state: when it initialised (milliseconds since the epoch), and whether it has had an
 * invocation.
 */
export interface State {
  readonly initTime: number
  readonly invoked: boolean
}

/**
 * What an invocation is.
 *
 * - `coldStart`: the `cold_start` tag.
 * - `proactiveInitialization`: the `proactive_initialization` tag (set only when `true`).
 */
export interface Invocation {
  readonly coldStart: boolean
  readonly proactiveInitialization: boolean
}

/** The state of a process that initialised at `initTime` and has had no invocation yet. */
export const make = (initTime: number): State => ({ initTime, invoked: false })

/** An invocation starting at `now`: what it is, and the state after it. */
export const invoke = (state: State, now: number): readonly [Invocation, State] => {
  const first = !state.invoked
  const proactiveInitialization = first && now - state.initTime > PROACTIVE_INITIALIZATION_GAP
  const invocation: Invocation = { coldStart: first && !proactiveInitialization, proactiveInitialization }
  return [invocation, first ? { initTime: state.initTime, invoked: true } : state]
}

// The process's state: a process initialises once, whichever Effect line or wrapper runs its invocations.
let processState: State = make(Date.now())

/** An invocation of this process starting at `now` (see {@link invoke}); the process's state moves on. */
export const invokeProcess = (now: number): Invocation => {
  const [invocation, next] = invoke(processState, now)
  processState = next
  return invocation
}
