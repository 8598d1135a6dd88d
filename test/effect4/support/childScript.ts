// Child-process scripts for the Effect 4 line's tests, bundled as the package root's are (test/support/bundle.ts,
// packages external). A bundle resolves its packages from the folder it is written to: one temporary folder per test
// process holds a link to the repository's node_modules (Effect 3, dd-trace, ...) and, in `effect4/`, a link to the
// Effect 4 workspace's, so a script of the Effect 4 line gets `effect` 4.x and everything else from the repository,
// and a script of the package root gets Effect 3 beside it.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { bundle, bundleName, root } from "../../support/bundle.js"

let folder: string | undefined

const folderOf = (): string => {
  if (folder === undefined) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), "edl-effect4-child-scripts-"))
    fs.symlinkSync(path.join(root, "node_modules"), path.join(made, "node_modules"), "dir")
    fs.mkdirSync(path.join(made, "effect4"))
    fs.symlinkSync(
      path.join(root, "src/effect4/node_modules"),
      path.join(made, "effect4", "node_modules"),
      "dir"
    )
    process.once("exit", () => fs.rmSync(made, { recursive: true, force: true }))
    folder = made
  }
  return folder
}

const built = new Map<string, Promise<string>>()

/**
 * The bundled form of `script` (a path from the repository's root), built on first use: resolving `effect` to 4.x
 * for `line` 4, to 3.x for `line` 3.
 */
export const bundled = (script: string, line: 3 | 4): Promise<string> => {
  const key = `${line}:${script}`
  let file = built.get(key)
  if (file === undefined) {
    file = bundle(script, path.join(folderOf(), line === 4 ? "effect4" : ".", bundleName(script)))
    built.set(key, file)
  }
  return file
}
