// Extraction results for the Effect 4 line's tracing tests.
import * as Option from "effect/Option"
import type { ExtractionResult } from "../../../src/effect4/domain/ExtractionResult.js"
import type * as TraceContext from "../../../src/effect4/domain/TraceContext.js"

/** An extraction result with the given context and batch links, and no attempts. */
export const extractionResult = (
  context: TraceContext.TraceContext | undefined,
  links: ReadonlyArray<TraceContext.TraceContext> = []
): ExtractionResult => ({ context: Option.fromNullishOr(context), links, attempts: [] })
