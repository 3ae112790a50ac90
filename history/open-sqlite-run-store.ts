/**
 * Opens the run history in the cache's SQLite file: for writing (tracking,
 * which creates the file like the cache does) or for reading (the web view
 * and the CLI, which never create one and explain what is wrong instead).
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import { isWeftError } from "../lib/errors.ts";
import type { Liveness } from "../lib/ports/run-store.ts";
import { directoryOf, openDatabase } from "../sqlite/open-database.ts";
import { headerDamage, probeWritable } from "../sqlite/database-file.ts";
import { classifySqliteError, resetAdvice } from "../sqlite/sqlite-errors.ts";
import { SqliteRunStore } from "./sqlite-run-store.ts";

/** An open run store, or why there is none (for a person to read). */
export type OpenedRunStore =
  | { readonly status: "open"; readonly path: string; readonly store: SqliteRunStore }
  | { readonly status: "missing" | "damaged" | "unavailable"; readonly path: string; readonly reason: string };

/** Options of {@link openSqliteRunStore}. */
export interface OpenRunStoreOptions {
  /** Whether a "running" run's process is still alive. */
  readonly alive: Liveness;
  /** Open an existing file only: a missing file is "missing", not created (readers). */
  readonly existing?: boolean;
}

/**
 * Opens the run history at `path` (`.weft/weft.db` by default elsewhere).
 *
 * @throws {CacheError} when the runtime has no SQLite driver (Node 20 without
 *   better-sqlite3), naming the package to install
 * @example
 * ```ts
 * const opened = openSqliteRunStore(".weft/weft.db", bunCacheDrivers, { alive: () => true, existing: true });
 * if (opened.status !== "open") console.error(opened.reason);
 * ```
 */
export function openSqliteRunStore(path: string, drivers: CacheDrivers, options: OpenRunStoreOptions): OpenedRunStore {
  const fail = (status: "missing" | "damaged" | "unavailable", reason: string): OpenedRunStore => ({ status, path, reason });
  if (options.existing) {
    const info = drivers.fs.stat(path);
    if (info === undefined) {
      return fail("missing", `There is no run history at "${path}": run a flow with withTracking() or "weft run" first, or pass the database with --db`);
    }
  } else {
    const writable = probeWritable(drivers, directoryOf(path));
    if (writable !== undefined) return fail("unavailable", `Cannot record runs in "${path}": ${writable.text.replace(/^the cache directory/, "the directory")}`);
  }
  const damage = headerDamage(drivers, path);
  if (damage !== undefined) return fail("damaged", `Cannot open the run history "${path}": ${damage}; ${resetAdvice(path)}`);
  try {
    const db = openDatabase(path, drivers);
    return { status: "open", path, store: new SqliteRunStore(db, { path, hasher: drivers.hasher, alive: options.alive }) };
  } catch (e) {
    // The runtime's own CacheError (Node without a SQLite driver) says what to install: not the file's fault.
    if (isWeftError(e, "cache")) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    const kind = classifySqliteError(e);
    if (kind === "damaged") return fail("damaged", `Cannot open the run history "${path}": the file is damaged (${detail}); ${resetAdvice(path)}`);
    return fail("unavailable", `Cannot open the run history "${path}": ${detail}`);
  }
}
