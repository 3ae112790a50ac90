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
import type { CodeLocation, NodeCodeVersion } from "../../lib/ports/cache.ts";
import { loadParsers, ParsersNotLoaded } from "./_parsers.ts";
import { functionCodeVersion, UNKNOWN_FILE } from "./function-code-version.ts";
import type { AnalysisMemo } from "./module-analysis.ts";
import { isWeft, SourceCodeVersions } from "./source-code-versions.ts";

/** How many files the search for a module's file imports and compares, at most. */
const MAX_SEARCH = 64;

const found = new WeakMap<object, string>();

/**
 * The code version each function object was first given, per file and export: the same function given another
 * version later is code in memory that its file no longer holds (the file was edited after the module was
 * imported, and imported again from the module cache, as a long-lived process or a notebook does). Its results
 * would be stored under the new code's key: it is not cached instead.
 */
const firstVersions = new WeakMap<Function, Map<string, string>>();

/** Why `fn` cannot be cached under `version`, when its file changed after it was loaded. */
function staleCode(fn: Function, where: string, version: string, file: string): NodeCodeVersion | undefined {
  let seen = firstVersions.get(fn);
  if (seen === undefined) firstVersions.set(fn, (seen = new Map()));
  const first = seen.get(where);
  if (first === undefined) {
    seen.set(where, version);
    return undefined;
  }
  if (first === version) return undefined;
  const name = file.replace(/^.*[\\/]/, "");
  return {
    ok: false,
    reason: `its code changed on disk (in ${name} or a file it imports) after ${name} was imported, so the function in memory is the old code; import the module afresh (a new process, or a fresh import such as import("./${name}?v=2")) to run and cache the new code`,
  };
}

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
  const finder = sources === undefined ? undefined : new ModuleFinder(sources);
  const out: NodeCodeVersion[] = [];
  for (const loc of locations) {
    const file = finder === undefined ? undefined : await finder.fileOf(loc);
    if (file !== undefined) {
      const v = sources!.ofExport(file, loc.exportName);
      if (v.ok) {
        out.push(staleCode(loc.source, `${file}\0${loc.exportName}`, v.codeVersion, file) ?? { ...v, file });
        continue;
      }
    }
    const v = functionCodeVersion(loc.source, hasher, loc.module.exports);
    out.push(v.ok && v.untracked !== undefined && file !== undefined ? { ...v, untracked: v.untracked.replace(UNKNOWN_FILE, `its export "${loc.exportName}" is not declared in its module file`) } : v);
  }
  return out;
}

/** A module found loaded: its URL and namespace. */
interface Loaded {
  readonly url: string;
  readonly ns: Record<string, unknown>;
}

/**
 * Finds the file of a node's module, for one build: the URL given with the
 * module, else among the modules the file that called `withModules` imports
 * statically (breadth first through their static imports) and the file
 * `node()` recorded: the one whose namespace is the object given, or what it
 * copies (`{ ...flow }`), else the one that exports the node's very value
 * (`{ cleaned: flow.cleaned, ...other }`). Those are loaded already, so
 * importing them again runs nothing. Only when none matches are the caller's
 * `import("…")` literals tried (one may not have run yet: importing it runs its
 * top level).
 */
class ModuleFinder {
  readonly #sources: SourceCodeVersions;
  readonly #loaded = new Map<string, Promise<Loaded | undefined>>();
  readonly #static = new Map<string, Promise<Loaded[]>>();
  readonly #dynamic = new Map<string, Promise<Loaded[]>>();
  /** Whether a module object is a view of a candidate's namespace, by candidate URL: asked once per node, it costs O(exports). */
  readonly #views = new WeakMap<object, Map<string, boolean>>();

  constructor(sources: SourceCodeVersions) {
    this.#sources = sources;
  }

  async fileOf(loc: CodeLocation): Promise<string | undefined> {
    const { module } = loc;
    if (module.url !== undefined) return module.url;
    const known = found.get(module.exports);
    if (known !== undefined) return known;
    const groups: (() => Promise<Loaded[]>)[] = [async () => {
      const own = loc.moduleUrl === undefined ? undefined : await this.#load(loc.moduleUrl);
      return own === undefined ? [] : [own];
    }];
    if (module.callerUrl !== undefined) {
      const caller = module.callerUrl;
      groups.push(() => this.#cached(this.#static, caller, () => this.#search(caller, true)));
      groups.push(() => this.#cached(this.#dynamic, caller, () => this.#search(caller, false)));
    }
    const value = (module.exports as Record<string, unknown>)[loc.exportName];
    for (const group of groups) {
      const candidates = await group();
      const whole = candidates.find((c) => this.#isViewOf(module.exports, c));
      if (whole !== undefined) {
        found.set(module.exports, whole.url);
        return whole.url;
      }
      const one = candidates.find((c) => Object.hasOwn(c.ns, loc.exportName) && c.ns[loc.exportName] === value);
      if (one !== undefined) return one.url;
    }
    return undefined;
  }

  #isViewOf(exports: object, candidate: Loaded): boolean {
    let byUrl = this.#views.get(exports);
    if (byUrl === undefined) this.#views.set(exports, (byUrl = new Map()));
    let view = byUrl.get(candidate.url);
    if (view === undefined) byUrl.set(candidate.url, (view = isViewOf(exports, candidate.ns)));
    return view;
  }

  #cached(map: Map<string, Promise<Loaded[]>>, key: string, make: () => Promise<Loaded[]>): Promise<Loaded[]> {
    let p = map.get(key);
    if (p === undefined) map.set(key, (p = make()));
    return p;
  }

  /** The modules `caller` loads: statically, breadth first (`deep`), or by its `import("…")` literals. */
  async #search(caller: string, deep: boolean): Promise<Loaded[]> {
    const a = this.#sources.analysis(caller);
    if (typeof a !== "object") return [];
    const queue = near(deep ? a.loads : a.dynamicLoads, caller);
    const seen = new Set<string>();
    const out: Loaded[] = [];
    for (let i = 0; i < queue.length && seen.size < MAX_SEARCH; i++) {
      const url = queue[i]!;
      if (seen.has(url)) continue;
      seen.add(url);
      const loaded = await this.#load(url);
      if (loaded === undefined) continue;
      out.push(loaded);
      const b = deep ? this.#sources.analysis(url) : undefined;
      if (typeof b === "object") queue.push(...near(b.loads, url));
    }
    return out;
  }

  #load(url: string): Promise<Loaded | undefined> {
    let p = this.#loaded.get(url);
    if (p === undefined) {
      p = (import(url) as Promise<Record<string, unknown>>).then((ns) => ({ url, ns }), () => undefined);
      this.#loaded.set(url, p);
    }
    return p;
  }
}

/** Relative and absolute file specifiers of `from`, as URLs; weft's own files are never the user's module. */
function near(specs: readonly string[], from: string): string[] {
  return specs.filter(isRelative).map((spec) => new URL(spec, from).href).filter((u) => !isWeft(u));
}

/**
 * Whether `exports` is the namespace `ns`, or a copy or subset of it (`{ ...flow }`,
 * `{ cleaned: flow.cleaned }`): every entry the very value the module exports.
 */
function isViewOf(exports: object, ns: Record<string, unknown>): boolean {
  if (exports === ns) return true;
  const keys = Object.keys(exports);
  return keys.length > 0 && keys.every((k) => Object.hasOwn(ns, k) && ns[k] === (exports as Record<string, unknown>)[k]);
}

/** A specifier that names a file (not a package): what can hold a user's module. */
function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") || specifier.startsWith("file:");
}
