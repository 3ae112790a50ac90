/**
 * `--json`: a command that prints data prints one JSON document on stdout
 * instead of its text, and nothing else there; messages stay on stderr.
 *
 * @module
 */
import type { CliHost } from "../runtime/shared/cli-host.ts";

/** The option every command that prints data takes. */
export const JSON_OPTION = ["--json", "print one JSON document on stdout instead of text"] as const;

/**
 * JSON for people and for `jq`: indented; bigints as strings, Maps and Sets
 * as objects and arrays, typed arrays as arrays.
 *
 * @example
 * ```ts
 * toJson({ n: 1n, tags: new Set(["a"]) }); // '{\n  "n": "1",\n  "tags": [\n    "a"\n  ]\n}'
 * ```
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  }, 2) ?? "null";
}

/** Writes `value` as the one JSON document of stdout. */
export function printJson(host: CliHost, value: unknown): void {
  host.stdout.write(`${toJson(value)}\n`);
}
