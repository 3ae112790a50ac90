/**
 * Code versions from module source files: a node's version is the hash of its
 * export's declaration and of every module-level binding that declaration
 * reaches, transitively — helpers exported or not, constants, classes,
 * bindings imported from relative modules (followed into their files), and
 * `name@version` of bare imports. Each reached binding is a {@link CodePart},
 * kept with cache entries so a miss can name what changed.
 *
 * @module
 */
import type { FileSystem } from "../../lib/ports/file-system.ts";
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { CodePart } from "../../lib/ports/metadata-store.ts";
import { WEFT_VERSION } from "../../lib/version.ts";
import { describePart, sha256 } from "./_parts.ts";
import { analyzeModule, type AnalysisMemo, type ModuleAnalysis } from "./module-analysis.ts";

/** A node's code version and what it is made of. */
export type SourceVersion =
  | {
    readonly ok: true;
    readonly codeVersion: string;
    readonly parts: readonly CodePart[];
    /** Why the version may miss a change, when it may. */
    readonly untracked?: string;
  }
  | { readonly ok: false; readonly reason: string };

/** weft's own folders: code in them is the runtime ("weft@version"), not the user's. */
const WEFT_ROOT = new URL("../../", import.meta.url).href;
const WEFT_FOLDERS = new Set(["lib", "cache", "executors", "runtime", "history", "server", "cli"]);

/** The version of a package weft cannot find (an import map alias, a missing install): "not fully tracked". */
const UNRESOLVED = "unresolved";

/** Hops through re-exports before a name is taken to lead nowhere (a cycle). */
const MAX_REEXPORTS = 64;

/** How far relative imports are followed from one node's file. */
const MAX_FILES = 500;

interface Item {
  readonly id: string;
  readonly part: Omit<CodePart, "id">;
  readonly next: readonly ItemRef[];
  readonly untracked: readonly string[];
}

/** A binding to resolve: a local name of a file, or an export of a file, or a whole file. */
type ItemRef =
  | { readonly file: string; readonly local: string }
  | { readonly file: string; readonly export: string }
  | { readonly file: string; readonly whole: true }
  | { readonly pkg: string; readonly spec: string; readonly from: string };

/**
 * Versions of the exports of module files. One instance reads each file once:
 * make one per build, so edits between builds are seen.
 *
 * @example
 * ```ts
 * const versions = new SourceCodeVersions(fs, hasher);
 * const v = versions.ofExport("file:///app/flow.ts", "cleaned");
 * if (v.ok) v.parts; // [{ kind: "code", name: "cleaned", where: "flow.ts:21", … }, { kind: "helper", name: "normalize", … }]
 * ```
 */
export class SourceCodeVersions {
  readonly #fs: FileSystem;
  readonly #hasher: Hasher;
  readonly #files = new Map<string, ModuleAnalysis | string | undefined>();
  readonly #packages = new Map<string, string>();
  readonly #memo: AnalysisMemo | undefined;

  /** `memo` keeps analyses across processes (the cache's database). */
  constructor(fs: FileSystem, hasher: Hasher, memo?: AnalysisMemo) {
    this.#fs = fs;
    this.#hasher = hasher;
    this.#memo = memo;
  }

