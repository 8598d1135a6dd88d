/**
 * Mutated real events for property tests: a fixture with a few random edits anywhere in it (a value replaced by
 * another JSON value, or a key deleted).
 */
import * as fc from "fast-check"

const DELETE = Symbol("delete")

const slots = (value: unknown, out: Array<readonly [Record<PropertyKey, unknown>, PropertyKey]> = []) => {
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      out.push([value as Record<PropertyKey, unknown>, key])
      slots((value as Record<string, unknown>)[key], out)
    }
  }
  return out
}

const replacement: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(DELETE),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom("", "2.0", "v1", "0", "-1", "ffffffffffffffff", "18446744073709551616", "__proto__", null, [], {}),
  fc.base64String({ maxLength: 64 })
)

/** Valid events with one to four random edits anywhere in them (replace a value, or delete a key). */
export const mutationsOf = (base: unknown): fc.Arbitrary<unknown> =>
  fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(base)
    for (const [index, value] of edits) {
      const all = slots(copy)
      if (all.length === 0) break
      const [parent, key] = all[index % all.length]!
      if (value === DELETE) delete parent[key]
      else parent[key] = structuredClone(value)
    }
    return copy
  })
