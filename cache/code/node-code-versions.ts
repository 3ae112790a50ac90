/**
 * The code versions of a graph's nodes, computed once per build: each node's
 * module file is found (given, recorded by `node()`, or discovered from the
 * imports of the file that called `withModules`), its export's version read
 * from that file; a node whose file is unknown falls back to its function's
 * text and is "not fully tracked".
 *
 * @module
 */
import type { FileSystem } from "../../lib/ports/file-system.ts";
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { CodeLocation, ModuleFile, NodeCodeVersion } from "../../lib/ports/node-cache.ts";
import { loadParsers, ParsersNotLoaded } from "./_parsers.ts";
import { functionCodeVersion, UNKNOWN_FILE } from "./function-code-version.ts";
import type { AnalysisMemo } from "./module-analysis.ts";
import { isWeft, SourceCodeVersions } from "./source-code-versions.ts";

/** How many files the search for a module's file imports and compares, at most. */
const MAX_SEARCH = 64;

const found = new WeakMap<object, string>();

/**
 * Versions of `locations`, in order. `fs` may be missing (a cache without
 * file access): then every node takes the fallback.
 *
 * @example
 * ```ts
 * const [v] = await nodeCodeVersions([{ node: "cleaned", exportName: "cleaned", source: flow.cleaned, module: { exports: flow, url } }], { fs, hasher });
 * ```
 */
export async function nodeCodeVersions(
  locations: readonly CodeLocation[],
  options: { readonly fs: FileSystem | undefined; readonly hasher: Hasher; readonly memo?: AnalysisMemo },
): Promise<NodeCodeVersion[]> {
  // Without the parsers first: when every file's analysis is stored, they are never loaded.
  try {
    return await versionsOf(locations, options);
  } catch (e) {
    if (!(e instanceof ParsersNotLoaded)) throw e;
  }
  try {
    await loadParsers();
  } catch {
    // oxc's own message blames npm, which misleads on Deno (the usual cause there).
    const reason = "the parser for code versions did not load (oxc-parser is a native addon: on Deno, run with --allow-ffi; elsewhere, reinstall it)";
    return locations.map(() => ({ ok: false, reason }));
  }
  return versionsOf(locations, options);
}

async function versionsOf(
  locations: readonly CodeLocation[],
  options: { readonly fs: FileSystem | undefined; readonly hasher: Hasher; readonly memo?: AnalysisMemo },
): Promise<NodeCodeVersion[]> {
  const { fs, hasher } = options;
  const sources = fs === undefined ? undefined : new SourceCodeVersions(fs, hasher, options.memo);
  const out: NodeCodeVersion[] = [];
  for (const loc of locations) {
    const file = sources === undefined ? undefined : await moduleFileOf(loc.module, loc.moduleUrl, sources);
    if (file !== undefined) {
      const v = sources!.ofExport(file, loc.exportName);
      if (v.ok) {
        out.push(v);
        continue;
      }
    }
    const v = functionCodeVersion(loc.source, hasher, loc.module.exports);
    out.push(v.ok && v.untracked !== undefined && file !== undefined ? { ...v, untracked: v.untracked.replace(UNKNOWN_FILE, `its export "${loc.exportName}" is not declared in its module file`) } : v);
  }
  return out;
}

/**
 * The file of a module: the URL given with it, else a module the calling file
 * imports statically (breadth first through their static imports), or the
 * file `node()` recorded, whose namespace is the object given (or what it
 * copies: `{ ...flow }`, `{ cleaned: flow.cleaned }`); those are
 * loaded already, so importing them again runs nothing. Only when none
 * matches, the caller's `import("…")` literals are tried (one may not have
 * run yet: importing it runs its top level).
 */
async function moduleFileOf(module: ModuleFile, nodeUrl: string | undefined, sources: SourceCodeVersions): Promise<string | undefined> {
  if (module.url !== undefined) return module.url;
  const known = found.get(module.exports);
  if (known !== undefined) return known;
  const caller = module.callerUrl === undefined ? undefined : sources.analysis(module.callerUrl);
  // weft's own files are never the user's module: not searched, so the budget goes to the user's files.
  const near = (specs: readonly string[], from: string) => specs.filter(isRelative).map((spec) => new URL(spec, from).href).filter((u) => !isWeft(u));
  const first = [...(nodeUrl === undefined ? [] : [nodeUrl]), ...(typeof caller === "object" ? near(caller.loads, module.callerUrl!) : [])];
  const seen = new Set<string>();
  const search = async (queue: string[], deep: boolean): Promise<string | undefined> => {
    const budget = seen.size + MAX_SEARCH;
    for (let i = 0; i < queue.length && seen.size < budget; i++) {
      const url = queue[i]!;
      if (seen.has(url)) continue;
      seen.add(url);
      let ns: unknown;
      try {
        ns = await import(url);
      } catch {
        continue;
      }
      if (isViewOf(module.exports, ns)) return url;
      const a = deep ? sources.analysis(url) : undefined;
      if (typeof a === "object") queue.push(...near(a.loads, url));
    }
    return undefined;
  };
  const result = (await search(first, true)) ?? (typeof caller === "object" ? await search(near(caller.dynamicLoads, module.callerUrl!), false) : undefined);
  // Only a match is remembered: a later build from another file may find the module.
  if (result !== undefined) found.set(module.exports, result);
  return result;
}

/**
 * Whether `exports` is the namespace `ns`, or a copy or subset of it (`{ ...flow }`,
 * `{ cleaned: flow.cleaned }`): every entry the very value the module exports.
 */
function isViewOf(exports: object, ns: unknown): boolean {
  if (exports === ns) return true;
  if (typeof ns !== "object" || ns === null) return false;
  const keys = Object.keys(exports);
  return keys.length > 0 && keys.every((k) => Object.hasOwn(ns, k) && (ns as Record<string, unknown>)[k] === (exports as Record<string, unknown>)[k]);
}

/** A specifier that names a file (not a package): what can hold a user's module. */
function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") || specifier.startsWith("file:");
}
