import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { jsonLines, runCli } from "../cli/support.js"
import { nativeSupportsW3c } from "./http-support.js"
import { cliOverExamples } from "./support.js"

// The CLI names the extractor that found each example event (the default chain, as a Lambda would run it).
const examples: ReadonlyArray<{ readonly file: string; readonly extractor: string | null; readonly w3c?: true }> = [
  { file: "examples/events/apigw-v1.json", extractor: "http" },
  { file: "examples/events/apigw-v2-w3c.json", extractor: "http", w3c: true },
  { file: "examples/events/alb-multivalue.json", extractor: "http" },
  { file: "examples/events/function-url.json", extractor: "http" },
  { file: "examples/events/authorizer-request-v1.json", extractor: "http" },
  { file: "examples/events/authorizer-request-v2-cached.json", extractor: null },
  { file: "examples/events/authorizer-websocket-message.json", extractor: null },
  { file: "examples/events/appsync.json", extractor: "appsync" },
  { file: "examples/events/step-functions-nested.json", extractor: "step-functions" },
  { file: "examples/events/step-functions-lambda-root.json", extractor: "step-functions" },
  { file: "examples/events/step-functions-legacy-payload.json", extractor: "step-functions" }
]

const SPEC_XRAY = "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1"

describe("CLI extractor names (HTTP, AppSync, Step Functions, Lambda context, X-Ray)", () => {
  cliOverExamples(examples.map((e) => e.file), (lines, propagator) => {
    examples.forEach((example, index) => {
      if (example.w3c === true && propagator === "native" && !nativeSupportsW3c) return
      assert.strictEqual(lines[index]!["extractor"], example.extractor, example.file)
    })
    const nested = lines.find((line) => line["file"] === "examples/events/step-functions-nested.json")!
    assert.deepStrictEqual(
      [nested["traceId"], nested["parentId"], nested["traceIdHigh"]],
      ["956857568228103146", "9076575610449653203", "1d9fc009309a1a7b"]
    )
  })

  it.effect("the Lambda client context comes after the triggers, and X-Ray last", () =>
    Effect.gen(function*() {
      const run = yield* runCli(
        [
          "extract",
          "--json",
          "--context",
          "test/fixtures/triggers/lambda-context.json",
          "test/fixtures/triggers/apigw-v1-no-trace.json",
          "test/fixtures/triggers/apigw-v1.json"
        ],
        { _X_AMZN_TRACE_ID: SPEC_XRAY }
      )
      assert.strictEqual(run.status, 0, run.stderr)
      assert.deepStrictEqual(jsonLines(run.stdout).map((line) => [line["extractor"], line["traceId"]]), [
        ["lambda-context", "6047164253208516393"],
        ["http", "4110911582297405551"]
      ])
      const xray = yield* runCli(["extract", "--json", "test/fixtures/triggers/authorizer-websocket-message.json"], {
        _X_AMZN_TRACE_ID: SPEC_XRAY
      })
      const [line] = jsonLines(xray.stdout)
      assert.deepStrictEqual([line!["extractor"], line!["traceId"], line!["parentId"], line!["samplingPriority"]], [
        "xray",
        "3995693151288333088",
        "10713633173203262661",
        null
      ])
    }))
})
