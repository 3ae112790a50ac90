/**
 * Writes the portable values into a cache with Bun's drivers and prints
 * `{ name: dataVersion }` as JSON. The Deno and Node smoke suites run it,
 * then read the cache with their own drivers.
 *
 *   bun runtime-tests/portable/write-cache.ts <path/to/weft.db>
 */
import { registerCodec } from "../../cache/codec-registry.ts";
import { fingerprint } from "../../cache/fingerprint.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { portableValues, registerPoint } from "./values.mjs";

registerPoint(registerCodec);
const opened = openSqliteCache(process.argv[2]!, bunCacheDrivers, { inlineLimit: 1024 });
if (opened.status !== "open") throw new Error(opened.reason);
const versions: Record<string, string> = {};
const items = portableValues().map(([name, value]) => {
  const fp = fingerprint(value, bunCacheDrivers.hasher);
  if (!fp.ok) throw new Error(`${name}: ${fp.reason}`);
  versions[name as string] = fp.dataVersion;
  return { dataVersion: fp.dataVersion, value };
});
const report = opened.results.putMany(items);
if (report.failed.length > 0) throw new Error(`not stored: ${report.failed.map((f) => String(f.error)).join(", ")}`);
opened.metadata.close();
opened.results.close();
console.log(JSON.stringify(versions));
