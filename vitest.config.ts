import * as os from "node:os"
import * as path from "node:path"
import { defineConfig } from "vitest/config"

// Test files that change process-wide state for their own cases (dd-trace initialised with other options or not at
// all, the environment, the globally registered tracer) need a process each. `npm run test:unit` runs the suite in two
// passes: every other file, sharing each worker's module graph (Effect, dd-trace and fast-check load once per
// worker, not once per file), and these, isolated (`TEST_ISOLATED=1`), at the same time (scripts/test.mjs).
const isolatedFiles = [
  "test/propagation/DdTracePropagator.test.ts",
  "test/chain/Extractors.test.ts",
  "test/tracing/DdTraceTracer.test.ts",
  "test/tracing/DdTraceTracerUninitialised.test.ts",
  "test/triggers/xray.test.ts",
  "test/writer/DdTraceCompat.test.ts"
]
const isolated = process.env.TEST_ISOLATED === "1"

export default defineConfig({
  // Vitest keeps its results (slowest files first on the next run) outside the working tree.
  cacheDir: path.join(os.tmpdir(), "effect-datadog-lambda-vitest"),
  test: {
    include: isolated ? isolatedFiles : ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // test/effect4 is the Effect 4 line's, run by its own vitest (test/effect4/vitest.config.ts).
    exclude: isolated ? [] : [...isolatedFiles, "test/effect4/**"],
    isolate: isolated,
    // Two workers on the shared pass even on two cores: the durable files mostly wait on real timers.
    maxWorkers: isolated ? 1 : 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // @effect-aws/lambda's runtime logs its shutdown when a worker that ran a LambdaHandler ends.
    onConsoleLog: (log) => !log.startsWith("[runtime] "),
    env: {
      DD_TRACE_STARTUP_LOGS: "false",
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
      DD_REMOTE_CONFIG_ENABLED: "false",
      DD_TRACE_AGENT_URL: "http://127.0.0.1:9",
      DD_TRACE_ENABLED: "true"
    }
  }
})
