import * as os from "node:os"
import * as path from "node:path"
import { defineConfig } from "vitest/config"

// Test files that change process-wide state for their own cases (dd-trace initialised with other options or not at
// all, the environment, the globally registered tracer) need a process each. `npm run test:unit` runs the suite in
// three passes at the same time (scripts/test.mjs): every other file, sharing each worker's module graph (Effect,
// dd-trace and fast-check load once per worker, not once per file); these, isolated (`TEST_ISOLATED=1`); and the
// files that mostly wait on real timers (durable runs on the SDK's local runner: `TEST_WAITING=1`), in a pass of
// their own so that their waits overlap the others' work instead of holding a shared worker.
const isolatedFiles = [
  "test/propagation/DdTracePropagator.test.ts",
  "test/chain/Extractors.test.ts",
  "test/tracing/DdTraceTracer.test.ts",
  "test/tracing/DdTraceTracerUninitialised.test.ts",
  "test/triggers/xray.test.ts",
  "test/writer/DdTraceCompat.test.ts"
]
const waitingFiles = ["test/integration/**/*.test.ts", "test/durable/LiveRuns.test.ts"]
const isolated = process.env.TEST_ISOLATED === "1"
const waiting = process.env.TEST_WAITING === "1"

export default defineConfig({
  // Vitest keeps its results (slowest files first on the next run) outside the working tree.
  cacheDir: path.join(os.tmpdir(), "effect-datadog-lambda-vitest"),
  test: {
    include: isolated ? isolatedFiles : waiting ? waitingFiles : ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // test/effect4 is the Effect 4 line's, run by its own vitest (test/effect4/vitest.config.ts).
    exclude: isolated || waiting ? [] : [...isolatedFiles, ...waitingFiles, "test/effect4/**"],
    isolate: isolated,
    maxWorkers: isolated || waiting ? 1 : 2,
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
