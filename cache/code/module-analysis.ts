/**
 * One module file read as code: its module-level declarations (each with the
 * hash of its normalised syntax tree and the module-level bindings its code
 * references as free value identifiers), its imports and its exports. Parsed
 * with oxc-parser, scopes from @typescript-eslint/scope-manager, so a
 * parameter, a local or a type named like an export is never a reference.
 * Analyses are memoised by a hash of the file's content.
 *
 * @module
 */
import type { Hasher } from "../../lib/ports/hasher.ts";
import { normalizedText } from "./_normalize.ts";
import { parsers } from "./_parsers.ts";
import { lineStarts, patternNames, strip, upperBound, walk, type AstNode } from "./_tree.ts";
import { sha256 } from "./_parts.ts";

/** What kind of binding a declaration makes: how an explanation names it. */
export type DeclarationKind = "function" | "class" | "constant" | "variable" | "enum" | "namespace";

/** One module-level declaration (a declarator of `const a = …, b = …` is one each). */
export interface Declaration {
  readonly kind: DeclarationKind;
  /** 1-based line of the declaration in its file. */
  readonly line: number;
  /** SHA-256 of its normalised syntax tree. */
  readonly hash: string;
  /**
   * What its code references: local binding names, `ns.member` for a member of
   * a namespace import, `ns.*` for a namespace used as a whole.
   */
  readonly refs: readonly string[];
  /** Why its code cannot be fully followed (a dynamic import, eval, …), if it cannot. */
  readonly untracked: readonly string[];
}

/** One imported binding. */
export interface ImportBinding {
  readonly source: string;
  /** The imported name, `"*"` for a namespace import, `"default"` for a default import. */
  readonly imported: string;
  readonly line: number;
}

/** What an export name stands for. */
export type ExportTarget =
  | { readonly local: string }
  | { readonly source: string; readonly imported: string };

/** The analysis of one file. */
export interface ModuleAnalysis {
  readonly contentHash: string;
  /** By local name; `"default"` for an anonymous default export. */
  readonly declarations: ReadonlyMap<string, Declaration>;
  readonly imports: ReadonlyMap<string, ImportBinding>;
  readonly exports: ReadonlyMap<string, ExportTarget>;
  /** Sources of `export * from "…"`. */
  readonly starExports: readonly string[];
  /** The modules this file loads statically (imports and re-exports, type-only ones excluded). */
  readonly loads: readonly string[];
  /** The modules it loads with `import("…")` of a string literal, anywhere in the file. */
  readonly dynamicLoads: readonly string[];
  /** Hash of the whole file's normalised tree (a namespace used as a whole depends on all of it). */
  readonly wholeHash: string;
}

/** Thrown (as a string reason) when a file cannot be parsed. */
export type AnalysisResult = { readonly ok: true; readonly analysis: ModuleAnalysis } | { readonly ok: false; readonly reason: string };

const memo = new Map<string, AnalysisResult>();
const MEMO_LIMIT = 2_000;
/** Part of every content hash: a new analysis format never reads an old one's stored rows. */
const FORMAT = "weft-analysis-2";

/** Analyses kept across processes (the cache's SQLite file), as JSON by content hash. */
export interface AnalysisMemo {
  get(contentHash: string): string | undefined;
  put(contentHash: string, analysis: string): void;
}


/**
 * Analyses `source` (the text of the file at `filename`; its extension picks
 * TypeScript or JavaScript), reusing the analysis of identical content (in
 * this process, or stored in `disk`).
 *
 * @throws {ParsersNotLoaded} when the file must be parsed and the parsers are not loaded
 *
 * @example
 * ```ts
 * const r = analyzeModule("flow.ts", readText("flow.ts"), { hasher });
 * if (r.ok) r.analysis.declarations.get("cleaned")?.refs; // [ "normalize", "RATE" ]
 * ```
 */
