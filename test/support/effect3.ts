// The Effect 3 runtime, for the Effect 4 line's tests that run the package root beside it: files under test/support
// resolve `effect` to 3.x (test/effect4 resolves it to 4.x).
export * as Effect from "effect/Effect"
export * as Layer from "effect/Layer"
export * as ManagedRuntime from "effect/ManagedRuntime"
