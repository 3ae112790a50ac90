/** Shared helpers of the cache tests: temporary cache directories, a StoreCache over SQLite on Bun, damage to its file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fingerprint } from "../../cache/fingerprint.ts";
import { openSqliteCache, type SqliteCacheOptions } from "../../cache/sqlite/open-sqlite-cache.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import type { KeyParts } from "../../lib/ports/metadata-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";

/** A fresh directory under the system's temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `weft-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A StoreCache over a SQLite file (two queries a hit, no `lookupWithResult`), collecting its warnings; `memoryBytes` sizes its warm set. */
export function sqliteCache(path: string, options: SqliteCacheOptions & { readonly memoryBytes?: number } = {}): { cache: StoreCache; warnings: string[] } {
  const { memoryBytes, ...sqlite } = options;
  const opened = openSqliteCache(path, bunCacheDrivers, sqlite);
  if (opened.status !== "open") throw new Error(opened.reason);
  const warnings: string[] = [];
  const cache = new StoreCache({
    metadata: opened.metadata, results: opened.results, hasher: bunCacheDrivers.hasher, warn: (m) => warnings.push(m),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
  });
  return { cache, warnings };
}

/** Key parts of a node with one input. */
export function partsOf(node: string, input: unknown, codeVersion = "code-1"): KeyParts {
  const fp = fingerprint(input, bunCacheDrivers.hasher);
  if (!fp.ok) throw new Error(fp.reason);
  return { node, codeVersion, inputs: { x: fp.dataVersion }, config: {}, ...(fp.preview ? { previews: { x: fp.preview } } : {}) };
}

/**
 * Runs one node through the cache as the engine will: look up, compute on a
 * miss, record, and flush. Returns the value and whether it was a hit.
 */
export function runNode(cache: StoreCache, runId: string, parts: KeyParts, compute: () => unknown): { value: unknown; hit: boolean } {
  const run = cache.beginRun(runId);
  const found = cache.lookup(parts);
  let value: unknown;
  if (found.hit) {
    run.hit(parts.node, found);
    value = found.value;
  } else {
    value = compute();
    run.miss(parts, found, value);
  }
  run.finish();
  return { value, hit: found.hit };
}

/**
 * Damages the entry of `dataVersion` in the index of results (the primary key
 * of `cache_results`), as a flipped byte can: its character at `at` becomes
 * 0xC3, above every hex digit, so the entry no longer holds its data version
 * and sorts out of place. Each entry is [header 04 81 0d 01][64-character data
 * version][row id]. The cache must be closed (its WAL folded into the file)
 * and hold a few dozen results at most, so that the index is one page.
 */
export function damageResultIndexEntry(path: string, dataVersion: string, at: number): void {
  const db = openBunSqlite(path);
  const pageSize = Number(db.prepare("PRAGMA page_size").get()!.page_size);
  const root = Number(db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_cache_results_1'").get()!.rootpage);
  db.close();
  const bytes = readFileSync(path);
  const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
  // 0x0a: a leaf page of an index, so every entry is in this page.
  if (page[0] !== 0x0a) throw new Error(`the index of results in "${path}" is more than one page`);
  const record = Buffer.concat([Buffer.from([0x04, 0x81, 0x0d, 0x01]), Buffer.from(dataVersion)]);
  const i = page.indexOf(record);
  if (i < 0 || page.indexOf(record, i + 1) >= 0) throw new Error(`no single index entry for ${dataVersion} in "${path}"`);
  page[i + 4 + at] = 0xc3;
  writeFileSync(path, bytes);
}

/** The data versions that more than one row of `cache_results` holds, read from the table itself. */
export function duplicateResults(path: string): string[] {
  const db = openBunSqlite(path);
  try {
    return db.prepare("SELECT data_version AS dv FROM cache_results NOT INDEXED GROUP BY data_version HAVING count(*) > 1").all().map((r) => r.dv as string);
  } finally {
    db.close();
  }
}

/** What `PRAGMA integrity_check` says of the file: `["ok"]` when nothing is wrong (SQLite's error when it cannot tell). */
export function integrityOf(path: string): string[] {
  const db = openBunSqlite(path);
  try {
    return db.prepare("PRAGMA integrity_check").all().map((r) => r.integrity_check as string);
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  } finally {
    db.close();
  }
}

/**
 * Moves the first cell pointer of the one-page index `index` back by `by`
 * bytes, out of the page's cell area, as a flipped byte of its low half can:
 * SQLite reports the page malformed, but only when a statement reaches that
 * cell, and a lookup may never do. The cache must be closed, and the index one page.
 */
export function damageFirstCellPointer(path: string, index: string, by: number): void {
  const db = openBunSqlite(path);
  const pageSize = Number(db.prepare("PRAGMA page_size").get()!.page_size);
  const root = Number(db.prepare("SELECT rootpage FROM sqlite_master WHERE name = ?").get(index)!.rootpage);
  db.close();
  const bytes = readFileSync(path);
  const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
  if (page[0] !== 0x0a) throw new Error(`the index "${index}" in "${path}" is more than one page`);
  // A leaf page's header is 8 bytes; the cell pointers follow, big-endian.
  page.writeUInt16BE(page.readUInt16BE(8) - by, 8);
  writeFileSync(path, bytes);
}

/**
 * A module file `flow.ts` in a temp dir (removed by `remove`), written and imported fresh on each `load()`, after
 * `edit` changes its text (a query string makes a new module instance; by path, as Bun's test runner serves a stale
 * copy for a `file:` URL with a query). `WEFT` in the text stands for the URL of this repository's mod.ts.
 */
export function moduleFile(prefix: string, text: string) {
  const { dir, remove } = tempDir(prefix);
  const file = join(dir, "flow.ts");
  const url = pathToFileURL(file).href;
  const weft = pathToFileURL(join(import.meta.dir, "../../mod.ts")).href;
  let n = 0;
  const load = async (edit?: (text: string) => string) => {
    if (edit) text = edit(text);
    writeFileSync(file, text.replaceAll("WEFT", weft));
    return { name: "flow", exports: (await import(`${file}?v=${++n}`)) as Record<string, unknown>, url };
  };
  return { dir, db: join(dir, "weft.db"), file, load, remove };
}
