/**
 * Lambda context objects as the Node.js runtimes build them.
 *
 * `runtimeContext` follows aws-lambda-ric 4.0.2's `ContextBuilder.build` (the nodejs22.x and later runtimes): the
 * invoke headers' data (`clientContext`, `identity`, `invokedFunctionArn`, `awsRequestId`, `tenantId`,
 * `xRayTraceId`, `getRemainingTimeInMillis`) and then the environment's (`functionName` ...). Every header field is
 * present, `undefined` when its header is absent. `legacyContext` is the older runtimes' shape, which has no
 * `xRayTraceId` (they only set `_X_AMZN_TRACE_ID`) and has the callback methods.
 *
 * The benchmarks use the same objects (bench/events.ts).
 */
export const runtimeContext = (xRayTraceId: string | undefined) => ({
  clientContext: undefined,
  identity: undefined,
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders",
  awsRequestId: "8f5c2a1e-3b4d-4c6e-9f7a-1b2c3d4e5f60",
  tenantId: undefined,
  xRayTraceId,
  getRemainingTimeInMillis: () => 900_000,
  functionName: "orders",
  functionVersion: "$LATEST",
  memoryLimitInMB: "1024",
  logGroupName: "/aws/lambda/orders",
  logStreamName: "2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef"
})

export const legacyContext = () => {
  const { tenantId: _tenantId, xRayTraceId: _xRayTraceId, ...rest } = runtimeContext(undefined)
  return {
    ...rest,
    callbackWaitsForEmptyEventLoop: true,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined
  }
}
