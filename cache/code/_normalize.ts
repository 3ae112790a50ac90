/**
 * The normalised text of a syntax tree: what a code version hashes. Positions,
 * raw spellings (quotes, `1.0` vs `1`) and TypeScript-only syntax (annotations,
 * type arguments, `as`, `!`, `satisfies`, interfaces, type aliases) are
 * dropped, so editing a comment, the layout or a type does not change a
 * version; comments are not in the tree at all.
 *
 * @module
 */

/** Keys that hold layout, spelling or types, not behaviour. */
const DROP = new Set([
  "start", "end", "range", "loc", "raw",
  "typeAnnotation", "returnType", "typeParameters", "typeArguments", "superTypeArguments", "superTypeParameters",
  "implements", "definite", "declare", "accessibility", "override", "readonly",
]);

/** Expression wrappers that only tell the type checker something. */
const UNWRAP = new Set(["TSAsExpression", "TSSatisfiesExpression", "TSNonNullExpression", "TSTypeAssertion", "TSInstantiationExpression"]);

/** Declarations that exist only for the type checker. */
const TYPE_ONLY = new Set(["TSTypeAliasDeclaration", "TSInterfaceDeclaration", "TSDeclareFunction", "TSIndexSignature"]);

/** Nodes whose `optional` flag is a type (`x?: number`), unlike `a?.b`'s. */
const OPTIONAL_IS_TYPE = new Set(["Identifier", "PropertyDefinition", "AssignmentPattern", "ObjectPattern", "ArrayPattern"]);

/**
 * The tree as canonical text, without what does not change behaviour. A
 * hand-written walk: JSON.stringify with a replacer measured three times slower.
 *
 * @example
 * ```ts
 * normalizedText(parseSync("a.ts", "const a: number = 1; // one").program)
 *   === normalizedText(parseSync("b.ts", "const a = 1").program); // true
 * ```
 */
export function normalizedText(node: unknown): string {
  const out: string[] = [];
  write(node, out);
  return out.join("");
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
    case "boolean":
      out.push(String(value));
      return;
    case "bigint":
      out.push(`${value}n`);
      return;
    case "object":
      break;
    default:
      return;
  }
  if (Array.isArray(value)) {
    out.push("[");
    for (const item of value) {
      if (isTypeOnly(item)) continue;
      write(item, out);
      out.push(",");
    }
    out.push("]");
    return;
  }
  if (value instanceof RegExp) {
    out.push(JSON.stringify(String(value)));
    return;
  }
  let node = value as Record<string, unknown>;
  while (UNWRAP.has(node.type as string)) node = node.expression as Record<string, unknown>;
  const optionalIsType = OPTIONAL_IS_TYPE.has(node.type as string);
  out.push("{");
  for (const key in node) {
    if (DROP.has(key) || (optionalIsType && key === "optional")) continue;
    const child = node[key];
    if (child === undefined || typeof child === "function" || isTypeOnly(child)) continue;
    out.push(key, ":");
    write(child, out);
    out.push(",");
  }
  out.push("}");
}

function isTypeOnly(x: unknown): boolean {
  return x !== null && typeof x === "object" && TYPE_ONLY.has((x as { type?: string }).type as string);
}
