/**
 * Where a module file's syntax is broken, read with the parser code versions
 * use: the same answer (file, line, column) on Bun, Deno and Node, whose
 * import errors each word and place it their own way.
 *
 * @module
 */
import { loadParsers, parsers } from "./_parsers.ts";

/** The first syntax error of a source: 1-based line and column, and the parser's message. */
export interface SyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * The first syntax error of `source` (named `fileName`, whose extension picks TypeScript or JSX), or
 * `undefined` when it parses, or when the parser cannot load.
 *
 * @example
 * ```ts
 * await syntaxErrorOf("flow.ts", "export const a = (;\n"); // { line: 1, column: 19, message: "Unexpected token" }
 * ```
 */
export async function syntaxErrorOf(fileName: string, source: string): Promise<SyntaxProblem | undefined> {
  try {
    await loadParsers();
  } catch {
    return undefined;
  }
  const parsed = parsers().parseSync(fileName, source, { sourceType: "module" });
  const error = parsed.errors[0];
  if (error === undefined) return undefined;
  const at = error.labels[0]?.start ?? 0;
  const before = source.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n"), message: error.message };
}
