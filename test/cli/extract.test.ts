import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { jsonLines, runCli } from "./support.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edl-cli-"))
const write = (name: string, value: unknown) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value))
  return file
}

const apiGateway = write("api.json", {
  resource: "/",
  path: "/",
  httpMethod: "GET",
  headers: {
    "X-Datadog-Trace-Id": "1311693406324658740",
    "X-Datadog-Parent-Id": "48059",
    "X-Datadog-Sampling-Priority": "2",
    "X-Datadog-Origin": "rum",
    "X-Datadog-Tags": "_dd.p.dm=-4,_dd.p.tid=6a5f3e2100000000"
  },
  requestContext: { stage: "prod", requestId: "r-1" }
})
const empty = write("empty.json", { hello: "world" })
const broken = write("broken.json", "{not json")
const missing = path.join(dir, "missing.json")
const clientContext = write("context.json", {
  clientContext: { custom: { "x-datadog-trace-id": "555", "x-datadog-parent-id": "666" } }
})

const KEYS = [
  "file",
  "found",
  "extractor",
  "traceId",
  "traceIdHigh",
  "parentId",
  "samplingPriority",
  "origin",
  "tags",
  "attempts"
]

describe("cli extract", () => {
  it.effect("prints one JSON object per file with the contract's keys", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--json", apiGateway, empty])
      assert.strictEqual(run.status, 0, run.stderr)
      const [api, none] = jsonLines(run.stdout)
      for (const line of [api!, none!]) for (const key of KEYS) assert.property(line, key)
      assert.deepInclude(api, {
        file: apiGateway,
        found: true,
        extractor: "http",
        traceId: "1311693406324658740",
        traceIdHigh: "6a5f3e2100000000",
        parentId: "48059",
        samplingPriority: 2,
        origin: "rum"
      })
      assert.deepStrictEqual(api!.tags, { "_dd.p.dm": "-4", "_dd.p.tid": "6a5f3e2100000000" })
      assert.deepInclude(none, { found: false, extractor: null, traceId: null, samplingPriority: null })
      const attempts = none!.attempts as Array<{ extractor: string; outcome: string }>
      assert.isAbove(attempts.length, 3)
      assert.isTrue(attempts.every((attempt) => attempt.outcome === "none"))
    }))

  it.effect("names a missing or non-JSON file in one line, processes the others, and exits 2", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--json", missing, apiGateway, broken])
      assert.strictEqual(run.status, 2)
      assert.deepStrictEqual(jsonLines(run.stdout).map((line) => line.file), [apiGateway])
      const errors = run.stderr.trim().split("\n")
      assert.strictEqual(errors.length, 2)
      assert.include(errors[0], missing)
      assert.include(errors[1], broken)
      assert.notInclude(run.stderr, "    at ")
    }))

  it.effect("reads the Lambda client context from --context", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--json", "--context", clientContext, empty])
      assert.strictEqual(run.status, 0, run.stderr)
      assert.deepInclude(jsonLines(run.stdout)[0], { found: true, extractor: "lambda-context", traceId: "555" })
    }))

  it.effect("falls back to the X-Ray header in _X_AMZN_TRACE_ID", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--json", empty], {
        _X_AMZN_TRACE_ID: "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1"
      })
      assert.strictEqual(run.status, 0, run.stderr)
      assert.deepInclude(jsonLines(run.stdout)[0], {
        found: true,
        extractor: "xray",
        traceId: "3995693151288333088",
        parentId: "10713633173203262661"
      })
    }))

  it.effect("extracts through real dd-trace with --propagator dd-trace", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--json", "--propagator", "dd-trace", apiGateway])
      assert.strictEqual(run.status, 0, run.stderr)
      assert.deepInclude(jsonLines(run.stdout)[0], {
        found: true,
        extractor: "http",
        traceId: "1311693406324658740",
        traceIdHigh: "6a5f3e2100000000",
        samplingPriority: 2
      })
    }))

  it.effect("prints a readable table without --json", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", apiGateway, empty])
      assert.strictEqual(run.status, 0, run.stderr)
      const lines = run.stdout.split("\n")
      assert.match(lines[0]!, /^FILE\s+EXTRACTOR\s+TRACE ID/)
      assert.match(run.stdout, /api\.json\s+http\s+1311693406324658740\s+6a5f3e2100000000\s+48059\s+2\s+rum/)
      assert.match(run.stdout, /empty\.json\s+\(none\)/)
    }))

  it.effect("refuses a file larger than the CLI reads, by its size, and goes on with the others", () =>
    Effect.gen(function*() {
      const huge = path.join(dir, "huge.json")
      fs.writeFileSync(huge, "")
      fs.truncateSync(huge, 600 * 1024 * 1024) // sparse: nothing is written
      const run = yield* runCli(["extract", "--json", huge, apiGateway])
      assert.strictEqual(run.status, 2)
      assert.match(run.stderr, /huge\.json: too large \(629145600 bytes; the limit is \d+\)/)
      assert.deepStrictEqual(jsonLines(run.stdout).map((line) => line.file), [apiGateway])
    }))

  it.effect("prints usage for no command, an unknown one or no FILE, and help on --help", () =>
    Effect.gen(function*() {
      for (const args of [[], ["decode", "x.json"], ["extract"], ["extract", "--jsn", empty]]) {
        const run = yield* runCli(args)
        assert.strictEqual(run.status, 2, args.join(" "))
        assert.include(run.stdout + run.stderr, "usage: effect-datadog-lambda extract")
      }
      const help = yield* runCli(["extract", "--help"])
      assert.strictEqual(help.status, 0)
      assert.include(help.stdout, "--propagator native|dd-trace")
    }))

  it.effect("rejects a bad --propagator value without a stack trace", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "--propagator", "zipkin", empty])
      assert.notStrictEqual(run.status, 0)
      assert.notInclude(run.stderr + run.stdout, "    at ")
    }))
})
