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
