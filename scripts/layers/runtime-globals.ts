/**
 * The part of the layering check dependency-cruiser cannot do: a runtime
 * global (`Bun`, `Deno`, `process`, …) used outside runtime/. Imports of
 * runtime modules (`node:*`, `bun:*`) are dependency-cruiser's rules.
 */
import { parse } from "acorn";
import { full } from "acorn-walk";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", "dist", ".git", ".weft"]);
/** The folders (and entry) where only runtime/ may touch runtime APIs. */
const NEUTRAL = new Set(["lib", "executors", "cache", "history", "sqlite", "postgres", "server", "cli", "mod.ts", "compose.ts", "bullmq.ts", "visualize.ts", "postgres.ts"]);
const RUNTIME_GLOBALS = new Set(["Bun", "Deno", "process", "require", "__dirname", "__filename", "global"]);

/**
 * One line per use of a runtime global in a runtime-neutral file under `root`.
 *
 * @example
 * const problems = findRuntimeGlobals(process.cwd());
 * // ['lib/x.ts: uses the runtime global "process"; move that code to runtime/<name>/']
 */
export function findRuntimeGlobals(root: string): string[] {
  const transpilers = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };
  const problems = new Set<string>();
  for (const file of neutralFiles(root)) {
    const rel = relative(root, file);
    // A shebang line (the CLI's entry) is not TypeScript; JSX files need the TSX loader.
    const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
    // Transpiled first, so that types (a parameter typed `NodeJS.Process`) are not uses.
    const js = (file.endsWith(".tsx") ? transpilers.tsx : transpilers.ts).transformSync(source);
    full(parse(js, { ecmaVersion: "latest", sourceType: "module" }), (n) => {
      const name = (n as unknown as { name?: string }).name;
      if (n.type === "Identifier" && name !== undefined && RUNTIME_GLOBALS.has(name)) {
        problems.add(`${rel}: uses the runtime global "${name}"; move that code to runtime/<name>/`);
      }
    });
  }
  return [...problems];
}

function neutralFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [...NEUTRAL].map((n) => join(root, n));
  while (stack.length > 0) {
    const p = stack.pop()!;
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch {
      continue; // a tree without that folder (the test fixture)
    }
    if (!isDirectory) {
      if (/\.(ts|tsx|mts)$/.test(p) && !p.endsWith(".d.ts")) out.push(p);
      continue;
    }
    for (const name of readdirSync(p)) if (!SKIP.has(name)) stack.push(join(p, name));
  }
  return out.sort();
}
