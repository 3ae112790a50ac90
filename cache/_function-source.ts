/**
 * A function's source as a syntax tree (acorn): its normalized text, without
 * positions or raw spellings, and the names it refers to.
 *
 * @module
 */
import { parse, type Node as AcornNode } from "acorn";

/** A parsed function: the tree and its normalized text. */
export interface ParsedSource {
  readonly ast: AcornNode;
  readonly normalized: string;
}

/** Keys that hold layout or spelling, not meaning. */
const DROP = new Set(["start", "end", "loc", "range", "raw"]);

/**
 * Parses `fn`'s source. Returns why when it cannot: a native or bound
 * function, or a source acorn does not read.
 */
export function parseSource(fn: Function): ParsedSource | string {
  const raw = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(raw)) {
    return "its source is not available (a native or bound function); give it a manual version with node(fn, { version })";
  }
  // A function or class is an expression in parentheses; a method (`m() {}`) parses inside an object literal.
  for (const [prefix, suffix] of [["(", ")"], ["({", "})"]] as const) {
    for (const sourceType of ["module", "script"] as const) {
      let ast: AcornNode;
      try {
        ast = parse(prefix + raw + suffix, { ecmaVersion: "latest", sourceType });
      } catch {
        continue;
      }
      const normalized = JSON.stringify(ast, (key, value) =>
        DROP.has(key) ? undefined : typeof value === "bigint" ? `${value}n` : value instanceof RegExp ? String(value) : value);
      return { ast, normalized };
    }
  }
  return "its source could not be parsed; give it a manual version with node(fn, { version })";
}

/**
 * Every identifier the tree uses as a name (not as a property key), sorted
 * and unique. Walks with its own stack: no recursion.
 */
export function referencedNames(ast: AcornNode): string[] {
  const names = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | undefined;
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    if (node.type === "Identifier") {
      names.add(node.name as string);
      continue;
    }
    for (const key in node) {
      if (DROP.has(key) || key === "type") continue;
      // `a.b` and `{ b: 1 }` name a property, not a binding; `{ b }` does both.
      if (key === "property" && node.type === "MemberExpression" && !node.computed) continue;
      if (key === "key" && !node.computed && !node.shorthand) continue;
      const child = node[key];
      if (child !== null && typeof child === "object") stack.push(child);
    }
  }
  return [...names].sort();
}
