#!/usr/bin/env node
/**
 * The `effect-datadog-lambda` executable.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { main } from "./Main.js"

Effect.runPromise(main(process.argv.slice(2))).then((code) => {
  process.exitCode = code
})
