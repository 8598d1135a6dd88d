import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    env: {
      DD_TRACE_STARTUP_LOGS: "false",
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
      DD_REMOTE_CONFIG_ENABLED: "false",
      DD_TRACE_AGENT_URL: "http://127.0.0.1:9",
      DD_TRACE_ENABLED: "true"
    }
  }
})
