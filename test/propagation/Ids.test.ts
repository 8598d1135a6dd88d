import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Ids from "../../src/internal/ids.js"

const MAX = 2n ** 64n - 1n
const u64 = fc.bigInt({ min: 1n, max: MAX })
const hex16 = fc.stringMatching(/^[0-9a-f]{16}$/)

describe("Ids", () => {
  it("isDecimalU64 accepts canonical non-zero 64-bit decimals only", () => {
    for (const value of ["1", "42", "18446744073709551615", "9223372036854775808"]) {
      assert.isTrue(Ids.isDecimalU64(value), value)
    }
    for (
      const value of ["", "0", "01", "18446744073709551616", "99999999999999999999", "-1", "+1", "1.0", " 1", "1e3"]
    ) {
      assert.isFalse(Ids.isDecimalU64(value), value)
    }
  })

  it("parseDecimalU64 strips leading zeros (as dd-trace reads them) up to 64 characters", () => {
    assert.strictEqual(Ids.parseDecimalU64("0042"), "42")
    assert.strictEqual(Ids.parseDecimalU64("0".repeat(43) + "18446744073709551615"), "18446744073709551615")
    assert.isUndefined(Ids.parseDecimalU64("0".repeat(64) + "1"))
    for (const value of ["", "0", "0000", "18446744073709551616", "12abc", "-5", " 5", "5 "]) {
      assert.isUndefined(Ids.parseDecimalU64(value), value)
    }
  })

  it("parseDecimalU64 gives the canonical decimal of any 64-bit id with any leading zeros (property)", () => {
    fc.assert(
      fc.property(u64, fc.nat({ max: 40 }), (value, zeros) => {
        assert.strictEqual(Ids.parseDecimalU64("0".repeat(zeros) + value.toString()), value.toString())
      }),
      { numRuns: 500 }
    )
  })

  it("converts between decimal and 16-hex ids", () => {
    assert.strictEqual(Ids.decimalToHex16("1311693406324658740"), "1234123412341234")
    assert.strictEqual(Ids.decimalToHex16("18446744073709551615"), "ffffffffffffffff")
    assert.strictEqual(Ids.decimalToHex16("1"), "0000000000000001")
    assert.strictEqual(Ids.hexToDecimal("6a5f3e2100000000"), "7664913402262716416")
    assert.strictEqual(Ids.hexToDecimal("0000000000000000"), "0")
  })

  it("decimal → hex → decimal and hex → decimal → hex are identities (property)", () => {
    fc.assert(
      fc.property(u64, hex16, (value, hex) => {
        const decimal = value.toString()
        assert.strictEqual(Ids.hexToDecimal(Ids.decimalToHex16(decimal)), decimal)
        assert.isTrue(Ids.isHex16(Ids.decimalToHex16(decimal)))
        assert.strictEqual(Ids.decimalToHex16(Ids.hexToDecimal(hex)), hex)
      }),
      { numRuns: 500 }
    )
  })

  it("bytesToDecimal reads the last 8 big-endian bytes, as dd-trace's decimal ids do (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 16 }), fc.boolean(), (bytes, plain) => {
        const low = Buffer.from(bytes.subarray(bytes.length - 8)).readBigUInt64BE(0).toString(10)
        assert.strictEqual(Ids.bytesToDecimal(plain ? Array.from(bytes) : bytes), low)
      }),
      { numRuns: 3000 }
    )
    for (
      const bad of [[], [1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 0, 0, 0, 0, 256], [0, 0, 0, 0, 0, 0, 0, -1], [
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1.5
      ]]
    ) {
      assert.isUndefined(Ids.bytesToDecimal(bad), JSON.stringify(bad))
    }
    assert.isUndefined(Ids.bytesToDecimal(["0", "0", "0", "0", "0", "0", "0", "1"]))
  })

  it("joins and splits W3C trace ids (property)", () => {
    fc.assert(
      fc.property(u64, fc.option(hex16.filter((high) => high !== Ids.ZERO_HEX16), { nil: undefined }), (low, high) => {
        const joined = Ids.toW3cTraceId(low.toString(), high)
        assert.isTrue(Ids.isHex32(joined))
        assert.strictEqual(BigInt("0x" + joined), ((high === undefined ? 0n : BigInt("0x" + high)) << 64n) + low)
        assert.deepStrictEqual(Ids.fromW3cTraceId(joined), { traceId: low.toString(), traceIdHigh: high })
      }),
      { numRuns: 500 }
    )
  })

  it("fromW3cTraceId rejects a zero low half, upper case and other lengths", () => {
    for (
      const value of [
        "6a5f3e21000000000000000000000000",
        "0000000000000000000000000000000A",
        "abc",
        "0".repeat(31) + "1f"
      ]
    ) {
      assert.isUndefined(Ids.fromW3cTraceId(value), value)
    }
  })

  it("the character-loop predicates accept exactly what their regular expressions do (property)", () => {
    // Strings built from the characters that matter (digits, hex of both cases, neighbours of those ranges, non-ASCII
    // look-alikes) at the lengths that matter, plus arbitrary strings.
    const tricky = fc.constantFrom(..."0123456789abcdefABCDEFgG/:@`_ \n٣５".split(""))
    const sized = fc.oneof(
      fc.string({ unit: tricky, minLength: 0, maxLength: 34 }),
      fc.string({ unit: tricky, minLength: 16, maxLength: 16 }),
      fc.string({ unit: tricky, minLength: 32, maxLength: 32 }),
      fc.string({ unit: fc.constantFrom("0", "1", "9"), maxLength: 22 }),
      fc.string()
    )
    fc.assert(
      fc.property(sized, (value) => {
        assert.strictEqual(Ids.isDigits(value), /^[0-9]+$/.test(value), value)
        assert.strictEqual(Ids.isHex16(value), /^[0-9a-f]{16}$/.test(value), value)
        assert.strictEqual(Ids.isHex16AnyCase(value), /^[0-9A-Fa-f]{16}$/.test(value), value)
        assert.strictEqual(Ids.isHex32(value), /^[0-9a-f]{32}$/.test(value), value)
        assert.strictEqual(Ids.isAllZeros(value), /^0+$/.test(value), value)
        const canonical = /^[1-9][0-9]*$/.test(value) && value.length <= 20 &&
          (value.length < 20 || value <= Ids.MAX_U64_DECIMAL)
        assert.strictEqual(Ids.isDecimalU64(value), canonical, value)
      }),
      { numRuns: 3000 }
    )
  })

  it("hex and zero predicates", () => {
    assert.isTrue(Ids.isHex16("0123456789abcdef"))
    assert.isFalse(Ids.isHex16("0123456789ABCDEF"))
    assert.isTrue(Ids.isHex16AnyCase("0123456789ABCDEF"))
    assert.isFalse(Ids.isHex16AnyCase("0123456789abcde"))
    assert.isTrue(Ids.isAllZeros("000"))
    assert.isFalse(Ids.isAllZeros(""))
    assert.isFalse(Ids.isAllZeros("-0"))
  })
})
