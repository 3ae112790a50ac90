/** Shared helpers of the cache tests: temporary cache directories and a StoreCache over SQLite on Bun. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fingerprint } from "../../cache/fingerprint.ts";
import { openSqliteCache, type SqliteCacheOptions } from "../../cache/sqlite/open-sqlite-cache.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import type { KeyParts } from "../../lib/ports/metadata-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";

/** A fresh directory under the system's temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `weft-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A StoreCache over a SQLite file, collecting its warnings. */
export function sqliteCache(path: string, options: SqliteCacheOptions = {}): { cache: StoreCache; warnings: string[] } {
  const opened = openSqliteCache(path, bunCacheDrivers, options);
  if (opened.status !== "open") throw new Error(opened.reason);
  const warnings: string[] = [];
  const cache = new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: bunCacheDrivers.hasher, warn: (m) => warnings.push(m) });
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
