// `npm test`: lint, typecheck, the three test passes (shared, isolated, waiting: see vitest.config.ts) and the Effect 4
// line's tests (test/effect4, on vitest 5) run at the same time, since the durable tests spend most of their time
// waiting on real timers. Each task's output is kept and printed only when it fails; a passing task prints one line
// (vitest's counts). `node scripts/test.mjs unit` runs the test passes alone.
import { spawn } from "node:child_process"
import * as path from "node:path"

const root = path.join(import.meta.dirname, "..")
const bin = (name) => path.join(root, "node_modules", ".bin", name)

const all = [
  { name: "lint", command: bin("eslint"), args: ["."] },
  { name: "typecheck", command: bin("tsc"), args: ["--noEmit", "-p", "tsconfig.json"] },
  { name: "tests", command: bin("vitest"), args: ["run"], unit: true },
  { name: "isolated tests", command: bin("vitest"), args: ["run"], env: { TEST_ISOLATED: "1" }, unit: true },
  { name: "waiting tests", command: bin("vitest"), args: ["run"], env: { TEST_WAITING: "1" }, unit: true },
  {
    name: "effect 4 tests",
    command: path.join(root, "src", "effect4", "node_modules", ".bin", "vitest"),
    args: ["run", "--config", "test/effect4/vitest.config.ts"],
    unit: true
  }
]
const tasks = process.argv[2] === "unit" ? all.filter((task) => task.unit) : all

const run = (task) =>
  new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(task.command, task.args, {
      env: { ...process.env, ...task.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk) => output += chunk)
    child.stderr.on("data", (chunk) => output += chunk)
    child.on("error", (error) => output += String(error))
    child.on("close", (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      const counts = output.split("\n").filter((line) => /^\s*(Test Files|Tests)\s/.test(line)).map((line) =>
        line.trim().replace(/\s+/g, " ")
      )
      resolve({
        ...task,
        ok: code === 0,
        output,
        summary: `${task.name} (${seconds} s)${counts.length ? ": " : ""}${counts.join(", ")}`
      })
    })
  })

const results = await Promise.all(tasks.map(run))
for (const result of results) {
  if (!result.ok) process.stdout.write(`\n--- ${result.name} failed ---\n${result.output}\n`)
}
for (const result of results) process.stdout.write(`${result.ok ? "✓" : "✗"} ${result.summary}\n`)
process.exitCode = results.every((result) => result.ok) ? 0 : 1
