// What the end-to-end handlers do: a loopback HTTP server that records the trace headers each outbound call carried,
// and the behaviour of each case (succeed, fail, or call the server). Loaded after dd-trace's init (the drivers import
// it dynamically), so that dd-trace's http integration instruments `node:http`, which is loaded with require().
import type * as Http from "node:http"
import { createRequire } from "node:module"
import type { Behaviour } from "./cases.js"

const http = createRequire(import.meta.url)("node:http") as typeof Http

/** `case/run` → the trace headers the loopback server received with that invocation's call. */
export type HttpHeaders = Record<string, Record<string, string>>

/** A loopback server that records the trace headers each call carried in `headers`, by its `x-test-key`. */
export const loopback = async (
  headers: HttpHeaders
): Promise<{ readonly url: string; readonly close: () => void }> => {
  const server = http.createServer((request, response) => {
    const key = String(request.headers["x-test-key"])
    headers[key] = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name.startsWith("x-datadog-") || name === "traceparent")
        .map(([name, value]) => [name, String(value)])
    )
    response.end("ok")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as { readonly port: number }
  return { url: `http://127.0.0.1:${port}/downstream`, close: () => server.close() }
}

const get = (url: string, key: string): Promise<void> =>
  new Promise((resolve, reject) => {
    http.get(url, { headers: { "x-test-key": key } }, (response) => {
      response.resume()
      response.on("end", () => resolve())
    }).on("error", reject)
  })

/** What a case's handler does: fail with `boom`, call the loopback server at `url`, or nothing. */
export const behave = (behaviour: Behaviour, url: string, key: string): Promise<void> =>
  behaviour === "fail"
    ? Promise.reject(new Error("boom"))
    : behaviour === "http"
    ? get(url, key)
    : Promise.resolve()
