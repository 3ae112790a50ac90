// The optional peers on Node, from the built files in dist/ (run `npm run build` first): importing weft and
// running a driver without a cache loads none of them, and a cache without better-sqlite3 uses node:sqlite
// where Node has it, or fails with the CacheError that says what to install. fixtures/peers.mjs watches and hides them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const hasNodeSqlite = process.getBuiltinModule?.("node:sqlite") !== undefined;

/** Runs `code` as a module in a Node watched by peers.mjs; its stdout as JSON, and the peers it loaded. */
function node(code, hide = "") {
  const dir = mkdtempSync(join(tmpdir(), "weft-peers-"));
  try {
    const log = join(dir, "loaded.txt");
    const out = execFileSync(process.execPath, ["--no-warnings", "--import", join(root, "runtime-tests/node/fixtures/peers.mjs"), "--input-type=module", "-e", code], {
      cwd: root, encoding: "utf8", env: { ...process.env, WEFT_HIDE: hide, WEFT_PEERS_LOG: log, WEFT_DIR: dir },
    });
    let loaded = [];
    try {
      loaded = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))].sort();
    } catch {}
    return { result: JSON.parse(out), loaded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FLOW = `const flow = { a: (x) => x + 1, b: async (a) => a * 2 };`;

test("importing weft and running a driver without a cache loads no optional peer, not even a SQLite driver", () => {
  const { result, loaded } = node(`import { Builder } from "weft"; import "weft/bullmq"; import "weft/visualize"; ${FLOW}
    const dr = await new Builder().withModules(flow).build();
    const { b } = await dr.execute(["b"], { inputs: { x: 1 } });
    const dot = await dr.visualizeExecution(["b"], { inputs: { x: 1 } });
    await dr.close();
    console.log(JSON.stringify({ b, dot: dot.startsWith("digraph") }));`);
  assert.deepEqual([result, loaded], [{ b: 4, dot: true }, []]);
});

test("withCache() on Node loads the SQLite driver at build, better-sqlite3 first", () => {
  const { result, loaded } = node(`import { Builder } from "weft"; ${FLOW}
    const dr = await new Builder().withModules(flow).withCache({ path: process.env.WEFT_DIR + "/weft.db" }).build();
    const { b } = await dr.execute(["b"], { inputs: { x: 1 } });
    await dr.close();
    console.log(JSON.stringify({ b }));`);
  assert.deepEqual([result, loaded], [{ b: 4 }, ["better-sqlite3"]]);
});

test(`withCache() on Node without better-sqlite3 ${hasNodeSqlite ? "uses node:sqlite" : "is a CacheError that names the package to install"}`, () => {
  const { result } = node(`import { Builder } from "weft"; ${FLOW}
    const run = async () => {
      const dr = await new Builder().withModules(flow).withCache({ path: process.env.WEFT_DIR + "/weft.db" }).build();
      try {
        await dr.execute(["b"], { inputs: { x: 1 } });
        return dr.cache.explain("b").message.split(":")[0];
      } finally {
        await dr.close();
      }
    };
    const outcome = await run().then(async (first) => [first, await run()], (e) => ({ name: e.name, message: e.message }));
    console.log(JSON.stringify(outcome));`, "better-sqlite3");
  const expected = hasNodeSqlite
    ? ["miss", "hit"]
    : { name: "CacheError", message: `Cannot open the cache or run history on Node ${process.versions.node}: "better-sqlite3" is not installed; run "npm install better-sqlite3", or use Node 22.13 or later (it has node:sqlite), Bun or Deno` };
  assert.deepEqual(result, expected);
});

test("SVG on Node without @viz-js/viz is a MissingPackageError that names it", () => {
  const { result } = node(`import { Builder } from "weft"; ${FLOW}
    const dr = await new Builder().withModules(flow).build();
    const out = await dr.visualizeExecution(["b"], { inputs: { x: 1 }, format: "svg" }).then(() => "drawn", (e) => ({ name: e.name, message: e.message }));
    await dr.close();
    console.log(JSON.stringify(out));`, "@viz-js/viz");
  assert.deepEqual(result, {
    name: "MissingPackageError",
    message: 'Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz", or draw DOT or Mermaid, which need no package',
  });
});

test("tableResult on Node loads apache-arrow on first use, and without it is a MissingPackageError that names it", () => {
  const code = `import { Builder } from "weft"; import { tableResult } from "weft/arrow"; ${FLOW}
    const dr = await new Builder().withModules(flow).build();
    const out = await dr.execute(["a", "b"], { inputs: { x: 1 }, resultBuilder: tableResult }).then((t) => t.numRows, (e) => ({ name: e.name, message: e.message }));
    await dr.close();
    console.log(JSON.stringify(out));`;
  assert.deepEqual(node(code), { result: 1, loaded: ["apache-arrow"] });
  assert.deepEqual(node(code, "apache-arrow").result, {
    name: "MissingPackageError",
    message: 'Cannot build a table: "apache-arrow" is not installed; run "npm install apache-arrow", or use rowsResult or objectResult, which need no package',
  });
});

test("weft/postgres on Node loads postgres, and without it is a MissingPackageError that names it", () => {
  const code = `const out = await import("weft/postgres").then((m) => typeof m.postgres, (e) => ({ name: e.name, message: e.message }));
    console.log(JSON.stringify(out));`;
  assert.deepEqual(node(code), { result: "function", loaded: ["postgres"] });
  assert.deepEqual(node(code, "postgres").result, {
    name: "MissingPackageError",
    message: 'Cannot use the PostgreSQL team store: "postgres" is not installed; run "npm install postgres"',
  });
});

test("weft cache clear on Node without a SQLite driver deletes nothing: the cache and its run history stay", { skip: hasNodeSqlite && "this Node has node:sqlite" }, () => {
  const { result } = node(`import { writeFileSync, readFileSync } from "node:fs";
    const path = process.env.WEFT_DIR + "/weft.db";
    const { runCli } = await import(${JSON.stringify(join(root, "dist/cli/main.js"))});
    // Any bytes: the command must fail before it looks at them.
    writeFileSync(path, "SQLite format 3\\0" + "x".repeat(100));
    let err = "";
    const host = { args: ["cache", "clear", "--db", path], cwd: () => process.env.WEFT_DIR, resolvePath: (p) => p, moduleUrl: (p) => p,
      stdout: { write: () => {} }, stderr: { write: (s) => { err += s; } }, onInterrupt: () => () => {}, pid: 1, hostname: "h", onShutdown: () => {}, exit: () => {} };
    const code = await runCli(host);
    console.log(JSON.stringify({ code, kept: readFileSync(path, "utf8").startsWith("SQLite format 3"), names: /npm install better-sqlite3/.test(err) }));`, "better-sqlite3");
  assert.deepEqual(result, { code: 1, kept: true, names: true });
});
