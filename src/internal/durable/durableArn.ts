/**
 * Durable execution ARNs:
 * `arn:{partition}:lambda:{region}:{account}:function:{fn}:{qualifier}/durable-execution/{name}/{id}`.
 */

/** The parts of a durable execution ARN this library uses. */
export interface DurableArn {
  /** The execution name (chosen by the caller that started the execution). */
  readonly executionName: string
  /** The execution id: also the `Id` of the EXECUTION operation. */
  readonly executionId: string
}

const MARKER = "/durable-execution/"

/** Longest ARN parsed. Real ARNs are well under 512 characters; the bound keeps hostile input cheap. */
export const maxLength = 2048

/**
 * Parses the execution name and id from the end of an ARN: `.../durable-execution/{name}/{id}` with both parts
 * non-empty and free of `/`. `undefined` for anything else, including the bare UUIDs the local test runner uses.
 */
export const parse = (arn: unknown): DurableArn | undefined => {
  if (typeof arn !== "string" || arn.length > maxLength) return undefined
  const at = arn.lastIndexOf(MARKER)
  if (at < 0) return undefined
  const rest = arn.slice(at + MARKER.length)
  const slash = rest.indexOf("/")
  if (slash <= 0 || slash === rest.length - 1 || rest.indexOf("/", slash + 1) >= 0) return undefined
  return { executionName: rest.slice(0, slash), executionId: rest.slice(slash + 1) }
}

/** The execution id of an ARN, or `undefined`. */
export const executionId = (arn: unknown): string | undefined => parse(arn)?.executionId
