/**
 * The cache on Deno: a cache written on Bun is read with node:sqlite, and every value comes back equal,
 * with the same data version. Run with `deno test --allow-read --allow-write --allow-env --allow-run --allow-ffi`.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { registerCodec } from "../../cache/codec-registry.ts";
import { fingerprint } from "../../cache/fingerprint.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { denoCacheDrivers } from "../../runtime/deno/mod.ts";
import { portableValues, registerPoint } from "../portable/values.mjs";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("a cache written on Bun reads on Deno with equal values and data versions", () => {
  registerPoint(registerCodec);
  const dir = Deno.makeTempDirSync({ prefix: "weft-portable-" });
  try {
    const path = `${dir}/weft.db`;
    const written = new Deno.Command(`${root}node_modules/.bin/bun`, { args: [`${root}runtime-tests/portable/write-cache.ts`, path] }).outputSync();
    if (!written.success) throw new Error(new TextDecoder().decode(written.stderr));
    const versions: Record<string, string> = JSON.parse(new TextDecoder().decode(written.stdout));
    const opened = openSqliteCache(path, denoCacheDrivers);
    if (opened.status !== "open") throw new Error(opened.reason);
    let files = 0;
    for (const [name, expected] of portableValues()) {
      const dv = versions[name as string]!;
      const fp = fingerprint(expected, denoCacheDrivers.hasher);
      strictEqual(fp.ok && fp.dataVersion, dv, `data version of ${name} on Deno`);
      const read = opened.results.get(dv);
      // A hit may also carry the bytes it was decoded from (for the cache's warm set): compared by value alone.
      deepStrictEqual(read.status === "hit" ? { status: "hit", value: read.value } : read, { status: "hit", value: expected }, `value of ${name}`);
      if (opened.results.list().find((r) => r.dataVersion === dv)!.size > 1024) files++;
    }
    strictEqual(files >= 2, true, "some values came from blob files");
    opened.metadata.close();
    opened.results.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("fingerprint() gives the same data version on Deno as everywhere", () => {
  const fp = fingerprint("abc", denoCacheDrivers.hasher);
  strictEqual(fp.ok && fp.dataVersion, "28e66e3922de4f3777d766f7b2cb559b1422dfa4c4a069ef226385639461ba90");
});

Deno.test("the warm set on Deno (node:sqlite): a driver's second run is served from memory, and another driver's clear is seen", async () => {
  const { Builder } = await import("../../mod.ts");
  const dir = Deno.makeTempDirSync({ prefix: "weft-warm-" });
  try {
    const path = `${dir}/weft.db`;
    let calls = 0;
    const mod = { rows: (n: number) => (calls++, Array.from({ length: n }, (_, i) => ({ i }))), count: (rows: { i: number }[]) => (calls++, rows.length) };
    await using reader = await new Builder().withModules(mod).withWarnings(() => {}).withCache({ path }).build();
    await using writer = await new Builder().withModules(mod).withWarnings(() => {}).withCache({ path }).build();
    deepStrictEqual(await reader.execute(["rows", "count"], { inputs: { n: 3 } }), { rows: [{ i: 0 }, { i: 1 }, { i: 2 }], count: 3 });
    const again = await reader.execute(["rows", "count"], { inputs: { n: 3 } });
    again.rows.push({ i: 99 });
    deepStrictEqual(await reader.execute(["rows", "count"], { inputs: { n: 3 } }), { rows: [{ i: 0 }, { i: 1 }, { i: 2 }], count: 3 });
    strictEqual(calls, 2);
    strictEqual(reader.cache!.explain("count").status, "hit");
    writer.cache!.clear();
    await reader.execute(["count"], { inputs: { n: 3 } });
    strictEqual(calls, 4);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
