/**
 * The fallback code version, for a node whose module file is unknown (a plain
 * object of functions, `new Function`, eval): the function's own text
 * (`Function.prototype.toString`, which runtimes may rewrite), parsed and
 * normalised, plus the exports of the same module object that its free value
 * identifiers name (scope analysis: parameters and locals never count). When
 * a free name is neither such an export nor a global of the runtime, the
 * function closes over something its value does not show (a helper that is not
 * exported, a constant, an import): the version is "not fully tracked". A
 * function whose free names are all globals or traced exports (`(x) => x + 1`,
 * `(rows) => Math.max(...rows)`) is fully described by its text. (A module
 * binding that shadows a global of the same name is taken for the global.)
 *
 * @module
 */
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { CodePart } from "../../lib/ports/metadata-store.ts";
import { nodeMeta } from "../../lib/model/node-specs.ts";
import { normalizedText } from "./_normalize.ts";
import { parsers } from "./_parsers.ts";
import { sha256 } from "./_parts.ts";
import type { SourceVersion } from "./source-code-versions.ts";

/** Why a fallback version that closes over something is not fully tracked. */
export const UNKNOWN_FILE = "its module file is unknown";

/** Names that are global on every runtime whether or not `globalThis` lists them as own properties. */
const ALWAYS_GLOBAL = new Set(["undefined", "NaN", "Infinity", "globalThis"]);

interface Own {
  readonly hash: string;
  readonly names: readonly string[];
  readonly untracked: readonly string[];
}

const own = new WeakMap<Function, Own | string>();

/**
 * The version of `fn` from its own text, with the same-module exports it names.
 *
 * @throws {ParsersNotLoaded} before the parsers are loaded
 *
 * @example
 * ```ts
 * const v = functionCodeVersion(mod.total, hasher, mod); // { ok: true, untracked: "its module file is unknown", … }
 * ```
 */
export function functionCodeVersion(fn: Function, hasher: Hasher, module?: object): SourceVersion {
  const root = ownOf(fn, hasher);
  if (typeof root === "string") return { ok: false, reason: root };
  const exports = (module ?? {}) as Record<string, unknown>;
  const parts: CodePart[] = [{ id: "#", kind: "code", name: "", version: root.hash }];
  const untracked = new Set<string>(root.untracked);
  const seen = new Set<string>();
  const queue = [...root.names];
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    if (seen.has(name)) continue;
    seen.add(name);
    const value = module !== undefined && Object.hasOwn(exports, name) ? exports[name] : undefined;
    if (typeof value !== "function") {
      // Neither a traced export nor a global: a binding of the unknown file that the text does not show.
      if (!Object.hasOwn(globalThis, name) && !ALWAYS_GLOBAL.has(name)) untracked.add(UNKNOWN_FILE);
      continue;
    }
    const target = nodeMeta(value)?.fn ?? value;
    if (target === fn) continue;
    const helper = ownOf(target, hasher);
    if (typeof helper === "string") continue; // native: not user code
    parts.push({ id: `#${name}`, kind: "helper", name, version: helper.hash });
    queue.push(...helper.names);
  }
  parts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const codeVersion = sha256(hasher, JSON.stringify(["weft-code-v2-text", parts.map((p) => [p.id, p.version])]));
  return untracked.size === 0 ? { ok: true, codeVersion, parts } : { ok: true, codeVersion, parts, untracked: [...untracked].join("; ") };
}

function ownOf(fn: Function, hasher: Hasher): Own | string {
  let o = own.get(fn);
  if (o === undefined) {
    o = parse(fn, hasher);
    own.set(fn, o);
  }
  return o;
}

function parse(fn: Function, hasher: Hasher): Own | string {
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(text)) {
    return "its source is not available (a native or bound function); give it a manual version with node(fn, { version })";
  }
  const { parseSync, analyze } = parsers();
  // A function or class is an expression in parentheses; a method (`m() {}`) parses inside an object literal.
  for (const [prefix, suffix] of [["(", ")"], ["({", "})"]] as const) {
    const r = parseSync("function.ts", prefix + text + suffix, { astType: "ts", range: true, preserveParens: false, sourceType: "module" });
    if (r.errors.length > 0) continue;
    // lib: [] skips declaring TypeScript's library globals (about 200 µs a call); a global is an unresolved reference either way.
    const scopes = analyze(r.program as never, { sourceType: "module", lib: [] });
    const names = new Set<string>();
    const untracked = new Set<string>();
    for (const ref of scopes.globalScope!.through) {
      if (!ref.isValueReference) continue;
      const name = ref.identifier.name;
      if (name === "eval") untracked.add("it may call eval()");
      names.add(name);
    }
    if (text.includes("import(")) untracked.add("it may call import()");
    return { hash: sha256(hasher, normalizedText(r.program)), names: [...names].sort(), untracked: [...untracked] };
  }
  return "its source could not be parsed; give it a manual version with node(fn, { version })";
}
