/**
 * A loopback trace sink for the invocation benchmarks, in a child process so that receiving what dd-trace sends
 * costs the timed process nothing: it reads every request's body, answers traces with an empty
 * `rate_by_service` and everything else with `{}`, and counts the trace payloads.
 */
import { spawn } from "node:child_process"

const SINK = `
const http = require("node:http")
let payloads = 0
const server = http.createServer((request, response) => {
  request.on("data", () => {})
  request.on("end", () => {
    if (request.url.endsWith("/traces")) payloads++
    response.end(request.url.endsWith("/traces") ? '{"rate_by_service":{}}' : "{}")
  })
})
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"))
process.stdin.on("data", () => process.stdout.write(payloads + "\\n"))
process.stdin.on("end", () => process.exit(0))
`

/** A running sink. */
export interface Sink {
  readonly url: string
  /** How many trace payloads it has received. */
  readonly payloads: () => Promise<number>
  readonly close: () => void
}

const nextLine = (child: ReturnType<typeof spawn>): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = ""
    const onData = (data: Buffer) => {
      text += data.toString()
      const end = text.indexOf("\n")
      if (end < 0) return
      child.stdout!.off("data", onData)
      resolve(text.slice(0, end))
    }
    child.stdout!.on("data", onData)
    child.once("exit", () => reject(new Error("the trace sink exited")))
  })

/** Starts the sink and waits for its port. */
export const start = async (): Promise<Sink> => {
  const child = spawn(process.execPath, ["-e", SINK], { stdio: ["pipe", "pipe", "inherit"] })
  const port = await nextLine(child)
  return {
    url: `http://127.0.0.1:${port}`,
    payloads: async () => {
      const line = nextLine(child)
      child.stdin!.write("?\n")
      return Number(await line)
    },
    close: () => child.stdin!.end()
  }
}