  /** The analysis of the file at `url`, a reason when it cannot be parsed, `undefined` when it cannot be read. */
  analysis(url: string): ModuleAnalysis | string | undefined {
    const file = fileOf(url);
    if (this.#files.has(file)) return this.#files.get(file);
    let result: ModuleAnalysis | string | undefined;
    const path = pathOf(file);
    const bytes = path === undefined ? undefined : this.#fs.readFile(path);
    if (bytes !== undefined) {
      const r = analyzeModule(path!, decoder.decode(bytes), { hasher: this.#hasher, disk: this.#memo });
      result = r.ok ? r.analysis : r.reason;
    }
    this.#files.set(file, result);
    return result;
  }

  /** Resolves a relative specifier from `from` to a file that exists (TypeScript's `./x.js` for `x.ts` included). */
  resolve(specifier: string, from: string): string | undefined {
    const base = new URL(specifier, fileOf(from)).href;
    const candidates = [base];
    if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/js$/, "ts"), base.replace(/\.js$/, ".tsx"));
    else if (!/\.[cm]?[jt]sx?$/.test(base)) candidates.push(`${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}.mjs`, `${base}/index.ts`, `${base}/index.js`);
    for (const c of candidates) {
      const p = pathOf(c);
      if (p !== undefined && this.#fs.stat(p)?.isDirectory === false) return c;
    }
    return undefined;
  }

  /** The version of export `exportName` of the module at `url`, or why there is none. */
  ofExport(url: string, exportName: string): SourceVersion {
    const root = fileOf(url);
    const a = this.analysis(root);
    if (a === undefined) return { ok: false, reason: `its module file ${root} cannot be read` };
    if (typeof a === "string") return { ok: false, reason: a };
    if (!a.exports.has(exportName) && a.starExports.length === 0) return { ok: false, reason: `export "${exportName}" is not declared in ${baseName(root)}` };
    const items = new Map<string, Item>();
    const queue: ItemRef[] = [{ file: root, export: exportName }];
    const files = new Set<string>([root]);
    let rootId: string | undefined;
    for (let i = 0; i < queue.length; i++) {
      const item = this.#item(queue[i]!, root, files, 0);
      if (item === undefined || items.has(item.id)) continue;
      rootId ??= item.id;
      items.set(item.id, item);
      queue.push(...item.next);
    }
    if (rootId === undefined) return { ok: false, reason: `export "${exportName}" is not declared in ${baseName(root)}` };
    const parts: CodePart[] = [];
    const untracked = new Set<string>();
    for (const item of items.values()) {
      parts.push({ id: item.id, ...item.part, ...(item.id === rootId ? { kind: "code" as const } : {}) });
      // The root's reasons say "it"; a helper's name the helper; a package's stand alone.
      for (const u of item.untracked) {
        untracked.add(item.id === rootId || item.part.kind === "package" ? u : `${describePart({ id: item.id, ...item.part })} ${u.replace(/^it /, "")}`);
      }
    }
    if (files.size > MAX_FILES) untracked.add(`it reaches more than ${MAX_FILES} files; the rest were not followed`);
    parts.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    const codeVersion = sha256(this.#hasher, JSON.stringify(["weft-code-v2", parts.map((p) => [p.id, p.version])]));
    return { ok: true, codeVersion, parts, ...(untracked.size > 0 ? { untracked: [...untracked].sort().join("; ") } : {}) };
  }

  /** The item `ref` names; `depth` counts re-export hops (a cycle of re-exports names nothing). */
  #item(ref: ItemRef, root: string, files: Set<string>, depth: number): Item | undefined {
    if (depth > MAX_REEXPORTS) return undefined;
    if ("pkg" in ref) {
      const version = this.#packageVersion(ref.pkg, ref.spec, ref.from);
      const untracked = version === UNRESOLVED ? [`the version of package "${ref.spec}" cannot be found (not installed, or an import map alias)`] : [];
      return { id: `package:${ref.pkg}`, part: { kind: "package", name: ref.pkg, version }, next: [], untracked };
    }
    const a = this.analysis(ref.file);
    if (a === undefined || typeof a === "string") return undefined;
    const rel = relative(root, ref.file);
    if ("whole" in ref) {
      const next: ItemRef[] = [...a.declarations.keys()].map((local) => ({ file: ref.file, local }));
      for (const local of a.imports.keys()) next.push({ file: ref.file, local });
      return { id: `${rel}#*`, part: { kind: "module", name: rel, file: rel, where: `${baseName(ref.file)}:1`, version: a.wholeHash }, next, untracked: [] };
    }
    if ("export" in ref) {
      const target = a.exports.get(ref.export);
      if (target === undefined) {
        // `export * from`: the first re-exporting module that has the name.
        for (const from of a.starExports) {
          const next = this.#follow(from, ref.file, files, (file) => ({ file, export: ref.export }));
          if (next === undefined) continue;
          if ("file" in next) {
            const b = this.analysis(next.file);
            if (typeof b !== "object" || !(b.exports.has(ref.export) || b.starExports.length > 0)) continue;
          }
          return this.#item(next, root, files, depth + 1);
        }
        return undefined;
      }
      if ("local" in target) return this.#item({ file: ref.file, local: target.local }, root, files, depth + 1);
      const next = this.#follow(target.source, ref.file, files, (file) => (target.imported === "*" ? { file, whole: true } : { file, export: target.imported }));
      return next === undefined ? undefined : this.#item(next, root, files, depth + 1);
    }
    const d = a.declarations.get(ref.local);
    if (d !== undefined) {
      const next: ItemRef[] = [];
      for (const r of d.refs) {
        const dot = r.indexOf(".");
        if (dot === -1) {
          next.push({ file: ref.file, local: r });
          continue;
        }
        // A member of a namespace import: that export of the module, or all of it.
        const imp = a.imports.get(r.slice(0, dot));
        const member = r.slice(dot + 1);
        if (imp === undefined) continue;
        const n = this.#follow(imp.source, ref.file, files, (file) => (member === "*" ? { file, whole: true } : { file, export: member }));
        if (n !== undefined) next.push(n);
      }
      const kind = d.kind === "function" ? (rel === "" ? "helper" : "function") : d.kind;
      return {
        id: `${rel}#${ref.local}`,
        part: { kind, name: ref.local, ...(rel === "" ? {} : { file: rel }), where: `${baseName(ref.file)}:${d.line}`, version: d.hash },
        next,
        untracked: d.untracked,
      };
    }
    const imp = a.imports.get(ref.local);
    if (imp === undefined) return undefined;
    const next = this.#follow(imp.source, ref.file, files, (file) => (imp.imported === "*" ? { file, whole: true } : { file, export: imp.imported }));
    return next === undefined ? undefined : this.#item(next, root, files, depth + 1);
  }

  /** Where an import leads: into a relative file, to a package, or nowhere (a builtin). */
  #follow(specifier: string, from: string, files: Set<string>, into: (file: string) => ItemRef): ItemRef | undefined {
    const pkg = packageOf(specifier);
    if (pkg === null) return undefined;
    // "weft" (npm) and "@weft/weft" (JSR, or an import map of that name) are the weft that runs.
    if (pkg === "weft" || pkg === "@weft/weft") return { pkg: "weft", spec: "weft", from: WEFT_ROOT };
    if (pkg !== undefined) return { pkg, spec: specifier, from };
    const file = this.resolve(specifier, from);
    if (file === undefined) return { pkg: specifier, spec: specifier, from };
    if (isWeft(file)) return { pkg: "weft", spec: "weft", from: WEFT_ROOT };
    if (!files.has(file)) {
      if (files.size > MAX_FILES) return undefined;
      files.add(file);
    }
    return into(file);
  }

  /**
   * The version of package `name` imported as `spec` from `from`: the text of
   * an `npm:`/`jsr:` specifier, a URL's own text, else the nearest
   * node_modules/<name>/package.json's version; {@link UNRESOLVED} when none is found.
   */
  #packageVersion(name: string, spec: string, from: string): string {
    const key = `${spec}\0${from}`;
    let version = this.#packages.get(key);
    if (version !== undefined) return version;
    version = UNRESOLVED;
    const pinned = /^(?:npm|jsr):(?:@[^@/]+\/)?[^@/]+@([^/]+)/.exec(spec);
    if (name === "weft" && from === WEFT_ROOT) version = WEFT_VERSION;
    else if (pinned) version = pinned[1]!;
    else if (/^[a-z]+:/.test(spec)) version = /^(https?|data|blob):/.test(spec) ? spec : UNRESOLVED;
    else {
      for (let dir = new URL(".", fileOf(from)).href; ; ) {
        const path = pathOf(`${dir}node_modules/${name}/package.json`);
        const bytes = path === undefined ? undefined : this.#readIfAllowed(path);
        if (bytes !== undefined) {
          try {
            const v = (JSON.parse(decoder.decode(bytes)) as { version?: unknown }).version;
            if (typeof v === "string") {
              version = v;
              break;
            }
          } catch {
            // not JSON: keep looking upward
          }
        }
        const parent = new URL("..", dir).href;
        if (parent === dir) break;
        dir = parent;
      }
    }
    this.#packages.set(key, version);
    return version;
  }

