// The one reader of the JSON events the tests run on: captured fixtures (test/fixtures/<kind>) and the example
// events shipped with the package (examples/events).
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"

export const root = path.resolve(import.meta.dirname, "../..")

export type FixtureKind = "durable" | "serverless" | "triggers"

export const fixturesDir = (kind: FixtureKind): string => path.join(root, "test/fixtures", kind)

export const examplesDir = path.join(root, "examples/events")

export const readJson = (file: string): any => JSON.parse(readFileSync(file, "utf8"))

const json = (name: string): string => name.endsWith(".json") ? name : `${name}.json`

/** A fixture by kind and name (`.json` optional). */
export const fixture = (kind: FixtureKind, name: string): any => readJson(path.join(fixturesDir(kind), json(name)))

/** An example event of examples/events by name (`.json` optional). */
export const example = (name: string): any => readJson(path.join(examplesDir, json(name)))

/** The names of the JSON files of a folder, in directory order. */
export const jsonFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).filter((name) => name.endsWith(".json"))
