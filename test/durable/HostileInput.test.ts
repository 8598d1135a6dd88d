// Deep and wide values of the wrong type in every field the durable extractors decode, on the first page and on a
// later one: a typed failure naming the field and what it expected, never a defect, never the value. How long they
// take is measured in bench/hostile.ts; here the failure summary is shown to read nothing of the value at all.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type { ExtractionResult } from "../../src/domain/ExtractionResult.js"
import * as OperationFields from "../../src/internal/durable/operationFields.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import * as DurableState from "../../src/services/DurableState.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import { checkpoint, durableChain, envelope, execution, headers } from "../support/durable/events.js"
import { fakeTransport } from "../support/durable/pages.js"

const SECRET = "s3cr3t-value"

/** The values, as the runtime hands them over: parsed from JSON text. */
const hostile: ReadonlyArray<readonly [string, () => unknown]> = [
  ["a 5,000-level object", () => JSON.parse(`{"${SECRET}":`.repeat(5000) + "1" + "}".repeat(5000))],
  ["a 5,000-level list", () => JSON.parse("[".repeat(5000) + `"${SECRET}"` + "]".repeat(5000))],
  [
    "a 100,000-key object",
    () => JSON.parse(`{${Array.from({ length: 100_000 }, (_, i) => `"${SECRET}${i}":${i}`).join(",")}}`)
  ],
  ["a 100,000-element list", () => JSON.parse(`[${Array.from({ length: 100_000 }, () => `"${SECRET}"`).join(",")}]`)]
]

const carrier = headers("11", "22")

interface Position {
  readonly field: string
  /** The envelope's operations, and a later page's, with `value` in the field. */
  readonly build: (value: unknown) => { readonly first: Array<unknown>; readonly later?: Array<unknown> }
  readonly extractor: "durable-checkpoint" | "durable-input"
  /** Values of the field's own type (an object where an object is expected) do not fail. */
  readonly fails: (value: unknown) => boolean
}

const always = () => true
const notAnObject = (value: unknown) => Array.isArray(value)

const positions: ReadonlyArray<Position> = [
  {
    field: "ExecutionDetails.InputPayload",
    build: (value) => ({ first: [{ ...execution(), ExecutionDetails: { InputPayload: value } }] }),
    extractor: "durable-input",
    fails: always
  },
  {
    field: "ExecutionDetails",
    build: (value) => ({ first: [{ ...execution(), ExecutionDetails: value }] }),
    extractor: "durable-input",
    fails: notAnObject
  },
  {
    field: "Type",
    build: (value) => ({ first: [execution(), checkpoint(1, carrier, { Type: value })] }),
    extractor: "durable-checkpoint",
    fails: always
  },
  {
    field: "Status",
    build: (value) => ({ first: [execution(), checkpoint(1, carrier, { Status: value })] }),
    extractor: "durable-checkpoint",
    fails: always
  },
  {
    field: "Payload",
    build: (value) => ({ first: [execution(), { ...checkpoint(1, carrier), Payload: value }] }),
    extractor: "durable-checkpoint",
    fails: notAnObject
  },
  {
    field: "StepDetails",
    build: (value) => ({ first: [execution(), checkpoint(1, carrier, { StepDetails: value })] }),
    extractor: "durable-checkpoint",
    fails: notAnObject
  },
  {
    field: "StepDetails.Result",
    build: (value) => ({ first: [execution(), checkpoint(1, carrier, { StepDetails: { Result: value } })] }),
    extractor: "durable-checkpoint",
    fails: notAnObject
  },
  {
    field: "Type",
    build: (value) => ({ first: [execution()], later: [checkpoint(1, carrier, { Type: value })] }),
    extractor: "durable-checkpoint",
    fails: always
  }
]

const run = (position: Position, value: unknown) => {
  const { first, later } = position.build(value)
  const event = later === undefined ? envelope(first) : envelope(first, { NextMarker: "page-2" })
  const transport = fakeTransport({ "page-2": { Operations: later ?? [], NextMarker: "" } })
  return ExtractorChain.extract(event, {}).pipe(
    Effect.provide(
      durableChain.pipe(
        Layer.provide(Layer.merge(NativePropagator.layer(), DurableState.layerFromClient(transport)))
      )
    )
  )
}

const attemptOf = (result: ExtractionResult, extractor: string) =>
  result.attempts.find((a) => a.extractor === extractor)

describe("hostile values in decoded fields", () => {
  for (const [name, make] of hostile) {
    it.effect(`${name}: a typed failure naming the field, in every position, on every page`, () =>
      Effect.gen(function*() {
        const value = make()
        for (const position of positions) {
          const result = yield* run(position, value)
          for (const attempt of result.attempts) assert.notStrictEqual(attempt.reason, "Defect", attempt.detail)
          const attempt = attemptOf(result, position.extractor)
          if (!position.fails(value)) {
            assert.notStrictEqual(attempt?.reason, "Defect")
            continue
          }
          assert.strictEqual(attempt?.outcome, "failed", `${position.field}: ${JSON.stringify(attempt)}`)
          assert.include(attempt?.detail, `${position.field}: expected`)
          assert.notInclude(attempt?.detail, SECRET)
          assert.isBelow(attempt?.detail?.length ?? 0, 600)
        }
      }))
  }

  it("the failure summary reads nothing of the value, however large", () => {
    let reads = 0
    const tripwire = new Proxy<Record<string, unknown>>({}, {
      get: () => {
        reads++
        return undefined
      },
      ownKeys: () => {
        reads++
        return []
      },
      has: () => {
        reads++
        return false
      },
      getOwnPropertyDescriptor: () => {
        reads++
        return undefined
      },
      getPrototypeOf: () => {
        reads++
        return Object.prototype
      }
    })
    for (const field of ["Type", "Status"]) {
      const decoded = OperationFields.decodeView({ Name: "_datadog_1", [field]: tripwire })
      assert.isTrue(Either.isLeft(decoded))
      const before = reads
      const text = Either.isLeft(decoded) ? OperationFields.invalidFields(decoded.left) : ""
      assert.strictEqual(reads, before)
      assert.strictEqual(text, `${field}: expected a string`)
    }
  })
})