export function analyzeModule(filename: string, source: string, options: { readonly hasher: Hasher; readonly disk?: AnalysisMemo | undefined }): AnalysisResult {
  const { hasher, disk } = options;
  const contentHash = sha256(hasher, `${FORMAT}\0${extensionOf(filename)}\0${source}`);
  let found = memo.get(contentHash);
  if (found === undefined) {
    const stored = disk?.get(contentHash);
    found = stored === undefined ? undefined : fromJson(stored);
    if (found === undefined) {
      found = compute(filename, source, contentHash, hasher);
      if (found.ok) disk?.put(contentHash, toJson(found.analysis));
    }
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(contentHash, found);
  }
  return found;
}

/** Drops the analyses kept in this process (tests and benchmarks: what a new process starts from). */
export function forgetAnalyses(): void {
  memo.clear();
}

function toJson(a: ModuleAnalysis): string {
  return JSON.stringify({
    ...a,
    declarations: [...a.declarations],
    imports: [...a.imports],
    exports: [...a.exports],
  });
}

function fromJson(text: string): AnalysisResult | undefined {
  try {
    const o = JSON.parse(text);
    return { ok: true, analysis: { ...o, declarations: new Map(o.declarations), imports: new Map(o.imports), exports: new Map(o.exports) } };
  } catch {
    return undefined; // unreadable: parse the file instead
  }
}


