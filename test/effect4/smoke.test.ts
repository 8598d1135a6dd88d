import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import packageJson from "effect/package.json" with { type: "json" }

it.effect("runs on Effect 4", () =>
  Effect.sync(() => {
    assert.match(packageJson.version, /^4\./)
  }))
