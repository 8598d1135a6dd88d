/**
 * What the extractors of one chain run share (both Effect lines): the invocation's shared work and the groups of
 * guards. Effect-free.
 */

/** A key of work shared by the extractors of one invocation (see {@link Invocation}). */
export class InvocationKey<A> {
  declare readonly _A: (_: never) => A
  constructor(readonly description: string) {}
}

/**
 * One invocation as the extractors of a chain see it: work that more than one of them needs (the durable
 * extractors' reading of later pages, a durable input payload's parse) is done once per invocation and shared. The
 * chain makes one for each run and hands it to every extractor it runs, unless its caller passes its own to share
 * the work too; one belongs to one event, and nothing in it outlives the invocation.
 */
export class Invocation {
  #shared: Map<InvocationKey<unknown>, unknown> | undefined

  /** The value of `key` in this invocation: made by `make` on first use, the same value after. */
  shared<A>(key: InvocationKey<A>, make: () => A): A {
    const shared = this.#shared ??= new Map()
    if (shared.has(key)) return shared.get(key) as A
    const value = make()
    shared.set(key, value)
    return value
  }
}

/**
 * An {@link Invocation} a wrapper shares with its chain and then drops: once extraction and the serverless
 * description are done, {@link ReleasableInvocation.release} lets the work go (a parsed payload of up to 6 MiB is
 * not held while the handler runs). Work asked for after the release is done again.
 */
export class ReleasableInvocation extends Invocation {
  #work: Invocation | undefined

  override shared<A>(key: InvocationKey<A>, make: () => A): A {
    return (this.#work ??= new Invocation()).shared(key, make)
  }

  /** Drops the shared work. */
  release(): void {
    this.#work = undefined
  }
}

/**
 * A guard shared by consecutive extractors of a chain: the chain calls it once for the run of extractors that
 * carry the same group (or a group inside it), and when it rejects the event records "none" for all of them
 * without calling their own guards. It must be total and cheap, like an extractor's `accepts`, and a necessary
 * condition of every member's guard.
 */
export interface Group {
  readonly name: string
  readonly accepts: (event: unknown, lambdaContext: unknown) => boolean
  /** An enclosing group: its guard is checked first, for the longer run of extractors it covers. */
  readonly parent?: Group | undefined
}

/** What an extractor is built from, whatever the line's effect type `X` of `extract`. */
export interface ExtractorOptions<X> {
  readonly name: string
  readonly extract: X
  readonly accepts?: ((event: unknown, lambdaContext: unknown) => boolean) | undefined
  readonly textGuard?: ((text: string) => boolean) | undefined
  readonly group?: Group | undefined
}

/** An extractor value: the options, without the guards left undefined. */
export const makeExtractor = <O extends ExtractorOptions<unknown>>(options: O): O => ({
  name: options.name,
  extract: options.extract,
  ...(options.accepts === undefined ? {} : { accepts: options.accepts }),
  ...(options.textGuard === undefined ? {} : { textGuard: options.textGuard }),
  ...(options.group === undefined ? {} : { group: options.group })
} as O)
