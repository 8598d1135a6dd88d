/**
 * Readers that give what plain JavaScript gives on an untrusted event (a property read, a template literal,
 * `Number(x)`, `Date.parse(x)`): the serverless span descriptions reproduce datadog-lambda-js, which is written with
 * those operators, on events of any shape. A property read never throws; a conversion throws exactly where
 * JavaScript's does, and the callers catch it where datadog-lambda-js catches it (or where its whole step fails).
 *
 * @internal
 */

/**
 * `value[key]` when `value` is an object (arrays included), else `undefined`. Strings and other primitives carry
 * none of the keys the readers ask for.
 *
 * @internal
 */
export const get = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Readonly<Record<string, unknown>>)[key] : undefined

/**
 * `String(value)`, as a template literal writes it (`undefined` → `"undefined"`). Throws where JavaScript throws
 * (an object whose `toString` and `valueOf` give no primitive, as `{"toString": {}}` in an event): callers catch
 * where datadog-lambda-js catches.
 *
 * @internal
 */
export const text = (value: unknown): string => typeof value === "string" ? value : String(value)

/**
 * An element as `Array.prototype.join` writes it: `null` and `undefined` are empty. Throws as {@link text}.
 *
 * @internal
 */
export const joinable = (value: unknown): string => value === null || value === undefined ? "" : text(value)

/**
 * `Number(value)`. Throws as {@link text}.
 *
 * @internal
 */
export const number = (value: unknown): number => typeof value === "number" ? value : Number(value)

/**
 * `Date.parse(value)`: milliseconds since the epoch, `NaN` when it is not a date. Throws as {@link text}.
 *
 * @internal
 */
export const parseDate = (value: unknown): number => Date.parse(text(value))

/**
 * JavaScript truthiness.
 *
 * @internal
 */
export const truthy = (value: unknown): boolean => Boolean(value)

/**
 * `value || fallback`.
 *
 * @internal
 */
export const or = <A>(value: unknown, fallback: A): unknown => truthy(value) ? value : fallback

/**
 * The last `separator`-separated part of a string (`value.split(separator).pop()`); `undefined` for a non-string,
 * where JavaScript would throw.
 *
 * @internal
 */
export const lastPart = (value: unknown, separator: string): string | undefined => {
  if (typeof value !== "string") return undefined
  const at = value.lastIndexOf(separator)
  return at < 0 ? value : value.slice(at + separator.length)
}
