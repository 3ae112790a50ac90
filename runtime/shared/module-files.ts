/**
 * The project files a flow reaches: its module files and, transitively, every
 * file they import by a relative specifier (static imports, re-exports,
 * `import("…")` of a string), read with oxc-parser, which also finds the first
 * syntax error and where. Packages (bare specifiers, node_modules) and weft's
 * own files are not the project's: they are never reloaded nor watched.
 * `node:fs`, `node:crypto` and `node:url`, which Bun, Deno and Node share.
 *
 * @module
 */
/// <reference types="node" />
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ModuleFiles, SyntaxProblem } from "../../lib/ports/module-reloader.ts";
import { fileOf, isWeft } from "../../cache/code/source-code-versions.ts";

/** How many files one scan follows, at most (a flow is not a whole monorepo). */
const MAX_FILES = 2_000;

type ParseSync = typeof import("oxc-parser").parseSync;
let parseSync: ParseSync | undefined;

/** JavaScript and TypeScript: the files a scan reads (a JSON or CSS import is data, not code it follows). */
const CODE = /\.[cm]?[jt]sx?$/;

/** Whether the file at `url` is the user's code (a `file:` URL outside node_modules and weft's own folders). */
export function isProjectFile(url: string): boolean {
  return url.startsWith("file:") && CODE.test(new URL(url).pathname) && !url.includes("/node_modules/") && !isWeft(fileOf(url));
}

/** The file a relative `specifier` imported from `from` names, if it exists (TypeScript's `./x.js` for `x.ts` too). */
export function resolveRelative(specifier: string, from: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = new URL(specifier, fileOf(from)).href;
  const candidates = [base];
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/js$/, "ts"), base.replace(/\.js$/, ".tsx"));
  else if (!/\.[cm]?[jt]sx?$/.test(base)) candidates.push(`${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}.mjs`, `${base}/index.ts`, `${base}/index.js`);
  for (const c of candidates) {
    try {
      if (statSync(fileURLToPath(c)).isFile()) return c;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** One relative specifier in a file, with where it stands (for rewriting it). */
export interface Specifier {
  readonly value: string;
  /** Offsets of the string literal, quotes included. */
  readonly start: number;
  readonly end: number;
}

/** The parsed file: its relative specifiers, or the syntax error that stops it. */
export async function parseModule(path: string, text: string): Promise<{ specifiers: Specifier[]; error?: SyntaxProblem }> {
  parseSync ??= (await import("oxc-parser")).parseSync;
  const parsed = parseSync(path, text, { sourceType: "module" });
  const first = parsed.errors[0];
  if (first !== undefined) {
    const at = first.labels[0]?.start ?? 0;
    const before = text.slice(0, at).split("\n");
    return { specifiers: [], error: { file: path, line: before.length, column: before.at(-1)!.length + 1, message: first.message } };
  }
  const out: Specifier[] = [];
  const m = parsed.module;
  for (const i of m.staticImports) out.push(i.moduleRequest);
  for (const e of m.staticExports) for (const entry of e.entries) if (entry.moduleRequest) out.push(entry.moduleRequest);
  for (const d of m.dynamicImports) {
    const literal = text.slice(d.moduleRequest.start, d.moduleRequest.end);
    if (/^(["'])[^"'\\]*\1$/.test(literal)) out.push({ value: literal.slice(1, -1), start: d.moduleRequest.start, end: d.moduleRequest.end });
  }
  return { specifiers: out.filter((s) => s.value.startsWith("./") || s.value.startsWith("../")) };
}

/**
 * The project files `urls` reach, breadth first, each read once; a file that
 * cannot be read is left out (the import will say why).
 *
 * @example
 * ```ts
 * const { files, syntaxError } = await scanModuleFiles([new URL("./flow.ts", import.meta.url).href]);
 * ```
 */
export async function scanModuleFiles(urls: readonly string[]): Promise<ModuleFiles> {
  const seen = new Set<string>();
  const queue = urls.map(fileOf);
  const stamp = createHash("sha256");
  let syntaxError: SyntaxProblem | undefined;
  for (let i = 0; i < queue.length && seen.size < MAX_FILES; i++) {
    const url = queue[i]!;
    if (seen.has(url) || !isProjectFile(url)) continue;
    seen.add(url);
    const path = fileURLToPath(url);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      stamp.update(`${path}\0missing\0`);
      continue;
    }
    stamp.update(`${path}\0${text.length}\0${text}\0`);
    const { specifiers, error } = await parseModule(path, text);
    syntaxError ??= error;
    for (const s of specifiers) {
      const target = resolveRelative(s.value, url);
      if (target !== undefined && !seen.has(target)) queue.push(target);
    }
  }
  const files = [...seen].map((u) => fileURLToPath(u));
  return { files, stamp: stamp.digest("hex"), ...(syntaxError === undefined ? {} : { syntaxError }) };
}

/** `path` as a file URL. */
export function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}