  /**
   * A package.json on the way up, or undefined when it is absent or may not be
   * read (Deno with `--allow-read` scoped to some folders): the search then
   * goes on upward and ends, at worst, in an unknown version (not fully tracked).
   */
  #readIfAllowed(path: string): Uint8Array | undefined {
    try {
      return this.#fs.readFile(path);
    } catch {
      return undefined;
    }
  }
}

const decoder = new TextDecoder();

/** Node's builtin modules, which may be imported without `node:`: not packages. */
const NODE_BUILTINS = new Set([
  "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
  "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net", "os",
  "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "string_decoder", "sys",
  "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib",
]);

/**
 * The package a specifier names (`lodash/fp` and `npm:lodash@4/fp` → `lodash`),
 * `undefined` for a relative one, `null` for a builtin (`node:fs`, `bun:sqlite`).
 */
function packageOf(specifier: string): string | null | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:")) return undefined;
  const registry = /^(?:npm|jsr):((?:@[^@/]+\/)?[^@/]+)/.exec(specifier);
  if (registry) return registry[1]!;
  if (/^(https?|data|blob):/.test(specifier)) return specifier;
  if (/^[a-z]+:/.test(specifier)) return null;
  const parts = specifier.split("/");
  if (NODE_BUILTINS.has(parts[0]!)) return null;
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Whether `file` is one of weft's own source files (the runtime, never a user's module). */
export function isWeft(file: string): boolean {
  if (!file.startsWith(WEFT_ROOT)) return false;
  const rest = file.slice(WEFT_ROOT.length);
  const slash = rest.indexOf("/");
  return slash === -1 ? rest !== "" : WEFT_FOLDERS.has(rest.slice(0, slash));
}

/** The URL without its query and fragment: `?v=2` copies of a module are the same file. */
export function fileOf(url: string): string {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  return u.href;
}

/** The POSIX path of a `file:` URL, or `undefined` for another scheme. */
export function pathOf(url: string): string | undefined {
  const u = new URL(url);
  return u.protocol === "file:" ? decodeURIComponent(u.pathname) : undefined;
}

function baseName(url: string): string {
  const p = new URL(url).pathname;
  return decodeURIComponent(p.slice(p.lastIndexOf("/") + 1));
}

/** `to` relative to the directory of `from` (`""` for the same file, `./x.ts`, `../lib/x.ts`). */
function relative(from: string, to: string): string {
  if (from === to) return "";
  const a = new URL(from).pathname.split("/").slice(0, -1);
  const b = new URL(to).pathname.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  return (up === 0 ? "./" : "../".repeat(up)) + decodeURIComponent(b.slice(i).join("/"));
}
