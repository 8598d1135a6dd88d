import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli } from "../cli/support.js"
import { cliOverExamples } from "./support.js"

// The CLI names the extractor that found each example event (the default chain, as a Lambda would run it), with the
// ids written in the example's carrier and the number of span links from the other records.
const examples: ReadonlyArray<{
  readonly file: string
  readonly extractor: string
  readonly traceId: string
  readonly links?: number
}> = [
  { file: "examples/events/sqs.json", extractor: "sqs", traceId: "4555236104497098341" },
  { file: "examples/events/sqs-sns-raw-delivery.json", extractor: "sqs", traceId: "1063723200171180135" },
  { file: "examples/events/sqs-batch-mixed.json", extractor: "sqs", traceId: "5215804282609844194", links: 2 },
  { file: "examples/events/sns.json", extractor: "sns", traceId: "6966585609680374559" },
  { file: "examples/events/sns-binary.json", extractor: "sns", traceId: "5700693456819986228" },
  { file: "examples/events/snssqs.json", extractor: "sns-sqs", traceId: "2776434475358637757" },
  { file: "examples/events/snssqs-binary.json", extractor: "sns-sqs", traceId: "5953031553780290079" },
  { file: "examples/events/eventbridge.json", extractor: "eventbridge", traceId: "5827606813695714842" },
  { file: "examples/events/eventbridge-lifted.json", extractor: "eventbridge", traceId: "1063723200171180135" },
  // Computed with the Step Functions hash by datadog-lambda-js (see the EventBridge tests).
  { file: "examples/events/eventbridge-step-functions.json", extractor: "eventbridge", traceId: "7933038278149562230" },
  { file: "examples/events/eventbridge-sqs.json", extractor: "eventbridge-sqs", traceId: "7379586022458917877" },
  { file: "examples/events/kinesis.json", extractor: "kinesis", traceId: "667309514221035538" },
  { file: "examples/events/kafka-msk.json", extractor: "kafka", traceId: "2083359213027480927", links: 1 },
  { file: "examples/events/kafka-self-managed.json", extractor: "kafka", traceId: "11803532876627986230" }
]

describe("CLI extractor names (SQS, SNS, SNS→SQS, EventBridge, EventBridge→SQS, Kinesis, Kafka)", () => {
  cliOverExamples(examples.map((e) => e.file), (lines) =>
    examples.forEach((example, index) => {
      const line = lines[index]!
      assert.deepStrictEqual(
        [line["extractor"], line["traceId"], line["links"]],
        [example.extractor, example.traceId, example.links ?? 0],
        example.file
      )
    }))

  it.effect("the table output names the extractor and the links of a batch", () =>
    Effect.gen(function*() {
      const run = yield* runCli(["extract", "examples/events/sqs-batch-mixed.json"])
      assert.strictEqual(run.status, 0, run.stderr)
      const row = run.stdout.split("\n").find((line) => line.startsWith("examples/events/sqs-batch-mixed.json"))
      assert.isDefined(row, run.stdout)
      assert.match(row!, /\bsqs\b.*5215804282609844194.*6b06a01500000000.*651781675931141396\s+2\s+-\s+2\s*$/)
    }))
})
