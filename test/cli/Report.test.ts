// The CLI's table shows text from the event (origin, file names, attempt notes): control characters in it are
// escaped, so an event cannot drive the terminal (clear it, retitle it, move the cursor, reverse the text).
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import * as Report from "../../src/cli/Report.js"
import * as TraceContext from "../../src/domain/TraceContext.js"

const HOSTILE = "\u001b[2J\u001b[31mPWNED\u001b]0;title\u0007"

// C0 (with ESC and BEL), DEL, C1, and the Unicode format characters that reorder or break lines on display.
const isControl = (char: string): boolean =>
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(char)

describe("Report.table", () => {
  it("escapes control characters in every cell and attempt note", () => {
    const context = TraceContext.make({
      traceId: "1",
      parentId: "2",
      source: "http",
      origin: HOSTILE
    })
    const line = Report.toJsonLine(`events/${HOSTILE}.json`, {
      context: Option.some(context),
      links: [],
      attempts: [
        { extractor: "custom", outcome: "failed", reason: "ExtractionError.CustomExtractorFailed", detail: HOSTILE },
        { extractor: "http", outcome: "found", detail: `note ${HOSTILE}` }
      ]
    })
    const table = Report.table([line])
    assert.notMatch(table, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    assert.include(table, "\\x1b[2J\\x1b[31mPWNED\\x1b]0;title\\x07")
    // JSON output is escaped by JSON itself.
    assert.strictEqual(JSON.parse(JSON.stringify(line)).origin, HOSTILE)
  })

  it("no character of any string reaches the table as a control character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const line = Report.toJsonLine(text, {
          context: Option.none(),
          links: [],
          attempts: [{ extractor: "custom", outcome: "failed", reason: text, detail: text }]
        })
        const lines = Report.table([line]).split("\n")
        for (const rendered of lines) assert.isFalse([...rendered].some(isControl), JSON.stringify(rendered))
      }),
      { numRuns: 500 }
    )
  })
})
