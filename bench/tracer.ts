/**
 * An initialised, offline dd-trace for the benchmarks: both sides extract through it.
 */

/** dd-trace's exports as used here. */
export interface Tracer {
  readonly init: (options: Record<string, unknown>) => unknown
  readonly extract: (format: string, carrier: unknown) => unknown
}

const offline: Record<string, string> = {
  DD_TRACE_STARTUP_LOGS: "false",
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
  DD_REMOTE_CONFIG_ENABLED: "false",
  DD_RUNTIME_METRICS_ENABLED: "false",
  DD_TRACE_AGENT_URL: "http://127.0.0.1:9",
  DD_TRACE_ENABLED: "true"
}

/**
 * Loads and initialises dd-trace once (no plugins, nothing sent). `_X_AMZN_TRACE_ID` is removed so that "no
 * context" means none on both sides (in Lambda, both would fall back to the X-Ray header).
 */
export const init = async (): Promise<Tracer> => {
  for (const key of Object.keys(offline)) process.env[key] ??= offline[key]
  delete process.env._X_AMZN_TRACE_ID
  const module = (await import("dd-trace")) as unknown as { readonly default?: Tracer } & Tracer
  const tracer = module.default ?? module
  tracer.init({ plugins: false })
  return tracer
}
