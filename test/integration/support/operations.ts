// Operations shared by the durable integration tests, as a resumed invocation receives them.

/** The workflow's first step (positional id "1" → md5 prefix c4ca4238a0b92382), replayed without running. */
export const reservedStep = {
  Id: "c4ca4238a0b92382",
  Name: "reserve",
  Type: "STEP",
  SubType: "Step",
  Status: "SUCCEEDED",
  StartTimestamp: 1795584939186,
  StepDetails: { Attempt: 1, Result: "\"reserved\"" }
} as const

/** The ARN of the `order-42` execution (name `order-42`, id `0e230abf`). */
export const orderArn =
  "arn:aws:lambda:us-east-1:123456789012:function:demo:$LATEST/durable-execution/order-42/0e230abf"

/** The EXECUTION operation of `order-42`, whose input names no carrier. */
export const orderExecution = {
  Id: "0e230abf",
  Type: "EXECUTION",
  Status: "STARTED",
  StartTimestamp: 1795584939148,
  ExecutionDetails: { InputPayload: "{\"orderId\":\"o-42\"}" }
} as const
