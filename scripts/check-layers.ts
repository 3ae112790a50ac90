/**
 * Layering check (run by `npm test`): fails on an import that breaks
 * DESIGN.md's folder rules, on runtime-specific code outside runtime/, or on
 * an import cycle between the project's files.
 *
 *   bun scripts/check-layers.ts
 */
import { parse } from "acorn";
import { full } from "acorn-walk";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const SKIP = new Set(["node_modules", "dist", ".git", ".weft"]);

/** Which project folders each folder may import from (beyond itself). */
const ALLOWED: Record<string, readonly string[]> = {
  "lib": [],
  "executors": ["lib"],
  "sqlite": ["lib"],
  "cache": ["lib", "sqlite"],
  "history": ["lib", "sqlite"],
  "runtime": ["lib", "executors", "cache", "history"],
  "server": ["lib", "cache", "history", "sqlite", "runtime"],
  "cli": ["lib", "executors", "cache", "history", "sqlite", "runtime", "server", "mod.ts"],
  // mod.ts is the composition root: it wires runtime adapters (platform, file system) onto lib's ports, lazily, and never re-exports them.
  "mod.ts": ["lib", "executors", "cache", "history", "runtime"],
  "examples": ["mod.ts"],
};
/** Folders where only runtime/ may touch runtime APIs. */
const NEUTRAL = new Set(["lib", "executors", "cache", "history", "sqlite", "server", "cli", "mod.ts"]);
const RUNTIME_GLOBALS = new Set(["Bun", "Deno", "process", "require", "__dirname", "__filename", "global"]);

function files(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      if (SKIP.has(name)) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
    }
  }
  return out.sort();
}

/** The layer a file belongs to: its top folder, or "mod.ts". */
const ENTRIES = new Set(["mod.ts", "compose.ts", "bullmq.ts", "visualize.ts"]);

function layer(file: string): string {
  const rel = relative(root, file);
  // The package's entries and its composition root sit at the top: mod.ts, compose.ts, bullmq.ts, visualize.ts.
  return ENTRIES.has(rel) ? "mod.ts" : rel.split("/")[0]!;
}

const transpilers = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };
const problems: string[] = [];
const edges = new Map<string, string[]>();

for (const file of files(root)) {
  const rel = relative(root, file);
  const from = layer(file);
  // A shebang line (the CLI's entry) is not TypeScript; JSX files need the TSX loader.
  const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
  const transpiler = file.endsWith(".tsx") ? transpilers.tsx : transpilers.ts;
  const imports = transpiler.scanImports(source).map((i) => i.path);
  const targets: string[] = [];
  for (const spec of imports) {
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      targets.push(target);
      const to = layer(target);
      const allowed = ALLOWED[from];
      if (allowed && to !== from && !allowed.includes(to)) {
        problems.push(`${rel}: imports "${spec}" (${to}), which ${from}/ may not import; allowed: ${allowed.join(", ") || "nothing outside itself"}`);
      }
      const adapter = (f: string) => (/^runtime\/[^/]+\//.test(f) ? f.split("/")[1] : undefined);
      const [ownAdapter, targetAdapter] = [adapter(rel), adapter(relative(root, target))];
      if (ownAdapter && targetAdapter && ownAdapter !== targetAdapter && targetAdapter !== "shared") {
        problems.push(`${rel}: imports another runtime's adapter "${spec}"`);
      }
    } else if (NEUTRAL.has(from) && /^(node|bun|deno):|^bun$/.test(spec)) {
      problems.push(`${rel}: imports the runtime module "${spec}"; only runtime/<name>/ may`);
    }
  }
  edges.set(file, targets);
  if (NEUTRAL.has(from)) {
    const js = transpiler.transformSync(source);
    const ast = parse(js, { ecmaVersion: "latest", sourceType: "module" });
    full(ast, (n) => {
      if (n.type === "Identifier" && RUNTIME_GLOBALS.has((n as unknown as { name: string }).name)) {
        problems.push(`${rel}: uses the runtime global "${(n as unknown as { name: string }).name}"; move that code to runtime/<name>/`);
      }
    });
  }
}

// Import cycles: iterative three-colour DFS over project files.
const state = new Map<string, number>();
for (const start of edges.keys()) {
  if (state.has(start)) continue;
  const stack: [string, number][] = [[start, 0]];
  state.set(start, 1);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = (edges.get(top[0]) ?? []).filter((t) => edges.has(t));
    if (top[1] < next.length) {
      const t = next[top[1]++]!;
      if (!state.has(t)) {
        state.set(t, 1);
        stack.push([t, 0]);
      } else if (state.get(t) === 1) {
        const cycle = stack.slice(stack.findIndex(([f]) => f === t)).map(([f]) => relative(root, f));
        problems.push(`import cycle: ${[...cycle, relative(root, t)].join(" -> ")}`);
      }
    } else {
      state.set(top[0], 2);
      stack.pop();
    }
  }
}

if (problems.length > 0) {
  console.error(`Layering check failed:\n${[...new Set(problems)].map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`Layering check passed: ${edges.size} files, no forbidden import, no runtime API outside runtime/, no cycle`);
