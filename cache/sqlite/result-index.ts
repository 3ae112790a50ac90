/**
 * Checks of the index on `cache_results.data_version` against the table, for
 * the reads that depend on it. SQLite keeps no checksums, and a flipped bit in
 * that index does one of two things: an entry sends a data version to another
 * result's row (the read then fails its hash check), or an entry no longer
 * holds its own data version, and the row it stands for cannot be found. The
 * second is silent: a needless miss, and the next store adds a second row
 * under the same data version (the uniqueness check goes through the same
 * index), after which a plain REINDEX fails for good. Both are repaired by
 * {@link rebuildIndexes}, which removes such a second row first.
 *
 * @module
 */
import { asc, desc, gte, lt, sql } from "drizzle-orm";
import type { SqliteDatabase, SqliteRow } from "../../lib/ports/sqlite.ts";
import { CacheError } from "../../lib/errors.ts";
import { compile, p, Prepared, qb } from "../../sqlite/queries.ts";
import { rebuildIndexes } from "../../sqlite/rebuild-indexes.ts";
import { classifySqliteError, guarded, resetAdvice } from "../../sqlite/sqlite-errors.ts";
import { cacheResults as r } from "./schema.ts";

const Q = {
  // The data version of the row the index sends `dv` to, read from the table: the two differ only when the index is damaged.
  atIndex: compile(qb.select({ dv: r.dataVersion }).from(r)
    .where(sql`"cache_results"."rowid" = (SELECT "rowid" FROM "cache_results" WHERE "data_version" = ${p("dv")})`)),
  // The index entries on either side of where `dv` belongs, read from the index alone (it covers both columns).
  after: compile(qb.select({ id: sql<number>`"rowid"`, dv: r.dataVersion }).from(r).where(gte(r.dataVersion, p("dv"))).orderBy(asc(r.dataVersion)).limit(1)),
  before: compile(qb.select({ id: sql<number>`"rowid"`, dv: r.dataVersion }).from(r).where(lt(r.dataVersion, p("dv"))).orderBy(desc(r.dataVersion)).limit(1)),
  // A row's own data version, by row id: from the table.
  ofRow: compile(qb.select({ dv: r.dataVersion }).from(r).where(sql`"cache_results"."rowid" = ${p("id")}`)),
};

/** The index of results by data version, checked against the table and rebuilt when they disagree. */
export class ResultIndex {
  readonly #db: SqliteDatabase;
  readonly #path: string;
  readonly #q: { [K in keyof typeof Q]: Prepared };

  /** `path` is the database file, for messages. */
  constructor(db: SqliteDatabase, path: string) {
    this.#db = db;
    this.#path = path;
    this.#q = guarded(path, "open", () =>
      Object.fromEntries(Object.entries(Q).map(([k, c]) => [k, new Prepared(db, c)])) as { [K in keyof typeof Q]: Prepared });
  }

  /** Whether a lookup of `dataVersion` reaches another result's row (after a read of that row failed its check). */
  sendsElsewhere(dataVersion: string): boolean {
    const row = guarded(this.#path, "read", () => this.#q.atIndex.get({ dv: dataVersion }));
    return row !== undefined && row.data_version !== dataVersion;
  }

  /**
   * Whether an index entry next to where `dataVersion` belongs holds another
   * data version than its row: the entry of a row that a lookup of
   * `dataVersion` did not find sits there when its own bytes are damaged
   * (a lookup ends beside the one entry out of order). Two index steps and two
   * row reads: asked only when a result that an entry points to is not found.
   */
  misplacedNear(dataVersion: string): boolean {
    return guarded(this.#path, "read", () => [this.#q.before, this.#q.after].some((q) => {
      const entry: SqliteRow | undefined = q.get({ dv: dataVersion });
      return entry !== undefined && this.#q.ofRow.get({ id: entry.id as number })?.data_version !== entry.data_version;
    }));
  }

  /**
   * Rebuilds the index from the table, `problem` saying what was wrong.
   *
   * @returns false when the disk is full (the damage stays, every read checks it again)
   * @throws {CacheError} when the index cannot be rebuilt: the file is damaged beyond it, with how to reset it
   */
  rebuild(problem: string): boolean {
    try {
      rebuildIndexes(this.#db, "cache_results", "data_version");
      return true;
    } catch (e) {
      if (classifySqliteError(e) === "full") return false;
      const detail = e instanceof Error ? e.message : String(e);
      throw new CacheError(
        `Cannot read the cache "${this.#path}": the file is damaged (${problem}, and the index cannot be rebuilt: ${detail}); ${resetAdvice(this.#path)}`,
        { cause: e },
      );
    }
  }
}
