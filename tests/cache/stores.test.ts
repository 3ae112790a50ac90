/** Runs the store contracts against every implementation: memory, and SQLite on Bun. */
import { afterAll } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { metadataStoreContract } from "./metadata-store.contract.ts";
import { resultStoreContract } from "./result-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function sqlite() {
  const opened = openSqliteCache(join(root, `c${++n}`, "weft.db"), bunCacheDrivers, { inlineLimit: 1024 });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened;
}

metadataStoreContract("memory", () => new MemoryMetadataStore());
metadataStoreContract("SQLite (bun:sqlite)", () => sqlite().metadata);
resultStoreContract("memory", () => new MemoryResultStore());
/** Flips a byte of a result of the last SQLite store made: in its row (inline) or in its blob file. */
function damageSqlite(dataVersion: string): void {
  const dir = join(root, `c${n}`);
  const db = openBunSqlite(join(dir, "weft.db"));
  const row = db.prepare("SELECT inline, file FROM cache_results WHERE data_version = ?").get(dataVersion)!;
  const path = row.file === null ? undefined : join(dir, "blobs", row.file as string);
  const bytes = path === undefined ? (row.inline as Uint8Array).slice() : readFileSync(path);
  bytes[bytes.length - 5]! ^= 0x10;
  if (path === undefined) db.prepare("UPDATE cache_results SET inline = ? WHERE data_version = ?").run(bytes, dataVersion);
  else writeFileSync(path, bytes);
  db.close();
}

resultStoreContract("SQLite (bun:sqlite, blob files above 1 KiB)", () => sqlite().results, { damage: damageSqlite });
