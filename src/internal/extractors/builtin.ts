/**
 * The guards of the built-in extractors' groups, defined with the triggers (`triggers/trigger.ts`).
 */
export { durable, records, triggers } from "../triggers/trigger.js"
