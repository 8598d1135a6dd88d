import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as fc from "fast-check"
import { vi } from "vitest"
import * as Driver from "../../src/internal/extractors/driver.js"
import * as XRay from "../../src/internal/extractors/xRay.js"
import * as XRayHeader from "../../src/internal/propagation/xRayHeader.js"
import * as Definitions from "../../src/internal/triggers/definitions.js"
import * as NativePropagator from "../../src/layers/NativePropagator.js"
import { legacyContext, runtimeContext } from "../support/lambdaContext.js"
import { idsOf, reference } from "./http-support.js"
import { caps } from "./support.js"

/** The X-Ray extractor over a header reader (it never asks the propagator). */
const makeWith = (readXRayHeader: XRay.HeaderReader) =>
  Driver.extractor(Definitions.xRay, { propagator: NativePropagator.make(), readXRayHeader })

const SPEC_HEADER = "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;Sampled=1"

const withEnv = (value: string | undefined) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map(value === undefined ? [] : [[XRay.ENV, value]]))
  )

const extract = (value: string | undefined) =>
  Effect.flatMap(
    Effect.map(XRay.headerReader, makeWith).pipe(withEnv(value)),
    (extractor) => Effect.either(extractor.extract({}, undefined))
  )

/** A Datadog-padded root for a decimal trace id, built the way dd-trace-java writes it. */
const padded = (traceId: string, parentId: string, rest = ";Sampled=1") =>
  `Root=1-65f1a2b3-00000000${BigInt(traceId).toString(16).padStart(16, "0")};Parent=${
    BigInt(parentId).toString(16).padStart(16, "0")
  }${rest}`

