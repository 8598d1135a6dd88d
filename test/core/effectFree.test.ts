/**
 * The Effect-free core: the modules both Effect lines share must not reach `effect` through any static import
 * (`import type` included), directly or through another module of the package.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const SRC = path.join(import.meta.dirname, "..", "..", "src")

/** The shared modules, relative to `src`. Add a module here when the Effect 4 line starts importing it. */
const roots: ReadonlyArray<string> = [
  "internal/contextFields.ts",
  "internal/extractorName.ts",
  "internal/ids.ts",
  "internal/result.ts",
  "internal/propagation/b3Headers.ts",
  "internal/propagation/datadogHeaders.ts",
  "internal/propagation/nativeExtraction.ts",
  "internal/propagation/w3cTraceContext.ts",
  "internal/propagation/xRayHeader.ts",
  "internal/triggers/recordBatch.ts",
  "internal/triggers/stepFunctionsContext.ts",
  "internal/durable/checkpointPayload.ts",
  "internal/durable/checkpointPlan.ts",
  "internal/durable/durableCheckpoint.ts",
  "internal/durable/durableOperations.ts",
  "internal/durationText.ts",
  "internal/durable/executionState.ts",
  "internal/durable/pager.ts",
  "internal/durable/durableProgram.ts",
  "internal/durable/checkpointProgram.ts",
  "internal/durable/inputProgram.ts",
  "internal/tracing/traceFields.ts",
  "internal/ddTrace/spans.ts",
  "internal/serverless/coldStart.ts",
  "internal/serverless/durableFacts.ts",
  "internal/serverless/serverlessView.ts",
  "internal/serverless/lambdaContext.ts",
  "internal/durableSdk.ts",
  "internal/ddTrace/durableIntegration.ts",
  "internal/durable/transport.ts",
  "internal/durable/checkpointSave.ts",
  "internal/durable/invocationPlan.ts",
  "internal/durable/sdkHandler.ts"
]

const FORBIDDEN = /^(effect|@effect\/)/

/** The specifiers of a source's `import` / `export ... from` declarations (type-only ones included) and `import()`. */
const specifiers = (source: string): ReadonlyArray<string> =>
  ts.preProcessFile(source, true, true).importedFiles.map((ref) => ref.fileName)

const readSource = (file: string): string => fs.readFileSync(file, "utf8")

/** The package file a relative specifier names (`./x.js` is `./x.ts` in the sources). */
const resolve = (from: string, specifier: string): string => {
  const target = path.resolve(path.dirname(from), specifier)
  return target.endsWith(".js") ? `${target.slice(0, -3)}.ts` : target
}

/**
 * The first import chain from `root` to a forbidden specifier (`["a.ts", "b.ts", "effect/Option"]`), or
 * `undefined` when there is none. Depth-first, each module visited once.
 */
const forbiddenChain = (
  root: string,
  read: (file: string) => string = readSource
): ReadonlyArray<string> | undefined => {
  const visited = new Set<string>()
  const visit = (file: string, chain: ReadonlyArray<string>): ReadonlyArray<string> | undefined => {
    if (visited.has(file)) return undefined
    visited.add(file)
    const here = [...chain, path.relative(SRC, file)]
    for (const specifier of specifiers(read(file))) {
      if (FORBIDDEN.test(specifier)) return [...here, specifier]
      if (!specifier.startsWith(".")) continue
      const found = visit(resolve(file, specifier), here)
      if (found !== undefined) return found
    }
    return undefined
  }
  return visit(path.join(SRC, root), [])
}

describe("Effect-free core", () => {
  for (const root of roots) {
    it(`${root} reaches no effect import`, () => {
      const chain = forbiddenChain(root)
      assert.isUndefined(chain, chain === undefined ? "" : `import chain: ${chain.join(" -> ")}`)
    })
  }

  it("the walk follows type-only imports and re-exports to an effect import, and names the chain", () => {
    const sources: Record<string, string> = {
      "a.ts": `import { names } from "./extractorName.js"\nimport type { B } from "./b.js"\n`,
      "b.ts": `import * as fs from "node:fs"\nexport * from "./c.js"\n`,
      "c.ts": `/* import * as Nope from "effect" */\nexport type { Option } from "effect/Option"\n`,
      "extractorName.ts": `export const names = []\n`
    }
    const read = (file: string) => sources[path.relative(SRC, file)] ?? ""
    assert.deepStrictEqual(forbiddenChain("a.ts", read), ["a.ts", "b.ts", "c.ts", "effect/Option"])
    assert.isUndefined(forbiddenChain("extractorName.ts", read))
    assert.deepStrictEqual(forbiddenChain("domain/TraceContext.ts"), ["domain/TraceContext.ts", "effect/Either"])
  })
})
