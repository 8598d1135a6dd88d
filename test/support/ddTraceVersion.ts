/** The installed dd-trace's major version (CI runs the suite with dd-trace 5 and with dd-trace 6). */
import { createRequire } from "node:module"

export const ddTraceMajor: number = Number(
  (createRequire(import.meta.url)("dd-trace/package.json") as { readonly version: string }).version.split(".")[0]
)

/** What the installed dd-trace reads for the `b3` style when its styles are set directly or from
 * `DD_TRACE_PROPAGATION_STYLE`: the single `b3` header from dd-trace 6 on, the `x-b3-*` headers before. */
export const ddTraceB3: "single" | "multi" = ddTraceMajor >= 6 ? "single" : "multi"
