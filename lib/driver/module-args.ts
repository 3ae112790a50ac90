/**
 * What `withModules` accepts and how it reads each argument: a module
 * namespace or a plain object of functions, or `{ name, exports, url? }`.
 *
 * @module
 */
import type { ModuleSource } from "../graph/graph.ts";
import type { NamedModule } from "../model/types.ts";

/**
 * What `withModules` accepts: a module namespace (`import * as flow`), a plain
 * object of functions, or `{ name, exports, url? }` (`url`: the module's file,
 * `import.meta.url`, for code versions when weft cannot find it).
 */
export type ModuleArg = object;

/**
 * The module `m` stands for, named `module <index>` unless it names itself,
 * and the file URL it gives (`{ name, exports, url }`).
 *
 * @throws {TypeError} for a `url` that is not a URL
 */
export function toModuleSource(m: ModuleArg, index: number): { source: ModuleSource; url?: string } {
  const named = m as Partial<NamedModule>;
  const keys = Object.keys(m);
  const withUrl = keys.length === 3 && keys.includes("url");
  if ((keys.length === 2 || withUrl) && typeof named.name === "string" && typeof named.exports === "object" && named.exports !== null) {
    if (withUrl && (typeof named.url !== "string" || !URL.canParse(named.url))) {
      throw new TypeError(`withModules() option "url" of module "${named.name}" must be the module's file URL (import.meta.url), got ${JSON.stringify(named.url)}`);
    }
    const source = { name: named.name, exports: named.exports as Record<string, unknown> };
    return withUrl ? { source, url: named.url! } : { source };
  }
  return { source: { name: `module ${index}`, exports: m as Record<string, unknown> } };
}
