// The cache on Node, from the built files in dist/: a cache written on Bun is read with better-sqlite3, and every
// value comes back equal, with the same data version. Run `npm run build` first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { registerCodec } from "../../dist/cache/codec-registry.js";
import { fingerprint } from "../../dist/cache/fingerprint.js";
import { openSqliteCache } from "../../dist/cache/sqlite/open-sqlite-cache.js";
import { nodeCacheDrivers } from "../../dist/runtime/node/mod.js";
import { portableValues, registerPoint } from "../portable/values.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("a cache written on Bun reads on Node with equal values and data versions", () => {
  registerPoint(registerCodec);
  const dir = mkdtempSync(join(tmpdir(), "weft-portable-"));
  try {
    const path = join(dir, "weft.db");
    const out = execFileSync(join(root, "node_modules/.bin/bun"), [join(root, "runtime-tests/portable/write-cache.ts"), path], { encoding: "utf8" });
    const versions = JSON.parse(out);
    const opened = openSqliteCache(path, nodeCacheDrivers);
    assert.equal(opened.status, "open");
    for (const [name, expected] of portableValues()) {
      const fp = fingerprint(expected, nodeCacheDrivers.hasher);
      assert.equal(fp.ok && fp.dataVersion, versions[name], `data version of ${name} on Node`);
      assert.deepEqual(opened.results.get(versions[name]), { status: "hit", value: expected }, `value of ${name}`);
    }
    opened.metadata.close();
    opened.results.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the SQLite stores write and read on Node with better-sqlite3", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-node-"));
  try {
    const opened = openSqliteCache(join(dir, "weft.db"), nodeCacheDrivers, { inlineLimit: 100 });
    assert.equal(opened.status, "open");
    const value = { series: new Float64Array(1000).fill(2), label: "x" };
    const fp = fingerprint(value, nodeCacheDrivers.hasher);
    opened.results.putMany([{ dataVersion: fp.dataVersion, value }]);
    opened.metadata.write({ entries: [{ key: "k", node: "n", codeVersion: "c", inputs: {}, config: {}, dataVersion: fp.dataVersion, runId: "r", createdAt: 1, lastUsedAt: 1 }], used: [], runs: [{ runId: "r", node: "n", status: "miss", at: 1 }], at: 1 });
    assert.deepEqual([opened.metadata.lookup("k")?.dataVersion, opened.metadata.lastRunId()], [fp.dataVersion, "r"]);
    assert.deepEqual(opened.results.get(fp.dataVersion), { status: "hit", value });
    opened.metadata.close();
    opened.results.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
