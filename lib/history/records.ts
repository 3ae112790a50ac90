/**
 * Small conversions from hook events to history records: errors as bounded
 * text, map/reduce item paths, previews of named values.
 *
 * @module
 */
import type { ItemRef } from "../errors.ts";
import type { ErrorRecord } from "../ports/run-store.ts";
import { setOwn } from "../own-property.ts";
import { previewOf } from "./preview.ts";

/** Longest message and stack kept, in characters. */
const MESSAGE_MAX = 4_000;
const STACK_MAX = 8_000;

/**
 * An error (or anything thrown) as bounded text.
 *
 * @example
 * ```ts
 * errorRecord(new RangeError("zero")); // { name: "RangeError", message: "zero", stack: "RangeError: zero\n    at …" }
 * errorRecord("oops");                 // { name: "string", message: "oops" }
 * ```
 */
export function errorRecord(error: unknown): ErrorRecord {
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error)) {
    const e = error as Error & { kind?: unknown };
    const out: { name: string; message: string; stack?: string; kind?: string } = {
      name: clip(String(e.name ?? "Error"), 200),
      message: clip(String(e.message), MESSAGE_MAX),
    };
    if (typeof e.stack === "string") out.stack = clip(e.stack, STACK_MAX);
    if (typeof e.kind === "string") out.kind = e.kind;
    return out;
  }
  return { name: error === null ? "null" : typeof error, message: typeof error === "string" ? clip(error, MESSAGE_MAX) : previewOf(error) };
}

/**
 * The items a node ran for, as one string: `"files[3]"`, `"a[0]/b[2]"`, or "" outside blocks.
 *
 * @example
 * ```ts
 * itemPath([{ node: "files", index: 3 }]); // "files[3]"
 * ```
 */
export function itemPath(items: readonly ItemRef[]): string {
  if (items.length === 0) return "";
  if (items.length === 1) return `${items[0]!.node}[${items[0]!.index}]`;
  return items.map((i) => `${i.node}[${i.index}]`).join("/");
}

/** Previews of named values (inputs, overrides, config), each at most `max` characters. */
export function previewValues(values: Readonly<Record<string, unknown>>, max: number): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const key of Object.keys(values)) {
    // A run with thousands of inputs keeps a summary, not all of them.
    if (++n > 100) {
      out["…"] = `${Object.keys(values).length - 100} more`;
      break;
    }
    setOwn(out, key, previewOf(values[key], max));
  }
  return out;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
