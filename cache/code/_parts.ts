/**
 * Small pieces shared by the code-version files that must not load the parser
 * (explanations and the cache read them on every run).
 *
 * @module
 */
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { CodePart } from "../../lib/ports/metadata-store.ts";

const encoder = new TextEncoder();

/** SHA-256 hex of a string. */
export function sha256(hasher: Hasher, text: string): string {
  const h = hasher.sha256();
  h.update(encoder.encode(text));
  return h.hex();
}

/** How an explanation names a part: `helper "normalize"`, `function "load" of ./io.ts`, `package "lodash"`. */
export function describePart(p: CodePart): string {
  if (p.kind === "package") return `package "${p.name}"`;
  if (p.kind === "module") return `module ${p.name}`;
  return `${p.kind} "${p.name}"${p.file ? ` of ${p.file}` : ""}`;
}
