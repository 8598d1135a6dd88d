// The groups of the built-in extractors: a group's guard is checked once for a run of extractors, so it must hold
// whenever any member's own guard does (else the chain would skip an extractor that applies).
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fc from "fast-check"
import * as path from "node:path"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import type * as TraceExtractor from "../../src/services/TraceExtractor.js"
import * as Fixtures from "../support/fixtures.js"

const chainExtractors = Effect.runSync(
  Effect.map(ExtractorChain.ExtractorChain, (chain) => chain.extractors).pipe(
    Effect.provide(DefaultChain.layer.pipe(Layer.provide(NativePropagator.layer())))
  )
)

const lineage = (group: TraceExtractor.Group | undefined): Array<TraceExtractor.Group> =>
  group === undefined ? [] : [group, ...lineage(group.parent)]

const examples: ReadonlyArray<unknown> = [Fixtures.examplesDir, Fixtures.fixturesDir("triggers")].flatMap((dir) =>
  Fixtures.jsonFiles(dir).map((file) => Fixtures.readJson(path.join(dir, file)))
)

/** A real event without some of its top-level keys. */
const without = fc.constantFrom(...examples.filter((example) => typeof example === "object" && example !== null))
  .chain((example) =>
    fc.subarray(Object.keys(example as object)).map((dropped) =>
      Object.fromEntries(Object.entries(example as object).filter(([key]) => !dropped.includes(key)))
    )
  )

// Events near every built-in shape: real captured events with parts replaced, and batches of other sources.
const record = fc.record({
  eventSource: fc.constantFrom("aws:sqs", "aws:s3", "aws:kinesis", "aws:dynamodb", undefined),
  EventSource: fc.constantFrom("aws:sns", undefined),
  Sns: fc.oneof(fc.constant(undefined), fc.constant({ Message: "{}" }), fc.constant(null), fc.constant([])),
  kinesis: fc.oneof(fc.constant(undefined), fc.constant({ data: "e30=" }), fc.constant("x")),
  body: fc.constantFrom("{\"TopicArn\":\"t\"}", "{\"detail-type\":\"d\",\"_datadog\":{}}", "plain", undefined)
}, { requiredKeys: [] })
const event = fc.oneof(
  fc.constantFrom(...examples),
  without,
  fc.record({ Records: fc.array(fc.oneof(record, fc.jsonValue()), { maxLength: 3 }) }),
  fc.tuple(fc.constantFrom(...examples), fc.string(), fc.jsonValue()).map(([base, key, value]) =>
    typeof base === "object" && base !== null ? { ...base, [key]: value } : base
  ),
  fc.jsonValue()
)

describe("built-in extractor groups", () => {
  it("every group guard holds whenever a member's guard does (property over real and altered events)", () => {
    fc.assert(
      fc.property(event, (input) => {
        for (const extractor of chainExtractors) {
          if (extractor.accepts === undefined || !extractor.accepts(input, {})) continue
          for (const group of lineage(extractor.group)) {
            assert.isTrue(group.accepts(input, {}), `${extractor.name} accepts but its group ${group.name} does not`)
          }
        }
      }),
      { numRuns: 3000 }
    )
  })

  it("the records group rejects batches of sources no built-in extractor reads, and accepts the ones they read", () => {
    const records = chainExtractors.find((extractor) => extractor.name === "sqs")!.group!
    assert.strictEqual(records.name, "records")
    assert.strictEqual(records.parent?.name, "triggers")
    assert.isFalse(records.accepts({ Records: [{ eventSource: "aws:s3", s3: {} }] }, {}))
    assert.isFalse(records.accepts({ Records: [{ eventSource: "aws:dynamodb" }] }, {}))
    assert.isFalse(records.accepts({ Records: [] }, {}))
    assert.isTrue(records.accepts({ Records: [{ eventSource: "aws:sqs" }] }, {}))
    assert.isTrue(records.accepts({ Records: [{ Sns: {} }] }, {}))
    assert.isTrue(records.accepts({ Records: [{ kinesis: {} }] }, {}))
  })
})
