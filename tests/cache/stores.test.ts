/**
 * Runs the store contracts against every implementation: memory, and SQLite on
 * Bun, through bun:sqlite and through the node:sqlite adapter Deno and Node
 * share (Bun implements node:sqlite too).
 */
import { afterAll } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { nodeSqliteOpener } from "../../runtime/shared/node-sqlite.ts";
import { metadataStoreContract } from "./metadata-store.contract.ts";
import { resultStoreContract } from "./result-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const viaNodeSqlite = { ...bunCacheDrivers, openSqlite: nodeSqliteOpener(DatabaseSync) };

function sqlite(drivers = bunCacheDrivers) {
  const opened = openSqliteCache(join(root, `c${++n}`, "weft.db"), drivers, { inlineLimit: 1024 });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened;
}

metadataStoreContract("memory", () => new MemoryMetadataStore());
metadataStoreContract("SQLite (bun:sqlite)", () => sqlite().metadata);
metadataStoreContract("SQLite (node:sqlite)", () => sqlite(viaNodeSqlite).metadata);
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
resultStoreContract("SQLite (node:sqlite, blob files above 1 KiB)", () => sqlite(viaNodeSqlite).results, { damage: damageSqlite });
