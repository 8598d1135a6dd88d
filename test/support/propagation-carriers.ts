/**
 * fast-check generators of propagation carriers: valid and near-valid Datadog, W3C and B3 headers built around a
 * few shared ids (so Datadog/W3C conflicts and matches are frequent), with mixed-case keys, array and numeric
 * values, and random style lists.
 *
 * The generators stay inside what both propagators read the same way. Left out on purpose (each has an example
 * test in PropagatorAgreement.test.ts): decimal ids that dd-trace coerces to a non-zero value (trailing junk,
 * over 2^64 - 1, negative, more than 64 digits) and the Elastic Beanstalk `x-aws-sqsd-attr-_datadog` header.
 * Junk that dd-trace coerces to zero (`abc`, `-`, `0`) is generated.
 */
import * as fc from "fast-check"
import type { Style } from "../../src/internal/propagation/propagationStyle.js"
import * as PropagationStyle from "../../src/internal/propagation/propagationStyle.js"

const MAX_U64 = 2n ** 64n - 1n
const ZERO16 = "0000000000000000"

/** The ids a carrier is built around. */
export interface World {
  readonly high: bigint
  readonly low: bigint
  readonly span: bigint
  readonly otherLow: bigint
  readonly otherSpan: bigint
}

const u64 = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: MAX_U64 }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 9n }) },
  fc.constantFrom(2n ** 53n + 1n, 2n ** 63n, MAX_U64)
)

/** Shared ids; `high` is zero a third of the time. */
export const world: fc.Arbitrary<World> = fc.record({
  high: fc.oneof(fc.constant(0n), u64, u64),
  low: u64,
  span: u64,
  otherLow: u64,
  otherSpan: u64
})

/** 16 lower-case hex characters. */
export const hex16 = (value: bigint): string => value.toString(16).padStart(16, "0")

const mixedCase = (value: string): string =>
  Array.from(value, (char, index) => index % 2 === 0 ? char.toUpperCase() : char.toLowerCase()).join("")

const anyCase = (value: string): fc.Arbitrary<string> =>
  fc.constantFrom(value, value, value.toUpperCase(), mixedCase(value))

const titleCase = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash, char) => dash + char.toUpperCase())

/** How a value is sent: as is, as the first of a multi-value array, or as a number when it is a small integer. */
const shaped = (value: string): fc.Arbitrary<unknown> => {
  const shapes: Array<fc.Arbitrary<unknown>> = [fc.constant(value), fc.constant(value), fc.constant([value, "9"])]
  if (/^[1-9][0-9]{0,14}$/.test(value)) shapes.push(fc.constant(Number(value)))
  return fc.oneof(...shapes)
}

type Entry = readonly [string, unknown]

/** A header present `presence` of the time (0 to 1), under a random spelling of its name. */
const header = (name: string, value: fc.Arbitrary<string>, presence: number): fc.Arbitrary<Entry | undefined> =>
  fc.oneof(
    {
      weight: Math.round(presence * 100),
      arbitrary: fc.tuple(fc.constantFrom(name, name.toUpperCase(), titleCase(name)), value.chain(shaped))
    },
    { weight: Math.round((1 - presence) * 100), arbitrary: fc.constant(undefined) }
  )

