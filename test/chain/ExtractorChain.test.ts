import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { ExtractionError, TracerUnavailable } from "../../src/domain/Errors.js"
import * as ExtractionResult from "../../src/domain/ExtractionResult.js"
import * as TraceContext from "../../src/domain/TraceContext.js"
import * as Trigger from "../../src/internal/triggers/trigger.js"
import * as DefaultChain from "../../src/layers/DefaultChain.js"
import * as ExtractorChain from "../../src/services/ExtractorChain.js"
import * as TraceExtractor from "../../src/services/TraceExtractor.js"
import { fixture } from "../support/fixtures.js"

const context = (traceId: string) => TraceContext.make({ traceId, parentId: "42", source: "http" })

const finding = (name: TraceExtractor.TraceExtractor["name"], traceId: string) =>
  TraceExtractor.make({ name, extract: () => Effect.succeed(TraceExtractor.found(context(traceId))) })
const nothing = (name: TraceExtractor.TraceExtractor["name"]) =>
  TraceExtractor.make({ name, extract: () => Effect.succeed(TraceExtractor.none) })

describe("ExtractorChain", () => {
  it.effect("returns the first context in order and stops there", () =>
    Effect.gen(function*() {
      let calledAfter = false
      const chain = ExtractorChain.make([
        nothing("custom"),
        finding("sqs", "1"),
        TraceExtractor.make({
          name: "sns",
          extract: () => Effect.sync(() => (calledAfter = true)).pipe(Effect.as(TraceExtractor.none))
        })
      ])
      const result = yield* chain.extract({}, undefined)
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "1")
      assert.deepStrictEqual(Option.getOrThrow(ExtractionResult.extractor(result)), "sqs")
      assert.deepStrictEqual(result.attempts.map((a) => [a.extractor, a.outcome]), [["custom", "none"], [
        "sqs",
        "found"
      ]])
      assert.isFalse(calledAfter)
    }))

  it.effect("reports a user's own extractor under its own name, through encoding and decoding", () =>
    Effect.gen(function*() {
      const chain = ExtractorChain.make([nothing("my-queue"), finding("my-bus", "7")])
      const result = yield* chain.extract({}, undefined)
      assert.deepStrictEqual(result.attempts.map((a) => [a.extractor, a.outcome]), [["my-queue", "none"], [
        "my-bus",
        "found"
      ]])
      assert.strictEqual(Option.getOrThrow(ExtractionResult.extractor(result)), "my-bus")
      const decoded = yield* Schema.decodeUnknown(ExtractionResult.ExtractionResult)(
        yield* Schema.encode(ExtractionResult.ExtractionResult)(result)
      )
      assert.deepStrictEqual(decoded.attempts.map((a) => a.extractor), ["my-queue", "my-bus"])
    }))

  it.effect("attributes the context to the extractor that returned it", () =>
    Effect.gen(function*() {
      const result = yield* ExtractorChain.make([finding("durable-input", "7")]).extract({}, undefined)
      assert.strictEqual(Option.getOrThrow(result.context).source, "durable-input")
    }))

  it.effect("records typed failures and defects, and keeps going", () =>
    Effect.gen(function*() {
      const chain = ExtractorChain.make([
        TraceExtractor.make({
          name: "custom",
          extract: () =>
            Effect.fail(
              new ExtractionError({ extractor: "custom", reason: "CustomExtractorFailed", detail: "boom" })
            )
        }),
        TraceExtractor.make({ name: "durable-checkpoint", extract: () => Effect.die(new Error("bug")) }),
        TraceExtractor.make({
          name: "http",
          extract: () => {
            throw new Error("thrown synchronously")
          }
        }),
        TraceExtractor.make({
          name: "sqs",
          extract: () => Effect.fail(new TracerUnavailable({ reason: "NotInitialised", detail: "no init" }))
        }),
        finding("xray", "9")
      ])
      const result = yield* chain.extract({}, undefined)
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "9")
      assert.deepStrictEqual(
        result.attempts.map((a) => [a.extractor, a.outcome, a.reason]),
        [
          ["custom", "failed", "ExtractionError.CustomExtractorFailed"],
          ["durable-checkpoint", "failed", "Defect"],
          ["http", "failed", "Defect"],
          ["sqs", "failed", "TracerUnavailable.NotInitialised"],
          ["xray", "found", undefined]
        ]
      )
      assert.strictEqual(result.attempts[0]!.detail, "boom")
    }))

  it.effect("reports every attempt when nothing matches, with notes", () =>
    Effect.gen(function*() {
      const chain = ExtractorChain.make([
        nothing("http"),
        TraceExtractor.make({
          name: "durable-checkpoint",
          extract: () => Effect.succeed(TraceExtractor.noneWith("pages not read"))
        })
      ])
      const result = yield* chain.extract({}, undefined)
      assert.isTrue(Option.isNone(result.context))
      assert.deepStrictEqual(result.attempts.map((a) => [a.extractor, a.outcome, a.detail]), [
        ["http", "none", undefined],
        ["durable-checkpoint", "none", "pages not read"]
      ])
    }))

  it.effect("passes links through from the extractor that found the context", () =>
    Effect.gen(function*() {
      const chain = ExtractorChain.make([
        TraceExtractor.make({
          name: "sqs",
          extract: () => Effect.succeed(TraceExtractor.found(context("1"), { links: [context("2"), context("3")] }))
        })
      ])
      const result = yield* chain.extract({}, undefined)
      assert.deepStrictEqual(
        result.links.map((link) => link.traceId),
        ["2", "3"]
      )
    }))

  it.effect("skips an extractor whose guard rejects the event without running it", () =>
    Effect.gen(function*() {
      let ran = false
      const guarded = TraceExtractor.make({
        name: "sqs",
        extract: () => Effect.sync(() => (ran = true)).pipe(Effect.as(TraceExtractor.none)),
        accepts: (event) => typeof event === "object" && event !== null && "Records" in event
      })
      const skipped = yield* ExtractorChain.make([guarded]).extract({ headers: {} }, undefined)
      assert.isFalse(ran)
      assert.deepStrictEqual(skipped.attempts, [{ extractor: "sqs", outcome: "none" }])
      yield* ExtractorChain.make([guarded]).extract({ Records: [] }, undefined)
      assert.isTrue(ran)
    }))

  it.effect("records a throwing guard as a defect and goes on", () =>
    Effect.gen(function*() {
      const throwing = TraceExtractor.make({
        name: "http",
        extract: () => Effect.succeed(TraceExtractor.none),
        accepts: () => {
          throw new Error("bad guard")
        }
      })
      const result = yield* ExtractorChain.make([throwing, finding("xray", "3")]).extract({}, undefined)
      assert.deepStrictEqual(result.attempts.map((a) => [a.extractor, a.outcome, a.reason]), [
        ["http", "failed", "Defect"],
        ["xray", "found", undefined]
      ])
    }))

  it.effect("a run of extractors sharing a group is skipped when the group's guard rejects the event", () =>
    Effect.gen(function*() {
      const calls: Array<string> = []
      const group: TraceExtractor.Group = {
        name: "test",
        accepts: (event) => {
          calls.push("group")
          return !(typeof event === "object" && event !== null && "skip" in event)
        }
      }
      const member = (name: TraceExtractor.TraceExtractor["name"]) =>
        TraceExtractor.make({
          name,
          extract: () => {
            calls.push(`${name} extract`)
            return Effect.succeed(TraceExtractor.none)
          },
          accepts: () => {
            calls.push(`${name} guard`)
            return true
          },
          group
        })
      const chain = ExtractorChain.make([member("sqs"), member("sns"), finding("xray", "4")])
      const skipped = yield* chain.extract({ skip: true }, undefined)
      assert.deepStrictEqual(calls, ["group"])
      assert.deepStrictEqual(skipped.attempts.map((a) => [a.extractor, a.outcome, a.detail]), [
        ["sqs", "none", undefined],
        ["sns", "none", undefined],
        ["xray", "found", undefined]
      ])
      calls.length = 0
      yield* chain.extract({}, undefined)
      assert.deepStrictEqual(calls, ["group", "sqs guard", "sqs extract", "sns guard", "sns extract"])
    }))

  it.effect("a group inside another is checked for its own run after the enclosing group's guard passes", () =>
    Effect.gen(function*() {
      const calls: Array<string> = []
      const guard = (name: string, pass: (event: unknown) => boolean) => (event: unknown) => {
        calls.push(name)
        return pass(event)
      }
      const outer: TraceExtractor.Group = { name: "outer", accepts: guard("outer", (event) => event !== "none") }
      const inner: TraceExtractor.Group = {
        name: "inner",
        parent: outer,
        accepts: guard("inner", (event) => event === "inner")
      }
      const member = (name: TraceExtractor.TraceExtractor["name"], group: TraceExtractor.Group) =>
        TraceExtractor.make({
          name,
          extract: () => {
            calls.push(name)
            return Effect.succeed(TraceExtractor.none)
          },
          group
        })
      // outer: http, [inner: sns, sqs], kinesis, [inner: kafka]
      const chain = ExtractorChain.make([
        member("http", outer),
        member("sns", inner),
        member("sqs", inner),
        member("kinesis", outer),
        member("kafka", inner)
      ])
      const run = (event: string) =>
        Effect.map(chain.extract(event, undefined), (result) => {
          const seen = [...calls]
          calls.length = 0
          assert.deepStrictEqual(result.attempts.map((a) => a.extractor), ["http", "sns", "sqs", "kinesis", "kafka"])
          return seen
        })
      assert.deepStrictEqual(yield* run("none"), ["outer"])
      assert.deepStrictEqual(yield* run("other"), ["outer", "http", "inner", "kinesis", "inner"])
      assert.deepStrictEqual(yield* run("inner"), ["outer", "http", "inner", "sns", "sqs", "kinesis", "inner", "kafka"])
    }))

  it.effect("a group whose guard throws leaves the decision to its extractors' own guards", () =>
    Effect.gen(function*() {
      const group: TraceExtractor.Group = {
        name: "test",
        accepts: () => {
          throw new Error("bad group guard")
        }
      }
      const chain = ExtractorChain.make([
        TraceExtractor.make({
          name: "sqs",
          extract: () => Effect.succeed(TraceExtractor.found(context("8"))),
          group
        })
      ])
      const result = yield* chain.extract({}, undefined)
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "8")
    }))

  it.effect("the trigger group rejects durable envelopes only", () =>
    Effect.sync(() => {
      assert.isFalse(Trigger.triggers.accepts({ DurableExecutionArn: "arn" }, undefined))
      assert.isTrue(Trigger.triggers.accepts({ DurableExecutionArn: 7, Records: [] }, undefined))
      assert.isTrue(Trigger.triggers.accepts(null, undefined))
    }))

  it.effect("no invocation's result is shared mutably with another's: each is its own, or frozen", () =>
    Effect.gen(function*() {
      const intruder = context("666")
      /** What a caller may try on a result: push into its lists (a frozen list refuses). */
      const tamper = (result: ExtractionResult.ExtractionResult) => {
        for (const list of [result.links, result.attempts] as Array<Array<unknown>>) {
          try {
            list.push(list === result.links ? intruder : { extractor: "custom", outcome: "found" })
          } catch {
            // refused: frozen
          }
        }
      }
      const events: ReadonlyArray<readonly [string, unknown]> = [
        ["found, no links", fixture("triggers", "apigw-v1.json")],
        ["nothing found", { Records: [{ eventSource: "aws:s3", s3: {} }] }],
        ["nothing found, a durable envelope", { DurableExecutionArn: "arn", InitialExecutionState: {} }]
      ]
      const chain = yield* ExtractorChain.ExtractorChain.pipe(Effect.provide(DefaultChain.layerNative))
      for (const [name, event] of events) {
        const first = yield* chain.extract(event, {})
        const expected = { links: [...first.links], attempts: [...first.attempts] }
        tamper(first)
        const second = yield* chain.extract(event, {})
        assert.notStrictEqual(second, first, name)
        assert.deepStrictEqual({ links: [...second.links], attempts: [...second.attempts] }, expected, name)
        tamper(second)
        const third = yield* chain.extract(structuredClone(event), {})
        assert.deepStrictEqual({ links: [...third.links], attempts: [...third.attempts] }, expected, name)
      }
      // The building blocks too: a constant "none" and a found context without links cannot be grown.
      for (const list of [TraceExtractor.none.links, TraceExtractor.none.notes, TraceExtractor.found(intruder).links]) {
        assert.throws(() => (list as Array<unknown>).push(intruder))
      }
    }))

  it.effect("over any sequence of events, a chain used for each reports what a fresh chain reports", () =>
    Effect.gen(function*() {
      // Events are small records of flags; groups, guards and constant or varying notes all depend on them, so a
      // run skipped by a group can follow one whose members left notes, and the other way round.
      type Flags = { readonly outer: boolean; readonly inner: boolean; readonly guard: boolean; readonly note: number }
      const outer: TraceExtractor.Group = { name: "outer", accepts: (event) => (event as Flags).outer }
      const inner: TraceExtractor.Group = { name: "inner", parent: outer, accepts: (event) => (event as Flags).inner }
      const constant = TraceExtractor.noneWith("constant")
      const noted = (event: unknown) => {
        const note = (event as Flags).note
        return Effect.succeed(
          note === 0 ? TraceExtractor.none : note === 1 ? constant : TraceExtractor.noneWith(`n${note}`)
        )
      }
      const extractors = () => [
        TraceExtractor.make({ name: "custom", extract: noted }),
        TraceExtractor.make({ name: "sns", extract: noted, group: outer }),
        TraceExtractor.make({
          name: "sqs",
          extract: noted,
          accepts: (event) => (event as Flags).guard,
          group: inner
        }),
        TraceExtractor.make({ name: "kinesis", extract: noted, group: inner }),
        TraceExtractor.make({ name: "eventbridge", extract: noted, group: outer }),
        TraceExtractor.make({ name: "xray", extract: noted, accepts: (event) => !(event as Flags).guard })
      ]
      const shared = ExtractorChain.make(extractors())
      const rows = (result: ExtractionResult.ExtractionResult) =>
        result.attempts.map((a) => [a.extractor, a.outcome, a.detail])
      const flags = fc.record({ outer: fc.boolean(), inner: fc.boolean(), guard: fc.boolean(), note: fc.nat(3) })
      for (const events of fc.sample(fc.array(flags, { minLength: 1, maxLength: 12 }), 200)) {
        for (const event of events) {
          const reused = yield* shared.extract(event, undefined)
          const fresh = yield* ExtractorChain.make(extractors()).extract(event, undefined)
          assert.deepStrictEqual(rows(reused), rows(fresh))
        }
      }
    }))

  it.effect("concurrent invocations that wait on an extractor each keep their own attempts", () =>
    Effect.gen(function*() {
      // Before the wait, a constant result for "a" events and a guard rejection for the others: what the shared log
      // of one invocation holds must not leak into another that finishes while the first waits.
      const constant = TraceExtractor.noneWith("custom a")
      const chain = ExtractorChain.make([
        TraceExtractor.make({
          name: "custom",
          extract: () => Effect.succeed(constant),
          accepts: (event) => event === "a"
        }),
        TraceExtractor.make({
          name: "sqs",
          extract: (event) =>
            Effect.zipRight(Effect.yieldNow(), Effect.succeed(TraceExtractor.noneWith(`sqs ${String(event)}`)))
        }),
        TraceExtractor.make({
          name: "xray",
          extract: (event) => Effect.succeed(TraceExtractor.noneWith(`xray ${String(event)}`))
        })
      ])
      const events = ["a", "z", "a", "a", "z", "z", "a"]
      yield* chain.extract("a", undefined)
      const results = yield* Effect.forEach(events, (event) => chain.extract(event, undefined), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(
        results.map((result) => result.attempts.map((a) => a.detail)),
        events.map((event) => [event === "a" ? "custom a" : undefined, `sqs ${event}`, `xray ${event}`])
      )
    }))

  class First extends Context.Tag("test/First")<First, TraceExtractor.TraceExtractor>() {}
  class Second extends Context.Tag("test/Second")<Second, TraceExtractor.TraceExtractor>() {}
  class Missing extends Context.Tag("test/Missing")<Missing, TraceExtractor.TraceExtractor>() {}

  it.effect("assembles a chain from the services present, in the given order", () =>
    Effect.gen(function*() {
      const result = yield* ExtractorChain.extract({}, undefined)
      assert.deepStrictEqual(result.attempts.map((a) => a.extractor), ["custom", "kinesis"])
      assert.strictEqual(Option.getOrThrow(result.context).traceId, "5")
    }).pipe(
      Effect.provide(
        ExtractorChain.layerFromServices([Missing, Second, First]).pipe(
          Layer.provide(Layer.succeed(First, finding("kinesis", "5"))),
          Layer.provide(Layer.succeed(Second, nothing("custom")))
        )
      )
    ))
})