function extensionOf(filename: string): string {
  const m = /\.[cm]?[jt]sx?$/.exec(filename.replace(/[?#].*$/, ""));
  return m ? m[0] : ".ts";
}

function compute(filename: string, source: string, contentHash: string, hasher: Hasher): AnalysisResult {
  // The extension decides the language; an unknown one is read as TypeScript (a superset).
  const name = `module${extensionOf(filename)}`;
  const { parseSync, analyze } = parsers();
  let parsed;
  try {
    parsed = parseSync(name, source, { astType: "ts", range: true, preserveParens: false, sourceType: "module" });
  } catch (e) {
    return { ok: false, reason: `its module file could not be parsed: ${(e as Error).message}` };
  }
  if (parsed.errors.length > 0) return { ok: false, reason: `its module file could not be parsed: ${parsed.errors[0]!.message}` };
  const program = parsed.program as unknown as AstNode & { body: AstNode[] };
  // oxc's tree is TS-ESTree compatible, which is what scope-manager reads.
  // lib: [] skips declaring TypeScript's library globals, which nothing here reads (about 200 µs a file).
  const scopes = analyze(program as never, { sourceType: "module", lib: [] });
  const lines = lineStarts(source);
  const lineOf = (offset: number) => upperBound(lines, offset);

  const units: { node: AstNode; names: string[]; kind: DeclarationKind }[] = [];
  const imports = new Map<string, ImportBinding>();
  const exports = new Map<string, ExportTarget>();
  const starExports: string[] = [];
  const loads = new Set<string>();
  const addUnit = (node: AstNode, names: string[], kind: DeclarationKind) => units.push({ node, names, kind });

  const declare = (decl: AstNode | null | undefined, exported: boolean) => {
    if (!decl) return;
    const names: string[] = [];
    switch (decl.type) {
      case "FunctionDeclaration":
      case "ClassDeclaration": {
        const id = (decl.id as AstNode & { name: string } | null)?.name ?? "default";
        addUnit(decl, [id], decl.type === "ClassDeclaration" ? "class" : "function");
        names.push(id);
        break;
      }
      case "VariableDeclaration":
        for (const d of decl.declarations as AstNode[]) {
          const ids = patternNames(d.id as AstNode);
          // `const f = () => …` is a function to a reader, whatever keyword declares it.
          const init = d.init as AstNode | null;
          const fn = init !== null && (init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression");
          addUnit(d, ids, fn ? "function" : init?.type === "ClassExpression" ? "class" : decl.kind === "const" ? "constant" : "variable");
          names.push(...ids);
        }
        break;
      case "TSEnumDeclaration":
        addUnit(decl, [(decl.id as { name: string }).name], "enum");
        names.push((decl.id as { name: string }).name);
        break;
      case "TSModuleDeclaration":
        if ((decl.id as AstNode).type === "Identifier" && decl.body) {
          addUnit(decl, [(decl.id as { name: string }).name], "namespace");
          names.push((decl.id as { name: string }).name);
        }
        break;
    }
    if (exported) for (const n of names) exports.set(n, { local: n });
  };

  for (const stmt of program.body) {
    switch (stmt.type) {
      case "ImportDeclaration": {
        if (stmt.importKind === "type") break;
        const from = (stmt.source as { value: string }).value;
        let values = 0;
        for (const s of (stmt.specifiers as AstNode[]) ?? []) {
          if (s.importKind === "type") continue;
          values++;
          const local = (s.local as { name: string }).name;
          const imported = s.type === "ImportNamespaceSpecifier" ? "*" : s.type === "ImportDefaultSpecifier" ? "default" : moduleName(s.imported as AstNode);
          imports.set(local, { source: from, imported, line: lineOf(s.range[0]) });
        }
        if (values > 0 || ((stmt.specifiers as AstNode[]) ?? []).length === 0) loads.add(from);
        break;
      }
      case "ExportNamedDeclaration": {
        if (stmt.exportKind === "type") break;
        if (stmt.declaration) {
          declare(stmt.declaration as AstNode, true);
          break;
        }
        const from = (stmt.source as { value: string } | null)?.value;
        if (from !== undefined) loads.add(from);
        for (const s of stmt.specifiers as AstNode[]) {
          if (s.exportKind === "type") continue;
          const local = moduleName(s.local as AstNode);
          const exported = moduleName(s.exported as AstNode);
          exports.set(exported, from === undefined ? { local } : { source: from, imported: local });
        }
        break;
      }
      case "ExportDefaultDeclaration": {
        const d = stmt.declaration as AstNode;
        if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) {
          declare(d, false);
          exports.set("default", { local: (d.id as { name: string }).name });
        } else if (d.type === "Identifier") {
          exports.set("default", { local: (d as unknown as { name: string }).name });
        } else if (d.type !== "TSInterfaceDeclaration") {
          addUnit(d, ["default"], d.type === "ClassDeclaration" ? "class" : d.type === "FunctionDeclaration" ? "function" : "constant");
          exports.set("default", { local: "default" });
        }
        break;
      }
      case "ExportAllDeclaration": {
        if (stmt.exportKind === "type") break;
        const from = (stmt.source as { value: string }).value;
        loads.add(from);
        if (stmt.exported) exports.set(moduleName(stmt.exported as AstNode), { source: from, imported: "*" });
        else starExports.push(from);
        break;
      }
      default:
        declare(stmt, false);
    }
  }

  // Free value references of each unit, from the scope analysis.
  units.sort((a, b) => a.node.range[0] - b.node.range[0]);
  const refs = units.map(() => new Set<string>());
  const untracked = units.map(() => new Set<string>());
  const unitAt = (offset: number): number => {
    let lo = 0;
    let hi = units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = units[mid]!.node.range;
      if (offset < r[0]) hi = mid - 1;
      else if (offset >= r[1]) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  const namespaceRefs = new Map<number, string>(); // identifier start -> namespace local name
  const loose = new Map<string, Set<AstNode>>(); // binding -> top-level statements outside declarations that use it
  const unitStatements = new Set(units.map((u) => u.node));
  const looseAt = (offset: number): AstNode | undefined => {
    const stmt = program.body.find((st) => st.range[0] <= offset && offset < st.range[1]);
    if (stmt === undefined || stmt.type === "ImportDeclaration" || stmt.type === "ExportAllDeclaration") return undefined;
    if ((stmt.type === "ExportNamedDeclaration" && !stmt.declaration) || unitStatements.has(stmt)) return undefined;
    return stmt;
  };
  const evalLike = new Set<number>(); // starts of unresolved `eval` / `Function` identifiers
  for (const scope of scopes.scopes) {
    for (const ref of scope.references) {
      if (!ref.isValueReference) continue;
      const start = ref.identifier.range[0];
      const v = ref.resolved;
      if (v === null) {
        if (ref.identifier.name === "eval" || ref.identifier.name === "Function") evalLike.add(start);
        continue; // a global
      }
      if (v.scope.type !== "module") continue; // a parameter or a local
      const unit = unitAt(start);
      if (unit === -1) {
        // A top-level statement outside any declaration (`rate = 3`, `config.debug = true`, `register(x)`) may
        // change what the binding holds: it counts as part of that binding.
        const stmt = looseAt(start);
        if (stmt !== undefined) {
          let list = loose.get(v.name);
          if (list === undefined) loose.set(v.name, (list = new Set()));
          list.add(stmt);
        }
        continue;
      }
      const imp = imports.get(v.name);
      if (imp !== undefined && imp.imported === "*" && v.defs[0]?.node.type === "ImportNamespaceSpecifier") {
        namespaceRefs.set(start, v.name);
        continue;
      }
      if (!units[unit]!.names.includes(v.name)) refs[unit]!.add(v.name);
    }
  }

  // What scopes do not show: dynamic imports, eval, and how namespaces are used.
  units.forEach((u, i) => walk(u.node, (node, parent) => {
    if (node.type === "ImportExpression") {
      untracked[i]!.add("it calls import()");
    } else if (node.type === "Identifier" && evalLike.has(node.range[0])) {
      const calls = parent !== undefined && (parent.type === "CallExpression" || parent.type === "NewExpression") && strip(parent.callee as AstNode) === node;
      if (calls) untracked[i]!.add(node.name === "eval" ? "it calls eval()" : "it makes a function from a string (Function)");
    } else if (node.type === "Identifier" && namespaceRefs.has(node.range[0])) {
      const ns = namespaceRefs.get(node.range[0])!;
      if (parent?.type === "MemberExpression" && strip(parent.object as AstNode) === node) {
        if (!parent.computed) refs[i]!.add(`${ns}.${(parent.property as { name: string }).name}`);
        else {
          const key = parent.property as AstNode & { value?: unknown };
          if (key.type === "Literal" && typeof key.value === "string") refs[i]!.add(`${ns}.${key.value}`);
          else {
            refs[i]!.add(`${ns}.*`);
            untracked[i]!.add(`it reads a computed member of namespace "${ns}"`);
          }
        }
      } else refs[i]!.add(`${ns}.*`);
    }
  }));

  const declarations = new Map<string, Declaration>();
  const unitHashes = new Map<AstNode, string>();
  units.forEach((u, i) => {
    const d: Declaration = {
      kind: u.kind,
      line: lineOf(u.node.range[0]),
      hash: sha256(hasher, [u.node, ...u.names.flatMap((n) => [...(loose.get(n) ?? [])])].map(normalizedText).join("\n")),
      refs: [...refs[i]!].sort(),
      untracked: [...untracked[i]!].sort(),
    };
    unitHashes.set(u.node, d.hash);
    for (const n of u.names) declarations.set(n, d);
  });
  // The whole file: each top-level statement's text, declarations by the hash already computed.
  const whole = program.body.map((stmt) => {
    const inner = (stmt.declaration as AstNode | undefined) ?? stmt;
    const declared = inner.type === "VariableDeclaration" ? (inner.declarations as AstNode[]).map((d) => unitHashes.get(d)) : [unitHashes.get(inner)];
    return declared.every((h) => h !== undefined) ? `${stmt.type}:${declared.join(",")}` : normalizedText(stmt);
  });
  return {
    ok: true,
    analysis: {
      contentHash, declarations, imports, exports, starExports, loads: [...loads], dynamicLoads: dynamicLoadsOf(parsed.module.dynamicImports, source),
      wholeHash: sha256(hasher, whole.join("\n")),
    },
  };
}

/** The string-literal specifiers of `import()` calls (oxc lists every call with the span of its argument). */
function dynamicLoadsOf(calls: readonly { moduleRequest: { start: number; end: number } }[], source: string): string[] {
  const out = new Set<string>();
  for (const c of calls) {
    const m = /^(["'])([^"'\\]*)\1$/.exec(source.slice(c.moduleRequest.start, c.moduleRequest.end));
    if (m) out.add(m[2]!);
  }
  return [...out];
}

function moduleName(node: AstNode): string {
  return node.type === "Literal" ? String(node.value) : (node as unknown as { name: string }).name;
}