const weighted = <A>(common: fc.Arbitrary<A>, rare: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.oneof({ weight: 4, arbitrary: common }, { weight: 1, arbitrary: rare })

const datadogTraceId = (w: World) =>
  weighted(
    fc.constantFrom(w.low.toString(), w.low.toString(), w.otherLow.toString(), "000" + w.low.toString()),
    fc.constantFrom("0", "00", "", "abc", "-", "x1", "-0")
  )

const datadogParentId = (w: World) =>
  weighted(
    fc.constantFrom(w.span.toString(), w.otherSpan.toString(), "00" + w.span.toString()),
    fc.constantFrom("0", "abc", "")
  )

const priority = weighted(
  fc.integer({ min: -3, max: 3 }).map(String),
  fc.constantFrom("abc", "", " 2", "+1", "1.9", "2x", "99999999999999999999")
)

const tagPair = (w: World) =>
  fc.oneof(
    fc.constantFrom("_dd.p.dm=-4", "_dd.p.dm=-0", "_dd.p.usr.id=abc", "_dd.p.flag", "_dd.p.k=a=b"),
    anyCase(hex16(w.high)).map((tid) => `_dd.p.tid=${tid}`),
    fc.constantFrom(`_dd.p.tid=${ZERO16}`, "_dd.p.tid=xyz", "_dd.p.tid=0123456789ABCDEF", "_dd.p.tid=abc"),
    fc.constantFrom("foo=bar", "_dd.p.=x", "_dd.p.x=é", "_dd.p. x=1", "")
  )

const datadogTags = (w: World) =>
  weighted(
    fc.array(tagPair(w), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.join(",")),
    fc.constant(`_dd.p.tid=${hex16(w.high)},_dd.p.long=${"a".repeat(600)}`)
  )

const traceparent = (w: World) =>
  fc.record({
    version: fc.constantFrom("00", "00", "00", "01", "ff", "FF", "fe", "cc", "0A"),
    traceId: weighted(
      fc.constantFrom(hex16(w.high) + hex16(w.low), ZERO16 + hex16(w.low), hex16(w.high) + hex16(w.otherLow)),
      fc.constantFrom(hex16(w.high) + ZERO16, ZERO16 + ZERO16, hex16(w.low), hex16(w.low) + "0")
    ),
    spanId: weighted(
      fc.constantFrom(hex16(w.span), hex16(w.otherSpan)),
      fc.constantFrom(ZERO16, "xyz", hex16(w.span).slice(1))
    ),
    flags: fc.constantFrom("01", "01", "00", "03", "02", "ff", "FE"),
    tail: fc.constantFrom("", "", "", "", "-", "-foo", "-a\nb"),
    padding: fc.constantFrom(["", ""], ["", ""], [" ", ""], ["", "\t"], ["\n", " "]),
    casing: fc.constantFrom("lower", "lower", "upper", "mixed")
  }).map(({ casing, flags, padding, spanId, tail, traceId, version }) => {
    const core = `${version}-${traceId}-${spanId}-${flags}${tail}`
    const cased = casing === "upper" ? core.toUpperCase() : casing === "mixed" ? mixedCase(core) : core
    return padding[0] + cased + padding[1]
  })

const ddEntry = (w: World) =>
  fc.oneof(
    fc.integer({ min: -3, max: 3 }).map((s) => `s:${s}`),
    fc.constantFrom(hex16(w.span), hex16(w.otherSpan), ZERO16).map((p) => `p:${p}`),
    fc.constantFrom(
      "s:abc",
      "s:",
      " s : 2",
      "s:99999999999999999999",
      "o:rum",
      "o:syn~thetics",
      "o:a b",
      "t.dm:-4",
      "t.dm:3",
      "t.dm:abc",
      "t.usr.id:a~b",
      `t.tid:${hex16(w.high)}`,
      "t.tid:0123456789abcdef",
      "bad"
    )
  )

const tracestate = (w: World) =>
  weighted(
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.array(ddEntry(w), { maxLength: 5 }).map((entries) => `dd=${entries.join(";")}`) },
        fc.constantFrom(
          "foo=bar",
          "ot=th:8",
          "congo=t61rcWkgMzE",
          " dd =s:2;o:padded",
          "dd=",
          "d d=s:1",
          "dd=s:1\t",
          "dd=s:1\t;o:tab",
          `dd=t.x:${"a".repeat(300)}`
        )
      ),
      { minLength: 1, maxLength: 4 }
    ).map((members) => members.join(",")),
    fc.constant(Array.from({ length: 32 }, (_, index) => `v${index}=x`).join(",") + ",dd=s:2;o:late")
  )

const b3TraceId = (w: World) =>
  weighted(
    fc.constantFrom(hex16(w.low), hex16(w.high) + hex16(w.low), ZERO16 + hex16(w.low)),
    fc.constantFrom(ZERO16, ZERO16 + ZERO16, hex16(w.high) + ZERO16, "xyz")
  ).chain(anyCase)

const b3SpanId = (w: World) =>
  weighted(fc.constantFrom(hex16(w.span), hex16(w.otherSpan)), fc.constantFrom(ZERO16, "xyz")).chain(anyCase)

const b3Single = (w: World) =>
  weighted(
    fc.record({
      traceId: b3TraceId(w),
      spanId: b3SpanId(w),
      sampled: fc.option(fc.constantFrom("0", "1", "d", "D", "x"), { nil: undefined }),
      parent: fc.option(fc.constant(hex16(w.otherSpan)), { nil: undefined })
    }).map(({ parent, sampled, spanId, traceId }) =>
      `${traceId}-${spanId}` + (sampled === undefined ? "" : `-${sampled}` + (parent === undefined ? "" : `-${parent}`))
    ),
    fc.constantFrom("0", "1", "d", "D", "", "xyz")
  )

const noise = fc.constantFrom<Entry>(
  ["content-type", "application/json"],
  ["baggage", "k=v,x=y"],
  ["x-datadog-sampled", "1"],
  ["user-agent", "curl"]
)

/** A carrier mixing every style's headers around one {@link World}. */
export const carrierOf = (w: World): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(
    header("x-datadog-trace-id", datadogTraceId(w), 0.75),
    header("x-datadog-parent-id", datadogParentId(w), 0.85),
    header("x-datadog-sampling-priority", priority, 0.6),
    header("x-datadog-origin", fc.constantFrom("rum", "synthetics", "lambda", ""), 0.4),
    header("x-datadog-tags", datadogTags(w), 0.5),
    header("traceparent", traceparent(w), 0.7),
    header("tracestate", tracestate(w), 0.6),
    header("x-b3-traceid", b3TraceId(w), 0.3),
    header("x-b3-spanid", b3SpanId(w), 0.4),
    header("x-b3-sampled", fc.constantFrom("0", "1", "true", "d", ""), 0.2),
    header("x-b3-flags", fc.constantFrom("1", "0", ""), 0.1),
    header("b3", b3Single(w), 0.3),
    fc.option(noise, { nil: undefined })
  ).map((entries) => {
    const carrier: Record<string, unknown> = {}
    for (const entry of entries) if (entry !== undefined) carrier[entry[0]] = entry[1]
    return carrier
  })

/** A carrier around random shared ids. */
export const carrier: fc.Arbitrary<Record<string, unknown>> = world.chain(carrierOf)

/** Style lists: dd-trace's default, any ordered subset, and Datadog/W3C orders. */
export const styles: fc.Arbitrary<ReadonlyArray<Style>> = fc.oneof(
  fc.constant(PropagationStyle.defaultExtract),
  fc.shuffledSubarray([...PropagationStyle.styles], { minLength: 0, maxLength: 4 }),
  fc.shuffledSubarray<Style>(["datadog", "tracecontext", "baggage"], { minLength: 1 })
)
