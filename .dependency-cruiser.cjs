/**
 * The folder rules of DESIGN.md §3 and STYLE.md "Layout and layering", checked
 * by dependency-cruiser in `npm test` (its `layers` step, scripts/check-layers.ts).
 *
 *   npx depcruise --config .dependency-cruiser.cjs .
 *
 * Paths are relative to the directory depcruise runs in (the repository root;
 * tests/layers.test.ts runs the same rules on a fixture tree of its own).
 */
"use strict";

/** The project folders that have rules; the others (tests, bench, scripts, docs) may import anything. */
const FOLDERS = ["lib", "executors", "cache", "history", "sqlite", "postgres", "runtime", "server", "cli", "examples"];

/**
 * The package's entries at the top (mod.ts, the subpaths bullmq.ts and visualize.ts) and the composition root
 * (compose.ts) count as one layer, named "mod.ts" below.
 */
const ENTRIES = "^(mod|compose|bullmq|visualize|postgres)\\.ts$";

/** A path pattern for the named folders, `mod.ts` (the package entries) among them. */
function inside(...names) {
  const folders = names.filter((n) => n !== "mod.ts");
  const parts = folders.length > 0 ? [`^(${folders.join("|")})/`] : [];
  if (names.includes("mod.ts")) parts.push(ENTRIES);
  return parts.join("|");
}

/** Every rule folder and mod.ts except the ones named. */
function allBut(...names) {
  return inside(...[...FOLDERS, "mod.ts"].filter((n) => !names.includes(n)));
}

/** `from` may import, of the rule folders, only what `allowed` names (and itself). */
function only(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { path: allBut(...allowed) },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle, type-only imports included: they hide the layering from readers and tools (STYLE.md)",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    only("lib-is-the-core", inside("lib"), ["lib"],
      "lib/ defines the ports; the implementations import it, never the other way (DESIGN.md §3)"),
    only("executors-use-lib-only", inside("executors"), ["executors", "lib"],
      "executors/ implements lib's Executor port and knows nothing else of the project"),
    only("cache-uses-lib-and-sqlite", inside("cache"), ["cache", "lib", "sqlite", "postgres"],
      "cache/ implements lib's cache ports; it shares the SQLite file through sqlite/, the team database through postgres/"),
    only("history-uses-lib-and-sqlite", inside("history"), ["history", "lib", "sqlite", "postgres"],
      "history/ implements lib's RunStore; it shares the SQLite file through sqlite/, the team database through postgres/"),
    only("sqlite-uses-lib-only", inside("sqlite"), ["sqlite", "lib"],
      "sqlite/ is the file cache/ and history/ share: it knows neither"),
    only("postgres-uses-lib-only", inside("postgres"), ["postgres", "lib"],
      "postgres/ is the team database cache/ and history/ share (schema, migrations, queries): it knows neither"),
    only("runtime-adapts-implementations", inside("runtime"), ["runtime", "lib", "executors", "cache", "history", "postgres"],
      "runtime/ plugs runtime APIs into the implementations; server/, cli/ and mod.ts sit above it"),
    only("server-reads-stores", inside("server"), ["server", "lib", "cache", "history", "sqlite", "runtime"],
      "server/ serves run history: it never runs work (executors/) nor reaches the CLI"),
    only("examples-use-the-package", inside("examples"), ["examples", "mod.ts"],
      "examples/ import weft as a user does: through mod.ts, the package entry"),
    only("mod-wires-implementations", ENTRIES, ["mod.ts", "lib", "executors", "cache", "history", "runtime"],
      "mod.ts wires runtime adapters onto lib's ports; server/ and cli/ are entries of their own"),
    {
      name: "cli-not-into-examples-or-tests",
      comment: "cli/ may use the whole package, but nothing that ships without it",
      severity: "error",
      from: { path: inside("cli") },
      to: { path: "^(examples|tests|bench|runtime-tests)/" },
    },
    {
      name: "runtime-adapters-apart",
      comment: "runtime/<name>/ never imports another runtime's folder; runtime/shared/ is for all three",
      severity: "error",
      from: { path: "^runtime/([^/]+)/" },
      to: { path: "^runtime/[^/]+/", pathNot: ["^runtime/$1/", "^runtime/shared/"] },
    },
    {
      name: "no-runtime-modules-outside-runtime",
      comment: "Only runtime/<name>/ touches bun:*, node:* or Deno's modules (STYLE.md)",
      severity: "error",
      from: { path: allBut("runtime", "examples") },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "no-unresolvable",
      comment: "An import that resolves to nothing: a typo, or a runtime module this Node does not know (node:sqlite on Node 20)",
      severity: "error",
      from: { pathNot: "^runtime/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.weft|\\.git)/|^tests/fixtures/layers/" },
    // Type-only imports are edges too. dependency-cruiser reads them with the TypeScript compiler API, which
    // TypeScript 7 (this project's tsc) no longer has; swc's parser keeps every `import type` in its tree, so
    // the swc extractor sees the same edges (tsPreCompilationDeps takes effect again if a TypeScript 5/6 is found).
    tsPreCompilationDeps: true,
    parser: "swc",
    // Runtime modules dependency-cruiser does not know as built-in: `bun` (it knows bun:*), and node:sqlite,
    // which Node only has from 22.5 on.
    builtInModules: { add: ["bun", "node:sqlite"] },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "bun", "default"],
      extensions: [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
