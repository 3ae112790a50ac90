/**
 * Code versions: a hash of a function's syntax tree, so comments, whitespace,
 * semicolons, quotes and parentheses do not count but any change to what the
 * code does does.
 *
 * Same-module helpers: when the caller passes the module's exports, every
 * exported function or class the code names (directly, or through another
 * such helper) is hashed in too, so editing `_round` invalidates the nodes
 * that call it. Tracked: exports of the same module, `_private` ones
 * included. Not tracked: functions that are not exported (JavaScript cannot
 * reach their source), imports from other modules, and values a function
 * closes over (give such a node a manual `version`). A helper is matched by
 * name, so a local variable that shadows an export only adds that export
 * (an extra miss, never a stale hit).
 *
 * @module
 */
import type { Hasher } from "../lib/ports/hasher.ts";
import { nodeMeta } from "../lib/node.ts";
import { fingerprint } from "./fingerprint.ts";
import { parseSource, referencedNames } from "./_function-source.ts";

/** What {@link codeVersion} found. */
export type CodeVersion =
  | { readonly ok: true; readonly codeVersion: string; /** Same-module helpers hashed in, sorted. */ readonly helpers: readonly string[] }
  | { readonly ok: false; readonly reason: string };

interface Own {
  readonly hash: string;
  readonly names: readonly string[];
}

const own = new WeakMap<Function, Own | string>();
const full = new WeakMap<Function, WeakMap<object, CodeVersion>>();
const NO_MODULE = {};

/**
 * The code version of `fn`, computed once per function (and module) per process.
 *
 * @example
 * ```ts
 * import * as flow from "./flow.ts";
 * const v = codeVersion(flow.cleaned, hasher, { module: flow });
 * if (v.ok) console.log(v.codeVersion, v.helpers); // "5f1c…" [ "_dropEmpty" ]
 * ```
 */
export function codeVersion(fn: Function, hasher: Hasher, options: { module?: object } = {}): CodeVersion {
  const mod = options.module ?? NO_MODULE;
  let byModule = full.get(fn);
  if (byModule === undefined) full.set(fn, (byModule = new WeakMap()));
  let result = byModule.get(mod);
  if (result === undefined) byModule.set(mod, (result = compute(fn, hasher, mod)));
  return result;
}

function compute(fn: Function, hasher: Hasher, mod: object): CodeVersion {
  const root = ownOf(fn, hasher);
  if (typeof root === "string") return { ok: false, reason: root };
  const exports = mod as Record<string, unknown>;
  // Helpers reachable from fn by name, breadth first; each hashed by its own source.
  const found = new Map<string, string>();
  const queue = [...root.names];
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    if (found.has(name) || mod === NO_MODULE) continue;
    const value = exports[name];
    if (typeof value !== "function") continue;
    const target = nodeMeta(value)?.fn ?? value;
    if (target === fn) continue;
    const helper = ownOf(target, hasher);
    // A native or unparsable export is not user code to track.
    if (typeof helper === "string") continue;
    found.set(name, helper.hash);
    queue.push(...helper.names);
  }
  const helpers = [...found.keys()].sort();
  const fp = fingerprint(["weft-code-v1", root.hash, helpers.map((h) => [h, found.get(h)!])], hasher);
  if (!fp.ok) return { ok: false, reason: fp.reason };
  return { ok: true, codeVersion: fp.dataVersion, helpers };
}

function ownOf(fn: Function, hasher: Hasher): Own | string {
  let o = own.get(fn);
  if (o === undefined) {
    const parsed = parseSource(fn);
    if (typeof parsed === "string") o = parsed;
    else {
      const h = hasher.sha256();
      h.update(new TextEncoder().encode(parsed.normalized));
      o = { hash: h.hex(), names: referencedNames(parsed.ast) };
    }
    own.set(fn, o);
  }
  return o;
}
