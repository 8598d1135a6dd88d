// The same invocations through either Effect line (test/support/e2e/line3.ts for the package root,
// test/effect4/support/line4.ts for the Effect 4 line), so a test compares what the agent receives from each: every
// case of cases.ts through the line's LambdaTracing.withExtraction (spanName "aws.lambda") over
// DefaultChain.layerDdTrace and DdTraceTracer.layerGlobal, run on a ManagedRuntime. Free of `effect`: each driver
// hands in its handler. Flushes dd-trace and prints one `E2E_REPORT {json}` line.
import type TracerModule from "dd-trace"
import { type Behaviour, cases, lambdaContext } from "./cases.js"
import { type HttpHeaders, loopback } from "./loopback.js"
import { flush } from "./peer.js"

/** The event each invocation gets: a case's event with its name, run and behaviour. */
export interface LineEvent {
  readonly testCase: string
  readonly testRun: "ours"
  readonly testBehaviour: Behaviour
}

/** What the driver reports besides the spans. */
export interface LineReport {
  /** `case/ours` → the trace headers the loopback HTTP server received. */
  readonly httpHeaders: HttpHeaders
  /** `case/ours` → the extractors of the attempts in CurrentExtraction that did not find nothing. */
  readonly attempts: Record<string, ReadonlyArray<string>>
}

/**
 * A line's handler for the loopback server at `url`: opens `inner-child` (tagged `test.case` / `test.run`), records
 * its attempts in `report`, does the case's behaviour (`loopback.behave`) and returns a 200 response.
 */
export type MakeHandler = (url: string, report: LineReport) => (event: LineEvent, context: unknown) => Promise<unknown>

/** Runs every case through the handler `make` builds, flushes dd-trace and prints the report. */
export const main = async (tracer: typeof TracerModule, make: MakeHandler): Promise<void> => {
  const report: LineReport = { httpHeaders: {}, attempts: {} }
  const server = await loopback(report.httpHeaders)
  const handler = make(server.url, report)
  for (const testCase of cases("1")) {
    try {
      await handler({ ...testCase.event, testRun: "ours", testBehaviour: testCase.behaviour } as LineEvent, {
        ...lambdaContext
      })
    } catch {
      // The failing case fails on purpose.
    }
  }
  await flush(tracer)
  server.close()
  process.stdout.write(`E2E_REPORT ${JSON.stringify(report)}\n`)
}
