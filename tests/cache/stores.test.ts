/** Runs the store contracts against every implementation: memory, and SQLite on Bun. */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { metadataStoreContract } from "./metadata-store.contract.ts";
import { resultStoreContract } from "./result-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-stores-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function sqlite() {
  const opened = openSqliteCache(join(root, `c${n++}`, "weft.db"), bunCacheDrivers, { inlineLimit: 1024 });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened;
}

metadataStoreContract("memory", () => new MemoryMetadataStore());
metadataStoreContract("SQLite (bun:sqlite)", () => sqlite().metadata);
resultStoreContract("memory", () => new MemoryResultStore());
resultStoreContract("SQLite (bun:sqlite, blob files above 1 KiB)", () => sqlite().results);
