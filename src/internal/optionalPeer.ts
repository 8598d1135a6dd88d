/**
 * Loads an optional peer dependency (dd-trace, the durable SDK, the AWS SDK) at run time.
 *
 * The specifier is a parameter, not a literal, so bundlers leave the import to Node instead of failing to resolve a
 * package the app does not install (or takes from a Lambda layer). In the CommonJS build it becomes `require`.
 *
 * @internal
 */
export const importOptionalPeer = (specifier: string): Promise<unknown> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)
