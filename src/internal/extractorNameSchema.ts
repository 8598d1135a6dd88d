/**
 * The Effect 3 Schema of extractor names (any string; the names themselves are in `extractorName.ts`).
 */
import * as Schema from "effect/Schema"
import type * as Names from "./extractorName.js"

/** An extractor's name: a built-in one, or any other string (a user's own extractor). */
export type ExtractorName = Names.ExtractorName

export const ExtractorName: Schema.Schema<ExtractorName> = Schema.String
