// The Effect 4 line's tests, run by vitest 5 (what @effect/vitest 4 needs) from the Effect 4 workspace: files here
// resolve `effect` and `@effect/vitest` to 4.x through test/effect4/node_modules, a link to that workspace's.
import * as os from "node:os"
import * as path from "node:path"
import { defineConfig } from "vitest/config"

export default defineConfig({
  root: path.resolve(import.meta.dirname, "../.."),
  cacheDir: path.join(os.tmpdir(), "effect-datadog-lambda-vitest-effect4"),
  test: {
    include: ["test/effect4/**/*.test.ts"],
    isolate: false,
    maxWorkers: 1,
    pool: "forks",
    testTimeout: 30_000,
    env: {
      DD_TRACE_STARTUP_LOGS: "false",
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
      DD_REMOTE_CONFIG_ENABLED: "false",
      DD_TRACE_AGENT_URL: "http://127.0.0.1:9"
    }
  }
})
