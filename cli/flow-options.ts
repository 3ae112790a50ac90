/**
 * What `weft run` and `weft viz` share: loading the user's module, and
 * reading `--outputs`, `--inputs k=v` and `--inputs-file`.
 *
 * @module
 */
import { setOwn } from "../lib/own-property.ts";
import { nodeTextFiles } from "../runtime/shared/text-files.ts";
import type { CliHost } from "../runtime/shared/cli-host.ts";
import { CliError, UsageError } from "./cli-error.ts";

/** The module a command runs: its exports, named after its file. */
export async function loadFlowModule(host: CliHost, path: string): Promise<{ name: string; exports: Record<string, unknown>; url: string }> {
  const url = host.moduleUrl(path);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/Cannot find module|not found|ENOENT|No such file/i.test(message)) {
      throw new UsageError(`Cannot load the module "${path}": there is no such file in ${host.cwd()}; pass the path of a module whose exported functions are the nodes`);
    }
    throw new CliError(`Cannot load the module "${path}": ${message}`, { cause: e });
  }
  const name = path.replace(/^.*[\\/]/, "").replace(/\.[cm]?[jt]sx?$/, "");
  // The URL tells the cache which file to read code versions from (the copy of the exports cannot).
  return { name, exports: { ...exports }, url };
}

/** `a,b , c` -> ["a", "b", "c"]; at least one name. */
export function parseOutputs(list: string): string[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new UsageError(`Option "--outputs" needs at least one node name, such as --outputs report,total`);
  return names;
}

/**
 * Inputs from `--inputs-file` (a JSON object) and then `--inputs k=v` pairs;
 * a value is JSON when it parses as JSON (`n=3`, `tags=["a"]`), else the string.
 *
 * @example
 * ```ts
 * await parseInputs(["day=2026-11-22", "n=3"]); // { day: "2026-11-22", n: 3 }
 * ```
 */
export async function parseInputs(pairs: readonly string[], file: string | undefined): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await nodeTextFiles.readText(file));
    } catch (e) {
      throw new UsageError(`Cannot read the inputs file "${file}": ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`The inputs file "${file}" must hold a JSON object of name -> value`);
    }
    // Own keys, one by one: Object.assign would set the prototype for a "__proto__" input.
    for (const [name, value] of Object.entries(parsed)) setOwn(inputs, name, value);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`Input "${pair}" must be name=value, such as --inputs day=2026-11-22`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: the string itself.
    }
    setOwn(inputs, pair.slice(0, eq), value);
  }
  return inputs;
}

/** JSON for people: bigints as strings, Maps and Sets as objects and arrays, typed arrays as arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  }, 2);
}
