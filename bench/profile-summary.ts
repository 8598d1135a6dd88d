/**
 * Summarises a V8 `.cpuprofile`: the functions with the most self time, and the project files with the most
 * total (inclusive) time.
 *
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--callers TEXT]
 *
 * `--callers TEXT` adds, for the samples whose function label contains TEXT, the call paths (up to five frames
 * above it) that lead there.
 */
import { readFileSync } from "node:fs"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const args = process.argv.slice(2)
const file = args.find((arg) => !arg.startsWith("--"))
if (file === undefined) throw new Error("usage: profile-summary FILE.cpuprofile [--top N]")
const topIndex = args.indexOf("--top")
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25
const callersIndex = args.indexOf("--callers")
const callersOf = callersIndex >= 0 ? args[callersIndex + 1] : undefined

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

const shortUrl = (url: string): string => {
  const index = url.lastIndexOf("node_modules/")
  if (index >= 0) return url.slice(index + "node_modules/".length)
  const src = url.search(/\/(src|bench|esm)\//)
  return src >= 0 ? url.slice(src + 1) : url
}
const label = (frame: CallFrame): string =>
  `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`

const self = new Map<string, number>()
const callers = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0
  total += delta
  const node = byId.get(id)
  if (node === undefined) return
  const key = label(node.callFrame)
  self.set(key, (self.get(key) ?? 0) + delta)
  if (callersOf !== undefined && key.includes(callersOf)) {
    const path: Array<string> = []
    for (let current = parent.get(id); current !== undefined && path.length < 5; current = parent.get(current)) {
      path.push(label(byId.get(current)!.callFrame))
    }
    const pathKey = path.join("\n          <- ")
    callers.set(pathKey, (callers.get(pathKey) ?? 0) + delta)
  }
  const seen = new Set<string>()
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const frame = byId.get(current)!.callFrame
    if (!/\/(src|bench|esm)\//.test(frame.url) || frame.url.includes("node_modules")) continue
    const fileKey = label(frame)
    if (seen.has(fileKey)) continue
    seen.add(fileKey)
    inclusive.set(fileKey, (inclusive.get(fileKey) ?? 0) + delta)
  }
})

const print = (title: string, table: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`)
  for (const [key, time] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(100 * time / total).toFixed(1).padStart(6)}%  ${key}\n`)
  }
}

process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n`)
print("self time", self)
print("inclusive time, project functions", inclusive)
if (callersOf !== undefined) print(`call paths to ${callersOf}`, callers)
