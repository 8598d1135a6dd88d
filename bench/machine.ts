/**
 * A one-line description of the machine and versions, for reports.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"

const require = createRequire(import.meta.url)

const versionOf = (name: string): string => {
  try {
    return (require(`${name}/package.json`) as { readonly version: string }).version
  } catch {
    return "?"
  }
}

const cpuModel = (): string => {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((text) => text.startsWith("model name"))
    if (line !== undefined) return line.slice(line.indexOf(":") + 1).trim()
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return os.cpus()[0]?.model ?? "unknown CPU"
}

/** CPU, core count, Node.js and the versions of the packages compared. */
export const describe = (): string =>
  `${cpuModel()}, ${os.availableParallelism()} cores, Node.js ${process.version}, effect ${versionOf("effect")}, ` +
  `dd-trace ${versionOf("dd-trace")}, datadog-lambda-js ${versionOf("datadog-lambda-js")}`
