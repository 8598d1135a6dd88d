/**
 * A bounded, value-free summary of a Schema decoding failure.
 *
 * Effect's formatters render the offending value into each message, recursively: on a value 5,000 levels deep that
 * overflows the stack, and on a wide one it costs seconds and hundreds of megabytes. This walks the issue tree only
 * (whose shape follows the schema, not the input), never reads `actual`, and stops after a few entries.
 */
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as SchemaAST from "effect/SchemaAST"

/** Bounds of a summary. */
export const limits = {
  /** Entries reported. */
  maxEntries: 5,
  /** Issue levels followed (the schemas decoded here nest a handful). */
  maxDepth: 32,
  /** Union members named in one expected type. */
  maxMembers: 4
} as const

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/

/** A path segment: schema field names as they are, list positions as numbers, any other key elided. */
const segment = (key: PropertyKey): string =>
  typeof key === "number" ? String(key) : typeof key === "string" && IDENTIFIER.test(key) ? key : "[key]"

const annotated = (ast: SchemaAST.AST): string | undefined =>
  Option.getOrUndefined(Option.orElse(SchemaAST.getIdentifierAnnotation(ast), () => SchemaAST.getTitleAnnotation(ast)))

const isAbsent = (ast: SchemaAST.AST): boolean =>
  ast._tag === "UndefinedKeyword" || ast._tag === "VoidKeyword" || (ast._tag === "Literal" && ast.literal === null)

/**
 * What a schema expects, in words. Read from the schema only. `null` and `undefined` members of a union are left out:
 * every field decoded here may be absent or `null`.
 */
export const expected = (ast: SchemaAST.AST, depth = 0): string => {
  switch (ast._tag) {
    case "StringKeyword":
    case "TemplateLiteral":
      return "a string"
    case "NumberKeyword":
      return "a number"
    case "BooleanKeyword":
      return "a boolean"
    case "BigIntKeyword":
      return "a bigint"
    case "SymbolKeyword":
    case "UniqueSymbol":
      return "a symbol"
    case "ObjectKeyword":
    case "TypeLiteral":
      return "an object"
    case "TupleType":
      return "a list"
    case "UndefinedKeyword":
    case "VoidKeyword":
      return "undefined"
    case "Literal":
      return typeof ast.literal === "string"
        ? (ast.literal.length <= 32 ? JSON.stringify(ast.literal) : "a string literal")
        : String(ast.literal)
    case "Enums":
      return "an enum value"
    case "Union": {
      if (depth > 2) return "a union"
      const members = ast.types.filter((member) => !isAbsent(member))
      const names = [...new Set((members.length === 0 ? ast.types : members).map((m) => expected(m, depth + 1)))]
      return names.length > limits.maxMembers
        ? `one of ${names.length} types`
        : names.length <= 1
        ? names[0] ?? "nothing"
        : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`
    }
    case "Refinement":
    case "Transformation":
      return annotated(ast) ?? (depth > 2 ? "a value" : expected(ast.from, depth + 1))
    case "Declaration":
      return Option.getOrUndefined(SchemaAST.getDescriptionAnnotation(ast)) ?? annotated(ast) ?? "a value"
    default:
      return annotated(ast) ?? "a value"
  }
}

type Path = ReadonlyArray<string>

const extend = (path: Path, key: ParseResult.Path): Path =>
  Array.isArray(key)
    ? [...path, ...(key as ReadonlyArray<PropertyKey>).map(segment)]
    : [...path, segment(key as PropertyKey)]

/**
 * The failing paths of a decoding failure and what each expected (`StepDetails.Result: expected a string or an
 * object`), most specific first found, at most {@link limits} `maxEntries`; `(root)` for the value itself. Never
 * contains any part of the decoded value other than list positions and field names that look like identifiers.
 */
export const summarize = (issue: ParseResult.ParseIssue): ReadonlyArray<string> => {
  const entries: Array<string> = []
  const add = (path: Path, text: string): void => {
    const entry = `${path.length === 0 ? "(root)" : path.join(".")}: ${text}`
    if (entries.length < limits.maxEntries && !entries.includes(entry)) entries.push(entry)
  }
  const visit = (issue: ParseResult.ParseIssue, path: Path, depth: number): void => {
    if (entries.length >= limits.maxEntries) return
    if (depth > limits.maxDepth) return add(path, "invalid")
    switch (issue._tag) {
      case "Pointer":
        return visit(issue.issue, extend(path, issue.path), depth + 1)
      case "Type":
        return add(path, `expected ${expected(issue.ast)}`)
      case "Missing":
        return add(path, "missing")
      case "Unexpected":
        return add(path, "unexpected")
      case "Forbidden":
        return add(path, "forbidden")
      case "Refinement":
        return issue.kind === "From"
          ? visit(issue.issue, path, depth + 1)
          : add(path, `expected ${expected(issue.ast)}`)
      case "Transformation":
        return issue.kind === "Transformation"
          ? add(path, `expected ${expected(issue.ast)}`)
          : visit(issue.issue, path, depth + 1)
      case "Composite": {
        const issues: ReadonlyArray<ParseResult.ParseIssue> = Array.isArray(issue.issues)
          ? issue.issues
          : [issue.issues as ParseResult.ParseIssue]
        if (issue.ast._tag !== "Union") {
          for (const inner of issues) visit(inner, path, depth + 1)
          return
        }
        // A union: the members the value reached into (an object that failed inside) say more than the union's
        // list of types; the list when it matched none.
        const before = entries.length
        for (const inner of issues) if (inner._tag !== "Type") visit(inner, path, depth + 1)
        if (entries.length === before) add(path, `expected ${expected(issue.ast)}`)
        return
      }
    }
  }
  visit(issue, [], 0)
  return entries
}
