/**
 * Durations in words, the same in both Effect lines: Effect 3's `Duration.format` (`"1s 500ms"`, `"50ms"`, `"0"`,
 * `"Infinity"`), which notes and error details have always used. Effect-free.
 */

const UNITS: ReadonlyArray<readonly [suffix: string, nanos: bigint, modulo: bigint | undefined]> = [
  ["d", 86_400_000_000_000n, undefined],
  ["h", 3_600_000_000_000n, 24n],
  ["m", 60_000_000_000n, 60n],
  ["s", 1_000_000_000n, 60n],
  ["ms", 1_000_000n, 1000n],
  ["ns", 1n, 1_000_000n]
]

/** A number of milliseconds in words: whole days, hours, minutes, seconds, milliseconds and nanoseconds. */
export const formatMillis = (millis: number): string => {
  if (Number.isNaN(millis) || millis <= 0) return "0"
  if (!Number.isFinite(millis)) return "Infinity"
  const nanos = BigInt(Math.round(millis * 1_000_000))
  if (nanos === 0n) return "0"
  const pieces: Array<string> = []
  for (const [suffix, size, modulo] of UNITS) {
    const whole = nanos / size
    const part = modulo === undefined ? whole : whole % modulo
    if (part !== 0n) pieces.push(`${part}${suffix}`)
  }
  return pieces.join(" ")
}
