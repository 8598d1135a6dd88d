/**
 * The fields of the Lambda context object that the serverless spans read: function name, invoked ARN and request
 * id. Read totally: a missing or non-string field is `undefined`, whatever the object.
 */
import { isRecord } from "../propagation/carrier.js"

export interface LambdaContext {
  readonly functionName: string | undefined
  readonly invokedFunctionArn: string | undefined
  readonly awsRequestId: string | undefined
}

const stringField = (context: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = context[key]
  return typeof value === "string" ? value : undefined
}

/** The context's remaining time in milliseconds (at least 0); `undefined` when it has no usable clock. */
export const remainingMillis = (context: unknown): number | undefined => {
  if (!isRecord(context)) return undefined
  const get = context.getRemainingTimeInMillis
  if (typeof get !== "function") return undefined
  try {
    const value: unknown = get.call(context)
    return typeof value === "number" && Number.isFinite(value) ? Math.max(0, value) : undefined
  } catch {
    return undefined
  }
}

/** Reads a Lambda context object; `undefined` when `context` is not an object. */
export const read = (context: unknown): LambdaContext | undefined =>
  isRecord(context)
    ? {
      functionName: stringField(context, "functionName"),
      invokedFunctionArn: stringField(context, "invokedFunctionArn"),
      awsRequestId: stringField(context, "awsRequestId")
    }
    : undefined

/**
 * The function ARN and version as datadog-lambda-js tags them: the invoked ARN lower-cased, without its qualifier
 * (`arn:aws:lambda:us-east-1:123456789012:function:my-fn`), and the qualifier as the version (an alias or version
 * number, lower-cased too), `$LATEST` when the ARN is unqualified.
 */
export const functionArn = (invokedFunctionArn: string | undefined): {
  readonly arn: string
  readonly version: string
} => {
  const arn = (invokedFunctionArn ?? "").toLowerCase()
  const parts = arn.split(":")
  return parts.length > 7 ? { arn: parts.slice(0, 7).join(":"), version: parts[7]! } : { arn, version: "$LATEST" }
}

/**
 * The region and account of the invoked ARN (its 4th and 5th `:`-separated parts), and the partition the region
 * belongs to (`aws-us-gov`, `aws-cn`, else `aws`). `undefined` without an ARN or with fewer than four parts.
 */
export const location = (invokedFunctionArn: string | undefined): {
  readonly region: string
  readonly accountId: string | undefined
  readonly partition: string
} | undefined => {
  if (invokedFunctionArn === undefined) return undefined
  const parts = invokedFunctionArn.split(":")
  const region = parts[3]
  if (region === undefined) return undefined
  const partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws"
  return { region, accountId: parts[4], partition }
}
