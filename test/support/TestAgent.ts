/**
 * A loopback Datadog agent for tests: an HTTP server on 127.0.0.1 (port 0) that decodes the trace payloads real
 * dd-trace sends (`/v0.4/traces`: an array of chunks of span maps; `/v0.5/traces`: a string table and chunks of
 * 12-element span arrays) and answers the other endpoints dd-trace calls (`/info`, `/v0.7/config`, telemetry,
 * stats, ...) with an empty success, so no request of dd-trace's fails.
 */
import { decode } from "@msgpack/msgpack"
import * as Effect from "effect/Effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** One span as the agent received it; ids as unsigned decimal strings, times in nanoseconds. */
export interface AgentSpan {
  readonly trace_id: string
  readonly span_id: string
  readonly parent_id: string
  readonly name: string
  readonly resource: string
  readonly service: string
  readonly type: string
  readonly error: number
  readonly start: bigint
  readonly duration: bigint
  readonly meta: Readonly<Record<string, string>>
  readonly metrics: Readonly<Record<string, number>>
}

/** A trace chunk (the spans dd-trace flushed together) and the protocol that carried it. */
export interface Chunk {
  readonly version: "v0.4" | "v0.5"
  readonly spans: ReadonlyArray<AgentSpan>
}

export interface TestAgent {
  readonly url: string
  /** Every chunk received so far, in arrival order. */
  readonly chunks: () => ReadonlyArray<Chunk>
  /** `METHOD path` of every request received, in order. */
  readonly requests: () => ReadonlyArray<string>
  /** Bodies that failed to decode (should stay empty). */
  readonly errors: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

const toId = (value: unknown): string =>
  typeof value === "bigint" ? BigInt.asUintN(64, value).toString() : typeof value === "number" ? String(value) : "0"

const toBigInt = (value: unknown): bigint =>
  typeof value === "bigint" ? value : typeof value === "number" ? BigInt(Math.round(value)) : 0n

const toNumber = (value: unknown): number =>
  typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number.NaN

const mapOf = <A>(
  value: unknown,
  key: (raw: unknown) => string,
  entryOf: (raw: unknown) => A
): Record<string, A> => {
  const out: Record<string, A> = {}
  const entries = value instanceof Map
    ? value.entries()
    : typeof value === "object" && value !== null
    ? Object.entries(value)
    : []
  for (const [raw, entry] of entries) out[key(raw)] = entryOf(entry)
  return out
}

const plain = (value: unknown): string => typeof value === "string" ? value : value === undefined ? "" : String(value)

const fromV04 = (raw: Record<string, unknown>): AgentSpan => ({
  trace_id: toId(raw.trace_id),
  span_id: toId(raw.span_id),
  parent_id: toId(raw.parent_id),
  name: plain(raw.name),
  resource: plain(raw.resource),
  service: plain(raw.service),
  type: plain(raw.type),
  error: toNumber(raw.error ?? 0),
  start: toBigInt(raw.start),
  duration: toBigInt(raw.duration),
  meta: mapOf(raw.meta, plain, plain),
  metrics: mapOf(raw.metrics, plain, toNumber)
})

const fromV05 = (raw: ReadonlyArray<unknown>, strings: ReadonlyArray<string>): AgentSpan => {
  // Map keys decode as strings ("3"), values as numbers: both are indices into the string table.
  const text = (index: unknown): string => strings[Number(index)] ?? ""
  return {
    service: text(raw[0]),
    name: text(raw[1]),
    resource: text(raw[2]),
    trace_id: toId(raw[3]),
    span_id: toId(raw[4]),
    parent_id: toId(raw[5]),
    start: toBigInt(raw[6]),
    duration: toBigInt(raw[7]),
    error: toNumber(raw[8]),
    meta: mapOf(raw[9], text, text),
    metrics: mapOf(raw[10], text, toNumber),
    type: text(raw[11])
  }
}

/** Decodes one `/v0.4/traces` or `/v0.5/traces` body into its chunks. */
export const decodeTraces = (version: "v0.4" | "v0.5", body: Uint8Array): Array<Chunk> => {
  const payload = decode(body, { useBigInt64: true })
  if (version === "v0.4") {
    if (!Array.isArray(payload)) throw new Error("v0.4 payload is not an array")
    return payload.map((chunk) => ({
      version,
      spans: (chunk as Array<Record<string, unknown>>).map(fromV04)
    }))
  }
  if (!Array.isArray(payload) || payload.length !== 2) throw new Error("v0.5 payload is not [strings, traces]")
  const [strings, traces] = payload as [Array<string>, Array<Array<Array<unknown>>>]
  return traces.map((chunk) => ({ version, spans: chunk.map((span) => fromV05(span, strings)) }))
}

const readBody = (request: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const parts: Array<Buffer> = []
    request.on("data", (part: Buffer) => parts.push(part))
    request.on("end", () => resolve(Buffer.concat(parts)))
    request.on("error", reject)
  })

const reply = (response: http.ServerResponse, body: unknown): void => {
  const text = JSON.stringify(body)
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
  response.end(text)
}

// What the agent's `/info` advertises: the trace endpoints only, and no client-side dropping of unsampled traces,
// so rejected traces are sent too.
const info = {
  version: "test-agent",
  endpoints: ["/v0.4/traces", "/v0.5/traces", "/info"],
  client_drop_p0s: false,
  span_events: false
}

/** Starts the agent on 127.0.0.1 with a free port. */
export const start = async (): Promise<TestAgent> => {
  const chunks: Array<Chunk> = []
  const requests: Array<string> = []
  const errors: Array<string> = []
  const server = http.createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0]!
    requests.push(`${request.method} ${path}`)
    readBody(request).then((body) => {
      const version = path === "/v0.4/traces" ? "v0.4" : path === "/v0.5/traces" ? "v0.5" : undefined
      if (version !== undefined) {
        try {
          chunks.push(...decodeTraces(version, body))
        } catch (error) {
          errors.push(`${path}: ${error instanceof Error ? error.message : String(error)}`)
        }
        return reply(response, { rate_by_service: {} })
      }
      return reply(response, path === "/info" ? info : {})
    }, () => reply(response, {}))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    chunks: () => [...chunks],
    requests: () => [...requests],
    errors: () => [...errors],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * Waits (polling every 10 ms, at most `timeoutMs`) until a received chunk satisfies `predicate`, and returns it.
 * Fails with the requests seen when none does.
 */
export const waitForChunk = (
  agent: TestAgent,
  predicate: (chunk: Chunk) => boolean,
  timeoutMs = 5_000
): Effect.Effect<Chunk> =>
  Effect.promise(async () => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = agent.chunks().find(predicate)
      if (found !== undefined) return found
      if (Date.now() > deadline) {
        throw new Error(`no matching chunk; requests: ${agent.requests().join(", ")}; errors: ${agent.errors()}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })

/** The chunk's span named `name` (throws when there is none or several). */
export const spanNamed = (chunk: Chunk, name: string): AgentSpan => {
  const found = chunk.spans.filter((span) => span.name === name)
  if (found.length !== 1) throw new Error(`${found.length} spans named ${name} in [${chunk.spans.map((s) => s.name)}]`)
  return found[0]!
}

/** The span links of a span: the `_dd.span_links` JSON dd-trace 5 and 6 write into its meta. */
export const spanLinks = (span: AgentSpan): ReadonlyArray<{
  readonly trace_id: string
  readonly span_id: string
  readonly attributes?: Readonly<Record<string, string>>
  readonly flags?: number
}> => {
  const raw = span.meta["_dd.span_links"]
  return raw === undefined ? [] : JSON.parse(raw)
}
