// The dd-trace layer over the real dd-trace, initialised in this process (`tracer.init({ plugins: false })`), and
// in child processes for the uninitialised, disabled, missing and configured cases.
import { assert, describe, it, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as esbuild from "esbuild"
import * as fc from "fast-check"
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as SpanContext from "../../src/internal/ddTrace/spanContext.js"
import * as DatadogHeaders from "../../src/internal/propagation/datadogHeaders.js"
import * as DdTracePropagator from "../../src/layers/DdTracePropagator.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { Propagator } from "../../src/services/Propagator.js"
import { ddTraceB3 } from "../support/ddTraceVersion.js"
import { ddTracePropagator, tracer, withDdTraceExtract } from "../support/propagation-ddtrace.js"
import { runScript } from "../support/propagation-subprocess.js"

const decimal = (hex: string): string => BigInt("0x" + hex).toString(10)

const extract = (carrier: unknown) => Effect.flatMap(Propagator, (propagator) => propagator.extract(carrier, "http"))

layer(DdTracePropagator.layer(tracer))("DdTracePropagator over the initialised tracer", (it) => {
  it.effect("extracts Datadog headers: ids, priority, origin and tags, whatever the key case and value shape", () =>
    Effect.gen(function*() {
      const context = yield* extract({
        "X-Datadog-Trace-Id": "1311693406324658740",
        "x-datadog-parent-id": ["48059", "1"],
        "X-DATADOG-SAMPLING-PRIORITY": 2,
        "x-datadog-origin": "synthetics",
        "x-datadog-tags": "_dd.p.dm=-4,_dd.p.usr.id=abc"
      })
      const found = Option.getOrThrow(context)
      assert.strictEqual(found.traceId, "1311693406324658740")
      assert.strictEqual(found.parentId, "48059")
      assert.deepStrictEqual(found.samplingPriority, Option.some(2))
      assert.deepStrictEqual(found.origin, Option.some("synthetics"))
      assert.deepStrictEqual(found.tags, { "_dd.p.dm": "-4", "_dd.p.usr.id": "abc" })
      assert.deepStrictEqual(found.traceIdHigh, Option.none())
      assert.strictEqual(found.source, "http")
    }))

  it.effect("extracts W3C headers: 128-bit id, flag and tracestate dd member", () =>
    Effect.gen(function*() {
      const high = "6a5f3e2100000000"
      const low = "123456789abcdef0"
      const span = "00000000000000ab"
      const found = Option.getOrThrow(
        yield* extract({
          traceparent: `00-${high}${low}-${span}-01`,
          tracestate: "foo=bar,dd=s:2;o:rum~x;p:00000000000000ff;t.dm:-4;t.usr.id:a~b"
        })
      )
      assert.strictEqual(found.traceId, decimal(low))
      assert.strictEqual(found.parentId, decimal(span))
      assert.deepStrictEqual(found.traceIdHigh, Option.some(high))
      assert.deepStrictEqual(found.samplingPriority, Option.some(2))
      assert.deepStrictEqual(found.origin, Option.some("rum=x"))
      assert.deepStrictEqual(found.tags, {
        "_dd.p.tid": high,
        "_dd.parent_id": "00000000000000ff",
        "_dd.p.dm": "-4",
        "_dd.p.usr.id": "a=b"
      })
    }))

  it.effect("lower-cases an upper-case 128-bit upper half, from x-datadog-tags and from traceparent", () =>
    Effect.gen(function*() {
      const datadog = Option.getOrThrow(
        yield* extract({
          "x-datadog-trace-id": "5",
          "x-datadog-parent-id": "6",
          "x-datadog-tags": "_dd.p.tid=ABCDEF0123456789"
        })
      )
      assert.deepStrictEqual(datadog.traceIdHigh, Option.some("abcdef0123456789"))
      assert.strictEqual(datadog.tags["_dd.p.tid"], "abcdef0123456789")
      const w3c = Option.getOrThrow(
        yield* extract({ traceparent: "00-ABCDEF0123456789000000000000000A-00000000000000BC-00" })
      )
      assert.deepStrictEqual(w3c.traceIdHigh, Option.some("abcdef0123456789"))
      assert.strictEqual(w3c.traceId, "10")
      assert.strictEqual(w3c.parentId, decimal("bc"))
      assert.deepStrictEqual(w3c.samplingPriority, Option.some(0))
    }))

  it.effect("takes the W3C span id as parent when Datadog headers of the same trace name another", () =>
    Effect.gen(function*() {
      const found = Option.getOrThrow(
        yield* extract({
          "x-datadog-trace-id": "10",
          "x-datadog-parent-id": "255",
          traceparent: "00-0000000000000000000000000000000a-000000000000000b-01"
        })
      )
      assert.strictEqual(found.parentId, "11")
      assert.strictEqual(found.tags["_dd.parent_id"], "00000000000000ff")
    }))

  it.effect("finds nothing in carriers without a complete context", () =>
    Effect.gen(function*() {
      for (const carrier of [null, "x", [], {}, { "x-datadog-trace-id": "5" }, { traceparent: "00-zz" }]) {
        assert.isTrue(Option.isNone(yield* extract(carrier)), JSON.stringify(carrier))
      }
    }))

  it.effect("injects Datadog headers", () =>
    Effect.gen(function*() {
      const context = TraceContext.make(
        DatadogHeaders.extract({ "x-datadog-trace-id": "5", "x-datadog-parent-id": "6" }, "http")!
      )
      const carrier = yield* Effect.flatMap(Propagator, (propagator) => propagator.inject(context))
      assert.deepStrictEqual(carrier, { "x-datadog-trace-id": "5", "x-datadog-parent-id": "6" })
    }))
})

describe("DdTracePropagator", () => {
  it("reads dd-trace's ids from its identifiers' bytes as toTraceId()/toSpanId() give them (property, real dd-trace)", () => {
    const id = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })
    const hex = (value: bigint, width: number) => value.toString(16).padStart(width, "0")
    const carrier = fc.oneof(
      fc.tuple(id, id).map(([trace, span]) => ({
        "x-datadog-trace-id": String(trace),
        "x-datadog-parent-id": String(span)
      })),
      fc.tuple(id, id, id).map(([high, low, span]) => ({
        traceparent: `00-${hex(high, 16)}${hex(low, 16)}-${hex(span, 16)}-01`
      })),
      fc.tuple(id, id).map(([trace, span]) => ({ "x-b3-traceid": hex(trace, 16), "x-b3-spanid": hex(span, 16) }))
    )
    fc.assert(
      fc.property(carrier, (headers) => {
        const spanContext = withDdTraceExtract(
          ["datadog", "tracecontext", "b3multi"],
          false,
          () => tracer.extract("text_map", headers)
        ) as unknown as { toTraceId: () => string; toSpanId: () => string }
        const context = SpanContext.fromSpanContext(spanContext, "http")
        assert.isDefined(context, JSON.stringify(headers))
        assert.strictEqual(context!.traceId, spanContext.toTraceId())
        assert.strictEqual(context!.parentId, spanContext.toSpanId())
      }),
      { numRuns: 300 }
    )
  })

  it("falls back to toTraceId()/toSpanId() for identifiers without their bytes", () => {
    const spanContext = {
      _traceId: { toBuffer: () => "not bytes" },
      _spanId: {},
      toTraceId: () => "12",
      toSpanId: () => "34"
    }
    const context = SpanContext.fromSpanContext(spanContext, "http")
    assert.strictEqual(context?.traceId, "12")
    assert.strictEqual(context?.parentId, "34")
  })

  it("reports a sampling-only B3 header (a dd-trace context without span id) as no context, not a failure", () => {
    const carrier = { "x-b3-sampled": "1" }
    const raw = withDdTraceExtract(["b3multi"], false, () => tracer.extract("text_map", carrier))
    assert.isNotNull(raw)
    assert.throws(() => raw!.toSpanId())
    const result = withDdTraceExtract(
      ["b3multi"],
      false,
      () => Effect.runSync(Effect.either(ddTracePropagator.extract(carrier, "http")))
    )
    assert.isTrue(Either.isRight(result) && Option.isNone(result.right))
  })

  it("layerGlobal uses the tracer dd-trace registered on globalThis", () => {
    const holder = globalThis as { _ddtrace?: unknown }
    assert.strictEqual(holder._ddtrace, tracer)
    const seen: Array<unknown> = []
    const spy = Object.create(tracer, {
      extract: {
        value: (format: string, carrier: unknown) => {
          seen.push(carrier)
          return tracer.extract(format, carrier)
        }
      }
    })
    const saved = Object.getOwnPropertyDescriptor(globalThis, "_ddtrace")!
    Object.defineProperty(globalThis, "_ddtrace", { value: spy, configurable: true, writable: true })
    try {
      const found = Effect.runSync(
        extract({ "x-datadog-trace-id": "7", "x-datadog-parent-id": "8" }).pipe(
          Effect.provide(DdTracePropagator.layerGlobal)
        )
      )
      assert.strictEqual(Option.getOrThrow(found).parentId, "8")
      assert.deepStrictEqual(seen, [{ "x-datadog-trace-id": "7", "x-datadog-parent-id": "8" }])
    } finally {
      Object.defineProperty(globalThis, "_ddtrace", saved)
    }
  })

  it("fails with NotInitialised while dd-trace is loaded but not initialised, or disabled (child processes)", async () => {
    const [uninitialised, disabled] = await Promise.all([
      runScript("propagation-uninitialised.ts", ["uninitialised"]),
      runScript("propagation-uninitialised.ts", ["disabled"], { DD_TRACE_ENABLED: "false" })
    ])
    const failed = { error: "TracerUnavailable", reason: "NotInitialised" }
    for (const outcome of [uninitialised, disabled] as Array<Record<string, unknown>>) {
      // Raw dd-trace hands back a fake context that ignores the carrier: that is what the layer guards against.
      assert.notStrictEqual(outcome.rawTraceId, "123")
      assert.isFalse(outcome.isInitialised)
      assert.deepStrictEqual(outcome.global, { extract: failed, inject: failed })
      assert.deepStrictEqual(outcome.explicit, { extract: failed, inject: failed })
    }
  })

  it("fails with NotInstalled when dd-trace cannot be resolved (bundle run outside node_modules)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "no-dd-trace-"))
    try {
      const outfile = path.join(dir, "main.mjs")
      await esbuild.build({
        entryPoints: [path.resolve(import.meta.dirname, "../support/propagation-not-installed.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        external: ["dd-trace"],
        outfile,
        logLevel: "silent"
      })
      const env = { ...process.env }
      delete env.NODE_PATH
      const output = execFileSync(process.execPath, [outfile], { cwd: dir, env, encoding: "utf8" })
      assert.deepStrictEqual(JSON.parse(output), { error: "TracerUnavailable", reason: "NotInstalled" })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe.concurrent("honours the styles the app configured (child processes), as the native layer does from the same settings", () => {
    interface Row {
      readonly carrier: Record<string, string>
      readonly result: unknown
    }
    const nativeView = (propagator: Layer.Layer<Propagator>, carrier: Record<string, string>) =>
      Option.getOrNull(Option.map(Effect.runSync(extract(carrier).pipe(Effect.provide(propagator))), (context) => ({
        traceId: context.traceId,
        parentId: context.parentId,
        samplingPriority: Option.getOrNull(context.samplingPriority),
        traceIdHigh: Option.getOrNull(context.traceIdHigh)
      })))
    const fromEnv = (env: Record<string, string>) =>
      NativePropagator.layerConfig.pipe(
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
      )
    const cases: ReadonlyArray<{
      readonly name: string
      readonly args: ReadonlyArray<string>
      readonly env: Record<string, string>
      readonly native: Layer.Layer<Propagator>
      /** How many of the script's carriers yield a context. */
      readonly found: number
    }> = [
      {
        name: "tracer.init({ tracePropagationStyle: { extract: [\"tracecontext\"] } })",
        args: ["init", JSON.stringify(["tracecontext"])],
        env: {},
        native: NativePropagator.layer({ extractStyles: ["tracecontext"] }),
        found: 2
      },
      {
        name: "DD_TRACE_PROPAGATION_STYLE_EXTRACT=datadog,tracecontext + DD_TRACE_PROPAGATION_EXTRACT_FIRST=true",
        args: ["env"],
        env: { DD_TRACE_PROPAGATION_STYLE_EXTRACT: "datadog,tracecontext", DD_TRACE_PROPAGATION_EXTRACT_FIRST: "true" },
        native: fromEnv({
          DD_TRACE_PROPAGATION_STYLE_EXTRACT: "datadog,tracecontext",
          DD_TRACE_PROPAGATION_EXTRACT_FIRST: "true"
        }),
        found: 3
      },
      {
        name: "DD_TRACE_PROPAGATION_STYLE=b3 (the b3 header in dd-trace 6, x-b3-* headers in dd-trace 5)",
        args: ["env"],
        env: { DD_TRACE_PROPAGATION_STYLE: "b3" },
        native: ddTraceB3 === "single"
          ? fromEnv({ DD_TRACE_PROPAGATION_STYLE: "b3" })
          : NativePropagator.layer({ extractStyles: ["b3"], b3: "multi" }),
        found: ddTraceB3 === "single" ? 2 : 1
      },
      {
        name: "DD_TRACE_PROPAGATION_STYLE_EXTRACT= (blank: no styles)",
        args: ["env"],
        env: { DD_TRACE_PROPAGATION_STYLE_EXTRACT: "" },
        native: fromEnv({ DD_TRACE_PROPAGATION_STYLE_EXTRACT: "" }),
        found: 0
      },
      {
        name: "OTEL_PROPAGATORS=b3 (the single b3 header)",
        args: ["env"],
        env: { OTEL_PROPAGATORS: "b3" },
        native: fromEnv({ OTEL_PROPAGATORS: "b3" }),
        found: 2
      }
    ]
    for (const row of cases) {
      it(row.name, async () => {
        const rows = await runScript("propagation-configured.ts", row.args, row.env) as ReadonlyArray<Row>
        assert.strictEqual(rows.filter((each) => each.result !== null).length, row.found)
        for (const each of rows) assert.deepStrictEqual(nativeView(row.native, each.carrier), each.result)
      })
    }
  })
})
