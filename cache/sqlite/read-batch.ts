/**
 * `ReadBatchingDatabase`: the cache's SQLite connection, with the lookups of a
 * burst in one read transaction. The engine looks nodes up synchronously, one
 * after another, while it starts the tasks that are ready; each lookup in
 * autocommit mode takes and drops SQLite's read lock and checks the WAL index
 * again (measured: 5.4 µs a lookup alone, 3.3 µs in one transaction). The
 * first lookup of a burst begins a transaction; it ends on the next microtask
 * (so never across an `await` of node code, nor long enough to hold back WAL
 * checkpoints), and before any write of this connection (a write would
 * otherwise join it, and a read transaction cannot always become a write one
 * in WAL mode: SQLITE_BUSY_SNAPSHOT, with no busy handler).
 *
 * A transaction begun by other means (`exec("BEGIN")`, as `driver.plan` reads
 * in one) is joined: the reads run in it, and it is not ended here.
 *
 * Each batch also reads `PRAGMA data_version`, which changes when another
 * connection (another process, or the run history's own connection) has
 * committed since: the cache's warm set then checks its entries against the
 * file again (see cache/store-cache.ts).
 *
 * @module
 */
import type { SqliteDatabase, SqliteParam, SqliteStatement } from "../../lib/ports/sqlite.ts";
import { cacheError } from "../../sqlite/sqlite-errors.ts";

/**
 * A connection whose reads between writes share one read transaction, begun by
 * {@link ReadBatchingDatabase.beginReads}.
 *
 * @example
 * ```ts
 * const db = new ReadBatchingDatabase(openBunSqlite(path), path);
 * const generation = db.beginReads(); // BEGIN, until the next microtask or write
 * db.prepare("SELECT 1 AS one").get();
 * ```
 */
export class ReadBatchingDatabase implements SqliteDatabase {
  readonly #db: SqliteDatabase;
  readonly #path: string;
  #open = false;
  /** Inside a write transaction of ours: reads join it. */
  #writing = 0;
  #dataVersion: SqliteStatement | undefined;
  #lastDataVersion: unknown = undefined;
  #generation = 0;
  readonly #end = () => this.endReads();

  /** `path` is the database file, for messages. */
  constructor(db: SqliteDatabase, path: string) {
    this.#db = db;
    this.#path = path;
  }

  /**
   * Begins a read transaction unless one is open (or a write transaction is),
   * ending on the next microtask; returns a generation that grows each time
   * another connection is found to have committed since the last batch.
   *
   * @throws {CacheError} when the file cannot be read
   */
  beginReads(): number {
    if (this.#open || this.#writing > 0) return this.#generation;
    try {
      try {
        this.#db.exec("BEGIN");
        this.#open = true;
        queueMicrotask(this.#end);
      } catch {
        // Within a transaction someone began with exec (a plan's `read`): its snapshot serves, and it ends it.
        // A connection that cannot read at all fails the query below.
      }
      const version = (this.#dataVersion ??= this.#db.prepare("PRAGMA data_version")).get()?.data_version;
      if (version !== this.#lastDataVersion) {
        this.#lastDataVersion = version;
        this.#generation++;
      }
    } catch (error) {
      this.endReads();
      throw cacheError(this.#path, "read", error);
    }
    return this.#generation;
  }

  /** Ends the read transaction, if one is open. */
  endReads(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#db.exec("COMMIT");
    } catch {
      // A connection closed or broken meanwhile: there is nothing left to end.
    }
  }

  exec(sql: string): void {
    this.endReads();
    this.#db.exec(sql);
  }

  prepare(sql: string): SqliteStatement {
    const st = this.#db.prepare(sql);
    // Reads go straight through (the hot path); `run` is how the stores write, so it ends the batch first.
    return {
      get: st.get,
      all: st.all,
      run: (...params: SqliteParam[]) => {
        if (this.#writing === 0) this.endReads();
        return st.run(...params);
      },
    };
  }

  transaction<T>(fn: () => T): T {
    this.endReads();
    this.#writing++;
    try {
      return this.#db.transaction(fn);
    } finally {
      this.#writing--;
    }
  }

  close(): void {
    this.endReads();
    this.#db.close();
  }
}
