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
import { Builder } from "weft";
import { portableValues, registerPoint } from "../portable/values.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
// A hit may also carry the bytes it was decoded from (for the cache's warm set): compared here by value alone.
const valueRead = (read) => (read.status === "hit" ? { status: "hit", value: read.value } : read);

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
      assert.deepEqual(valueRead(opened.results.get(versions[name])), { status: "hit", value: expected }, `value of ${name}`);
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
    assert.deepEqual(valueRead(opened.results.get(fp.dataVersion)), { status: "hit", value });
    opened.metadata.close();
    opened.results.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the warm set on Node (better-sqlite3): a driver's second run is served from memory, and another driver's clear is seen", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-warm-"));
  try {
    const path = join(dir, "weft.db");
    let calls = 0;
    const mod = { rows: (n) => (calls++, Array.from({ length: n }, (_, i) => ({ i }))), count: (rows) => (calls++, rows.length) };
    const reader = await new Builder().withModules(mod).withWarnings(() => {}).withCache({ path }).build();
    const writer = await new Builder().withModules(mod).withWarnings(() => {}).withCache({ path }).build();
    try {
      assert.deepEqual(await reader.execute(["rows", "count"], { inputs: { n: 3 } }), { rows: [{ i: 0 }, { i: 1 }, { i: 2 }], count: 3 });
      const again = await reader.execute(["rows", "count"], { inputs: { n: 3 } });
      again.rows.push({ i: 99 });
      assert.deepEqual(await reader.execute(["rows", "count"], { inputs: { n: 3 } }), { rows: [{ i: 0 }, { i: 1 }, { i: 2 }], count: 3 });
      assert.equal(calls, 2);
      assert.equal(reader.cache.explain("count").status, "hit");
      writer.cache.clear();
      await reader.execute(["count"], { inputs: { n: 3 } });
      assert.equal(calls, 4);
    } finally {
      await reader.close();
      await writer.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
