/**
 * A node's documentation: `node(fn, { doc })` when given, otherwise a
 * `/** ... *\/` comment that opens the function's body. JavaScript engines
 * keep a function's own source, but not the comments above it, so a JSDoc
 * block above the export cannot be read at run time. Deno, Node and browsers
 * keep comments inside a function; Bun drops them when it transpiles a .ts
 * file, so on Bun only `doc` works for TypeScript modules. Read with acorn,
 * once per function.
 *
 * @module
 */
import { parse, type Comment, type Function as AcornFunction } from "acorn";

const cache = new WeakMap<Function, string>();

/**
 * The documentation comment of `fn`: the first `/** *\/` block inside its body,
 * before any statement (or, for an arrow function with an expression body,
 * right after the arrow), without its `*` margins. "" when there is none.
 *
 * @example
 * ```ts
 * documentationOf(function revenue(spend: number) {
 *   /** Revenue attributed to marketing spend. *\/
 *   return spend * 3;
 * }); // "Revenue attributed to marketing spend."
 * ```
 */
export function documentationOf(fn: Function): string {
  let doc = cache.get(fn);
  if (doc === undefined) {
    doc = read(Function.prototype.toString.call(fn));
    cache.set(fn, doc);
  }
  return doc;
}

function read(raw: string): string {
  for (const [prefix, suffix] of [["(", ")"], ["({", "})"]] as const) {
    const comments: Comment[] = [];
    let program;
    try {
      program = parse(prefix + raw + suffix, { ecmaVersion: "latest", sourceType: "module", onComment: comments });
    } catch {
      continue;
    }
    const stmt = program.body[0];
    if (stmt?.type !== "ExpressionStatement") continue;
    let fn: AcornFunction | undefined;
    const expr = stmt.expression;
    if (expr.type === "FunctionExpression" || expr.type === "ArrowFunctionExpression") fn = expr;
    else if (expr.type === "ObjectExpression" && expr.properties[0]?.type === "Property" && expr.properties[0].value.type === "FunctionExpression") fn = expr.properties[0].value;
    if (fn === undefined) return "";
    const body = fn.body;
    const [from, to] = body.type === "BlockStatement"
      ? [body.start, body.body[0]?.start ?? body.end]
      : [fn.params.length > 0 ? fn.params[fn.params.length - 1]!.end : fn.start, body.start];
    const doc = comments.find((c) => c.type === "Block" && c.value.startsWith("*") && c.start >= from && c.end <= to);
    return doc ? clean(doc.value) : "";
  }
  return "";
}

function clean(value: string): string {
  return value
    .split("\n")
    .map((l) => l.replace(/^\s*\*+ ?/, "").trimEnd())
    .join("\n")
    .trim();
}
