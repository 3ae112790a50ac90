/**
 * Code versions of nodes, so that a remote worker can tell whether it runs
 * the same code as the driver. A node's code version is the SHA-256 of its
 * function's source read as tokens (acorn's tokenizer), so whitespace,
 * comments, quote style and the spelling of numbers do not count; a manual
 * `node(fn, { version })` replaces it. Like Hamilton's, it covers the node's
 * own function, not the helpers it calls.
 *
 * The cache computes code versions for its keys too; once it lands, this
 * module should defer to it, so that both agree.
 *
 * @module
 */
import { tokenizer } from "acorn";
import type { NodeSpec } from "../lib/spec.ts";

/**
 * The code version of a node spec: `manual:<version>` when the node sets
 * one, otherwise `sha256:<hex>` of its normalized source.
 *
 * @example
 * ```ts
 * const [spec] = nodeSpecsOf("double", (x: number) => x * 2, { module: "m", config: {} });
 * await codeVersion(spec!); // "sha256:..." (the same for `(x) => x*2 // doubles`)
 * ```
 */
export async function codeVersion(spec: Pick<NodeSpec, "source" | "options">): Promise<string> {
  if (spec.options.version !== undefined) return `manual:${spec.options.version}`;
  return `sha256:${await sha256Hex(normalizedSource(spec.source))}`;
}

/**
 * The function's source as one token per line: token type and value, so that
 * layout and comments vanish and `1e3` equals `1000`. Source the tokenizer
 * cannot read falls back to the text with runs of whitespace collapsed.
 */
export function normalizedSource(fn: Function): string {
  const text = Function.prototype.toString.call(fn);
  try {
    const out: string[] = [];
    for (const token of tokenizer(text, { ecmaVersion: "latest", allowHashBang: true })) {
      out.push(`${token.type.label} ${tokenValue((token as { value?: unknown }).value)}`);
    }
    return out.join("\n");
  } catch {
    return text.replace(/\s+/g, " ").trim();
  }
}

function tokenValue(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "object" && v !== null) return `/${(v as { pattern: string }).pattern}/${(v as { flags: string }).flags}`;
  return String(v);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}