describe("XRayExtractor", () => {
  it.effect("spec vector: trace 3995693151288333088, parent 10713633173203262661; Sampled not trusted", () =>
    Effect.gen(function*() {
      const extracted = Either.getOrThrow(yield* extract(SPEC_HEADER))
      const context = Option.getOrThrow(extracted.context)
      // datadog-lambda-js would add priority 2 (USER_KEEP) from Sampled=1; X-Ray's decision is not Datadog's.
      assert.deepStrictEqual(idsOf(context), { traceId: "3995693151288333088", parentId: "10713633173203262661" })
      assert.strictEqual(context.source, "xray")
      assert.match(extracted.notes[0]!, /not used as a Datadog decision/)
    }))

  it("the reference computes the same ids (and would set priority 2 from Sampled=1)", () => {
    assert.deepStrictEqual(reference.xrayFallback(SPEC_HEADER), {
      traceId: "3995693151288333088",
      parentId: "10713633173203262661",
      sampled: "1"
    })
  })

  it.effect("the header is read on every invocation (Lambda changes it per request)", () =>
    Effect.gen(function*() {
      const first = Either.getOrThrow(yield* extract(SPEC_HEADER))
      const second = Either.getOrThrow(
        yield* extract("Root=1-5e272390-000000000000000000000001;Parent=0000000000000002;Sampled=0")
      )
      assert.notStrictEqual(
        Option.getOrThrow(first.context).traceId,
        Option.getOrThrow(second.context).traceId
      )
    }))

  it.effect("reads the provider in place when built; over the environment the result is already complete", () =>
    Effect.gen(function*() {
      const before = process.env[XRay.ENV]
      process.env[XRay.ENV] = SPEC_HEADER
      try {
        const effect = makeWith(XRay.envHeaderReader).extract({}, undefined)
        assert.isTrue(Exit.isExit(effect), "no runtime step under the environment provider")
        assert.strictEqual(Option.getOrThrow((yield* effect).context).traceId, "3995693151288333088")
        // Built under a provider without the header: that provider is read, whatever the provider when it runs.
        const built = yield* Effect.map(XRay.headerReader, makeWith).pipe(withEnv(undefined))
        const none = yield* built.extract({}, undefined).pipe(withEnv(SPEC_HEADER))
        assert.isTrue(Option.isNone(none.context))
      } finally {
        if (before === undefined) delete process.env[XRay.ENV]
        else process.env[XRay.ENV] = before
      }
    }))

  it.effect("reads the Lambda context's xRayTraceId when the context has the field, else the environment", () =>
    Effect.gen(function*() {
      const other = "Root=1-5e272390-000000000000000000000001;Parent=0000000000000002;Sampled=0"
      const run = (lambdaContext: unknown) =>
        Effect.flatMap(
          Effect.map(XRay.headerReader, makeWith).pipe(withEnv(other)),
          (extractor) => Effect.either(extractor.extract({}, lambdaContext))
        )
      const traceIdOf = (result: Either.Either<{ readonly context: Option.Option<{ traceId: string }> }, unknown>) =>
        Option.getOrUndefined(Option.map(Either.getOrThrow(result).context, (context) => context.traceId))
      // The runtime's context carries the invocation's header: it wins over the variable.
      assert.strictEqual(traceIdOf(yield* run(runtimeContext(SPEC_HEADER))), "3995693151288333088")
      // The field present but unset: this invocation has no header, whatever the variable holds.
      const unset = Either.getOrThrow(yield* run(runtimeContext(undefined)))
      assert.isTrue(Option.isNone(unset.context))
      assert.deepStrictEqual(unset.notes, ["the Lambda context's xRayTraceId is not set"])
      assert.isTrue(
        Option.isNone(Either.getOrThrow(yield* run({ ...runtimeContext(undefined), xRayTraceId: " " })).context)
      )
      // No such field (older runtimes), another type, or no context object: the variable decides.
      for (const lambdaContext of [legacyContext(), { xRayTraceId: 42 }, undefined, null, "context"]) {
        assert.strictEqual(traceIdOf(yield* run(lambdaContext)), "1", String(lambdaContext))
      }
      // Malformed on the context: a typed failure that names the context's field, not the variable.
      const malformed = yield* run(runtimeContext("secret-token-value"))
      const onContext = Either.getLeft(malformed).pipe(Option.getOrThrow)
      assert.match(onContext.detail, /^the Lambda context's xRayTraceId is not an X-Ray header/)
      assert.notInclude(onContext.detail, XRay.ENV)
      assert.notInclude(onContext.detail, "secret-token-value")
      const onEnv = Either.getLeft(yield* extract("secret-token-value")).pipe(Option.getOrThrow)
      assert.match(onEnv.detail, new RegExp(`^${XRay.ENV} is not an X-Ray header`))
    }))

  it("contextHeader agrees with the environment reading for every header value", () => {
    fc.assert(fc.property(fc.option(fc.string(), { nil: undefined }), (value) => {
      const fromContext = XRayHeader.contextHeader(runtimeContext(value))
      assert.strictEqual(fromContext, value ?? null)
      assert.isUndefined(XRayHeader.contextHeader({ ...legacyContext(), other: value }))
    }))
  })

  it.effect("a Datadog-padded root gives Datadog's ids and its Sampled is trusted", () =>
    Effect.gen(function*() {
      const header = padded("5821803790426892636", "1162296484209398213")
      const context = Option.getOrThrow(Either.getOrThrow(yield* extract(header)).context)
      assert.deepStrictEqual(idsOf(context), {
        traceId: "5821803790426892636",
        parentId: "1162296484209398213",
        samplingPriority: 1
      })
      const ref = reference.xrayDatadog(header)
      assert.deepStrictEqual([ref?.traceId, ref?.parentId, ref?.samplingPriority], [
        "5821803790426892636",
        "1162296484209398213",
        1
      ])
      const dropped = yield* extract(padded("5821803790426892636", "1162296484209398213", ";Sampled=0"))
      assert.deepStrictEqual(Option.getOrThrow(Either.getOrThrow(dropped).context).samplingPriority, Option.some(0))
      const undecided = yield* extract(padded("5821803790426892636", "1162296484209398213", ""))
      assert.isTrue(Option.isNone(Option.getOrThrow(Either.getOrThrow(undecided).context).samplingPriority))
    }))

  it.effect("unset or blank: none with a note", () =>
    Effect.gen(function*() {
      for (const value of [undefined, "", "  "]) {
        const extracted = Either.getOrThrow(yield* extract(value))
        assert.isTrue(Option.isNone(extracted.context))
        assert.deepStrictEqual(extracted.notes, [`${XRay.ENV} is not set`])
      }
    }))

  it.effect("malformed headers are a typed MalformedCarrier failure whose detail holds no header value", () =>
    Effect.gen(function*() {
      for (
        const value of [
          "Root=1-5e272390-8c398be037738dc042009320;Sampled=1",
          "Root=1-5e272390-8c398be037738dc04200932;Parent=94ae789b969f1cc5",
          "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc",
          "Root=2-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5",
          "Root=1-5e272390-8c398be037738dc042009320;Parent=0000000000000000",
          "Root=1-5e272390-000000000000000000000000;Parent=94ae789b969f1cc5",
          "secret-token-value",
          "Root=1-5e272390-8c398be037738dc042009320;Parent=94ae789b969f1cc5;" + "x".repeat(5000)
        ]
      ) {
        const result = yield* extract(value)
        assert.isTrue(Either.isLeft(result), value.slice(0, 80))
        const error = Option.getOrThrow(Either.getLeft(result))
        assert.strictEqual(error.reason, "MalformedCarrier")
        assert.notInclude(error.detail, "secret")
        assert.notInclude(error.detail, "8c398be0")
      }
    }))
})

describe("XRayHeader.parse", () => {
  it("reads fields in any order, ignores extra fields and spaces, lower-cases hex", () => {
    assert.deepStrictEqual(
      XRayHeader.parse(
        "Self=1-67891234-12456789abcdef012345678;Sampled=?; Parent=94AE789B969F1CC5 ;Lineage=a87bd80c:1|68fd508a:5;Root=1-5E272390-8C398BE037738DC042009320"
      ),
      { root: "1-5e272390-8c398be037738dc042009320", parent: "94ae789b969f1cc5", sampled: undefined }
    )
  })

  it("keeps _dd.origin written next to a Datadog-padded root", () => {
    const context = XRayHeader.fromDatadogPadded(
      "Root=1-65f1a2b3-00000000000000000000002a;Parent=000000000000002b;Sampled=1;_dd.origin=synthetics",
      "sqs"
    )
    assert.strictEqual(context?.origin, "synthetics")
    assert.strictEqual(context?.source, "sqs")
  })

  it("fromDatadogPadded ignores headers Datadog did not write", () => {
    assert.isUndefined(XRayHeader.fromDatadogPadded(SPEC_HEADER, "sqs"))
  })

  it("agrees with datadog-lambda-js's conversions on random well-formed headers (property)", () => {
    const hex = (length: number) =>
      fc.array(fc.constantFrom(..."0123456789abcdef"), { minLength: length, maxLength: length }).map((cs) =>
        cs.join("")
      )
    fc.assert(
      fc.property(hex(8), hex(24), hex(16), fc.constantFrom("0", "1"), (epoch, id, parent, sampled) => {
        const header = `Root=1-${epoch}-${id};Parent=${parent};Sampled=${sampled}`
        const ours = XRayHeader.toFallbackContext(header, "xray")
        const theirs = reference.xrayFallback(header)!
        if (ours === undefined) return theirs.traceId === "0" || theirs.parentId === "0"
        return ours.traceId === theirs.traceId && ours.parentId === theirs.parentId
      }),
      { numRuns: 500 }
    )
  })

  it("never throws on any string (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom(SPEC_HEADER)), (header) => {
        XRayHeader.parse(header)
        XRayHeader.toFallbackContext(header, "xray")
        XRayHeader.fromDatadogPadded(header, "xray")
        return true
      }),
      { numRuns: 1000 }
    )
  })

  it.effect("the extractor never dies on any configured value (property)", () =>
    Effect.gen(function*() {
      for (const value of fc.sample(fc.oneof(fc.string(), fc.string({ unit: "binary" })), 300)) {
        const exit = yield* Effect.exit(extract(value))
        assert.isTrue(exit._tag === "Success" || exit.cause._tag === "Fail")
      }
    }))

  it("bounds the work on a huge header: over the length bound it is refused before it is split", () => {
    const huge = SPEC_HEADER + ";" + "k=v;".repeat(1_000_000)
    const split = vi.spyOn(String.prototype, "split")
    const within = XRayHeader.parse(SPEC_HEADER)
    const splitsWithin = split.mock.calls.length
    split.mockClear()
    const refused = XRayHeader.parse(huge)
    const splitsHuge = split.mock.calls.length
    split.mockRestore()
    assert.strictEqual(splitsWithin, 1, "a header within the bound is split once (the spy sees it)")
    assert.strictEqual(splitsHuge, 0, "the huge header is never split")
    assert.isDefined(within)
    assert.isUndefined(refused)
    // The bound itself: a well-formed header padded to the bound parses, one character more does not.
    const atBound = SPEC_HEADER + ";" + "x".repeat(caps.xrayHeaderLength - SPEC_HEADER.length - 1)
    assert.strictEqual(atBound.length, caps.xrayHeaderLength)
    assert.isDefined(XRayHeader.parse(atBound))
    assert.isUndefined(XRayHeader.parse(atBound + "x"))
  })
})
