/**
 * Rendering of extraction results for the CLI: one JSON object per line, or a readable table.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type { ExtractionResult } from "../domain/ExtractionResult.js"

/**
 * One line of `extract --json`.
 *
 * @since 0.1.0
 * @category models
 */
export interface JsonLine {
  readonly file: string
  readonly found: boolean
  readonly extractor: string | null
  readonly traceId: string | null
  readonly traceIdHigh: string | null
  readonly parentId: string | null
  readonly samplingPriority: number | null
  readonly origin: string | null
  readonly tags: Readonly<Record<string, string>>
  readonly links: number
  readonly attempts: ReadonlyArray<{
    readonly extractor: string
    readonly outcome: string
    readonly reason?: string
    readonly detail?: string
  }>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const toJsonLine = (file: string, result: ExtractionResult): JsonLine => {
  const context = Option.getOrUndefined(result.context)
  return {
    file,
    found: context !== undefined,
    extractor: context?.source ?? null,
    traceId: context?.traceId ?? null,
    traceIdHigh: context === undefined ? null : Option.getOrNull(context.traceIdHigh),
    parentId: context?.parentId ?? null,
    samplingPriority: context === undefined ? null : Option.getOrNull(context.samplingPriority),
    origin: context === undefined ? null : Option.getOrNull(context.origin),
    tags: context?.tags ?? {},
    links: result.links.length,
    attempts: result.attempts.map((attempt) => ({
      extractor: attempt.extractor,
      outcome: attempt.outcome,
      ...(attempt.reason === undefined ? {} : { reason: attempt.reason }),
      ...(attempt.detail === undefined ? {} : { detail: attempt.detail })
    }))
  }
}

// C0 (ESC, BEL, ...), DEL and C1, and the Unicode format characters that break or reorder text on display.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }

const escapeCharacter = (char: string): string => {
  const named = NAMED[char]
  if (named !== undefined) return named
  const code = char.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/**
 * Text from an event made safe for a terminal: control characters (ESC, BEL and the rest of C0, DEL, C1) and the
 * Unicode characters that break or reorder a line (line and paragraph separators, bidirectional controls) are
 * written as escapes (`\x1b`, `\n`, `\u202e`), so an event cannot clear the screen, set the title or move the cursor.
 *
 * @since 0.1.0
 * @category rendering
 */
export const escapeControl = (text: string): string => text.replace(CONTROL, escapeCharacter)

const COLUMNS = ["FILE", "EXTRACTOR", "TRACE ID", "TID", "PARENT ID", "PRIO", "ORIGIN", "LINKS"] as const

const row = (line: JsonLine): ReadonlyArray<string> =>
  [
    line.file,
    line.extractor ?? "(none)",
    line.traceId ?? "-",
    line.traceIdHigh ?? "-",
    line.parentId ?? "-",
    line.samplingPriority === null ? "-" : String(line.samplingPriority),
    line.origin ?? "-",
    String(line.links)
  ].map(escapeControl)

const attemptSummary = (line: JsonLine): string =>
  line.attempts.map((attempt) =>
    attempt.outcome === "failed"
      ? `${attempt.extractor}: failed (${attempt.reason ?? "?"}${attempt.detail ? `: ${attempt.detail}` : ""})`
      : attempt.detail
      ? `${attempt.extractor}: ${attempt.outcome} (${attempt.detail})`
      : `${attempt.extractor}: ${attempt.outcome}`
  ).filter((text) => !text.endsWith(": none")).join("; ")

/**
 * Renders a table: one row per file, then what each file's attempts said (outcomes other than "none"). Every text
 * taken from an event goes through {@link escapeControl}.
 *
 * @since 0.1.0
 * @category rendering
 */
export const table = (lines: ReadonlyArray<JsonLine>): string => {
  const rows = [COLUMNS as ReadonlyArray<string>, ...lines.map(row)]
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)))
  const render = (cells: ReadonlyArray<string>) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()
  const out = rows.map(render)
  const notes = lines.map((line) => [line.file, attemptSummary(line)] as const).filter(([, text]) => text !== "")
  if (notes.length > 0) {
    out.push("", "attempts:")
    for (const [file, text] of notes) out.push(`  ${escapeControl(file)}: ${escapeControl(text)}`)
  }
  return out.join("\n")
}
