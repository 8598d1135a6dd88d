import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Completed from "../../src/internal/completed.js"

class Service extends Context.Tag("test/Service")<Service, number>() {}
class Tagged extends Data.TaggedError("Tagged")<{ readonly detail: string }> {}

describe("completed", () => {
  it("isCompleted holds exactly for the effects that are an Exit (as Exit.isExit says)", () => {
    const effects: ReadonlyArray<Effect.Effect<unknown, unknown, unknown>> = [
      Exit.succeed(1),
      Exit.fail("e"),
      Exit.die(new Error("d")),
      Exit.interrupt(0 as never),
      Effect.succeed(1),
      Effect.fail("e"),
      Effect.void,
      Effect.sync(() => 1),
      Effect.suspend(() => Effect.succeed(1)),
      Effect.map(Effect.succeed(1), (n) => n + 1),
      Effect.yieldNow(),
      Effect.never,
      Option.some(1),
      Option.none(),
      Either.right(1),
      Either.left("e"),
      Service,
      new Tagged({ detail: "d" }),
      Effect.fail("e").pipe(Effect.orElse(() => Effect.succeed(1))),
      Effect.exit(Effect.succeed(1))
    ]
    for (const effect of effects) assert.strictEqual(Completed.isCompleted(effect), Exit.isExit(effect))
    assert.isTrue(effects.some(Completed.isCompleted))
    assert.isTrue(effects.some((effect) => !Completed.isCompleted(effect)))
  })
})
