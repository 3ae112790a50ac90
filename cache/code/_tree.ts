/**
 * Walking oxc's TS-ESTree trees: a parent-aware walk that sees through
 * TypeScript wrappers, the names a binding pattern declares, and lines.
 *
 * @module
 */

/** A node of the tree, as far as these helpers look. */
export type AstNode = { type: string; range: [number, number]; [key: string]: unknown };

/** The names a binding pattern declares (`{ a, b: [c] }` → a, c). */
export function patternNames(p: AstNode | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case "Identifier": return [(p as unknown as { name: string }).name];
    case "ObjectPattern": return (p.properties as AstNode[]).flatMap((q) => patternNames((q.type === "RestElement" ? q.argument : q.value) as AstNode));
    case "ArrayPattern": return (p.elements as (AstNode | null)[]).flatMap((e) => patternNames(e));
    case "AssignmentPattern": return patternNames(p.left as AstNode);
    case "RestElement": return patternNames(p.argument as AstNode);
    default: return [];
  }
}

/** TypeScript wrappers that do not change what an expression is (`(ns as T)[k]` reads `ns`). */
const TRANSPARENT = new Set(["TSAsExpression", "TSSatisfiesExpression", "TSNonNullExpression", "TSTypeAssertion", "TSInstantiationExpression"]);

/** The expression under TypeScript wrappers. */
export function strip(node: AstNode): AstNode {
  while (TRANSPARENT.has(node.type)) node = node.expression as AstNode;
  return node;
}

/**
 * Visits every node under `root` with its parent, seeing through TypeScript
 * wrappers; its own stack, no recursion.
 */
export function walk(root: AstNode, visit: (node: AstNode & { name: string }, parent: AstNode | undefined) => void): void {
  const stack: [AstNode, AstNode | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    visit(node as AstNode & { name: string }, parent);
    const childParent = TRANSPARENT.has(node.type) ? parent : node;
    for (const key in node) {
      if (key === "range" || key === "type") continue;
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c !== null && typeof c === "object" && typeof (c as AstNode).type === "string") stack.push([c as AstNode, childParent]);
      } else if (child !== null && typeof child === "object" && typeof (child as AstNode).type === "string") stack.push([child as AstNode, childParent]);
    }
  }
}

/** Offsets at which lines start. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Number of entries <= offset: the 1-based line of `offset`. */
export function upperBound(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
