/**
 * The ResultStore of the team store: encoded values up to `inlineLimit` bytes
 * in PostgreSQL (`cache_results.inline`), larger ones as content-addressed
 * files in a directory every machine mounts (`<dir>/<2 hex>/<data version>`,
 * written under a temporary name and renamed, as the SQLite store's blob
 * files are). Without a directory every result lives in PostgreSQL.
 * Every read is checked before it is decoded, as cache/sqlite/sqlite-result-store.ts
 * does: the bytes must hash to the data version asked for, or the read is
 * "damaged" (a miss with a reason) and the result is dropped.
 *
 * Several machines may store one data version at once: the file is renamed
 * into place whole (any writer's bytes are the same bytes) and the row is
 * inserted with ON CONFLICT DO NOTHING.
 *
 * @module
 */
import { eq, isNotNull } from "drizzle-orm";
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { PostgresConnection, PostgresRow, PostgresStatement } from "../../lib/ports/postgres.ts";
import type { PutReport, ResultRead, ResultStore, ResultToStore, StoredResult } from "../../lib/ports/result-store.ts";
import { CacheError } from "../../lib/errors.ts";
import { dataVersionOfEncoding, dataVersionOfRaw, decodeRawBody, decodeValue, encodeValue, joinParts, RAW_HEADER_SIZE, rawBodyLength } from "../codec.ts";
import type { BlobFiles } from "../sqlite/blob-files.ts";
import { compile, p, qb, retrying } from "../../postgres/queries.ts";
import { cacheResults as r } from "../../postgres/schema.ts";

/** Results up to this many encoded bytes live in PostgreSQL when there is a shared directory for the others. */
export const DEFAULT_POSTGRES_INLINE_LIMIT = 256 * 1024;

const Q = {
  get: compile(qb.select({ size: r.size, inline: r.inline, file: r.file }).from(r).where(eq(r.dataVersion, p("dv")))),
  has: compile(qb.select({ dv: r.dataVersion }).from(r).where(eq(r.dataVersion, p("dv")))),
  list: compile(qb.select({ dv: r.dataVersion, size: r.size, at: r.createdAt }).from(r)),
  files: compile(qb.select({ file: r.file }).from(r).where(isNotNull(r.file))),
};
/** Rows per INSERT: a batch of results is a few statements, not one per result (each a round trip to the server). */
const ROWS_PER_INSERT = 32;
const inserts = new Map<number, string>();
/** The INSERT of `n` results (five parameters each), made once per `n`: at most {@link ROWS_PER_INSERT} prepared statements. */
function insertOf(n: number): string {
  let text = inserts.get(n);
  if (text === undefined) {
    const rows = Array.from({ length: n }, (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`);
    text = `INSERT INTO "cache_results" ("data_version", "size", "inline", "file", "created_at") VALUES ${rows.join(", ")} ON CONFLICT ("data_version") DO NOTHING`;
    inserts.set(n, text);
  }
  return text;
}

/** What a read returns when the bytes do not hash to their data version. */
const MISMATCH = "\0mismatch";

function damaged(dataVersion: string, problem: string): ResultRead {
  return { status: "damaged", reason: `The cached result ${dataVersion.slice(0, 12)} cannot be used: ${problem}; it will be recomputed` };
}

type Decoded = { readonly value: unknown; readonly bytes?: Uint8Array };

/** Why this machine cannot see a result's file (no directory, a share not mounted): a miss, not damage. */
class Unseen {
  constructor(readonly reason: string) {}
}
const hit = (d: Decoded): ResultRead => (d.bytes === undefined ? { status: "hit", value: d.value } : { status: "hit", value: d.value, bytes: d.bytes });

/** Options of {@link PostgresResultStore}. */
export interface PostgresResultStoreOptions {
  readonly db: PostgresConnection;
  readonly hasher: Hasher;
  /** The shared directory's files; without it every result is kept in PostgreSQL. */
  readonly files?: BlobFiles;
  /** Results up to this many encoded bytes go to PostgreSQL, larger ones to `files` (default 256 KiB). */
  readonly inlineLimit?: number;
  /** Where a result this machine cannot see (its file missing here) is reported. */
  readonly warn?: (message: string) => void;
  readonly release?: () => void;
}

/** Results by data version in PostgreSQL and a shared directory. */
export class PostgresResultStore implements ResultStore {
  readonly #o: PostgresResultStoreOptions;
  readonly #limit: number;

  constructor(options: PostgresResultStoreOptions) {
    this.#o = options;
    this.#limit = options.files === undefined ? Infinity : options.inlineLimit ?? DEFAULT_POSTGRES_INLINE_LIMIT;
  }

  get(dataVersion: string): ResultRead {
    const row = this.#o.db.query(Q.get.sql, [dataVersion]).rows[0];
    return row === undefined ? { status: "missing" } : this.fromRow(dataVersion, row);
  }

  /**
   * Reads the result a row of `cache_results` describes (for callers that fetched it with the entry). A result
   * whose bytes were read and are wrong is dropped; one whose file this machine cannot see (no directory, a
   * share not mounted) is only a miss here: other machines may see it, and the next store of the value
   * replaces the row anyway.
   */
  fromRow(dataVersion: string, row: PostgresRow): ResultRead {
    const read = this.#decode(dataVersion, row);
    if (read instanceof Unseen) {
      // "missing", not "damaged": the cache would drop the entries that other machines still use.
      this.#o.warn?.(`The cached result ${dataVersion.slice(0, 12)} cannot be read on this machine: ${read.reason}; it will be recomputed here`);
      return { status: "missing" };
    }
    if (typeof read !== "string") return hit(read);
    try {
      this.delete([dataVersion]);
    } catch {
      // Dropping it is a courtesy to the next run; the miss stands either way.
    }
    return damaged(dataVersion, read);
  }

  #decode(dataVersion: string, row: PostgresRow): Decoded | Unseen | string {
    const file = row.file;
    const files = this.#o.files;
    if (typeof file === "string" && files === undefined) {
      return new Unseen(`it is a file of a shared directory ("${file}"), and this store was opened without one; pass postgres(url, { directory })`);
    }
    const where = typeof file === "string" ? `its file "${files!.pathOf(file)}"` : "its stored bytes";
    try {
      const read = typeof file !== "string" ? this.#readInline(row.inline, dataVersion)
        : file !== files!.relativePath(dataVersion) ? `its file path "${file}" is damaged`
        : this.#readFile(files!, file, Number(row.size), dataVersion);
      if (read !== MISMATCH) return read;

      return `${where} ${typeof file === "string" ? "does" : "do"} not hold the value ${typeof file === "string" ? "it was" : "they were"} stored with`;
    } catch (e) {
      return `${where} cannot be decoded (${e instanceof Error ? e.message : String(e)})`;
    }
  }

  #readInline(inline: unknown, dataVersion: string): Decoded | string {
    if (!(inline instanceof Uint8Array)) return "its stored bytes are missing";
    if (dataVersionOfEncoding(inline, this.#o.hasher) !== dataVersion) return MISMATCH;
    return { value: decodeValue(inline), bytes: inline };
  }

  #readFile(files: BlobFiles, file: string, size: number, dataVersion: string): Decoded | Unseen | string {
    const head = files.read(file, 0, RAW_HEADER_SIZE);
    if (head === undefined) return new Unseen(`its file "${files.pathOf(file)}" is missing (is the shared directory mounted here?)`);
    const rawLength = rawBodyLength(head);
    const bytes = rawLength === undefined ? files.read(file) : files.read(file, RAW_HEADER_SIZE);
    const total = bytes === undefined ? 0 : bytes.byteLength + (rawLength === undefined ? 0 : RAW_HEADER_SIZE);
    if (bytes === undefined || total !== size) return `its file "${files.pathOf(file)}" has ${total} bytes, not ${size}`;
    const version = rawLength === undefined ? dataVersionOfEncoding(bytes, this.#o.hasher) : dataVersionOfRaw(head, bytes, this.#o.hasher);
    if (version !== dataVersion) return MISMATCH;
    return rawLength === undefined ? { value: decodeValue(bytes), bytes } : { value: decodeRawBody(head, bytes) };
  }

  has(dataVersion: string): boolean {
    return this.#o.db.query(Q.has.sql, [dataVersion]).rows.length > 0;
  }

  putMany(items: readonly ResultToStore[]): PutReport {
    const stored: string[] = [];
    const failed: { dataVersion: string; error: unknown }[] = [];
    const unique = [...new Map(items.map((x) => [x.dataVersion, x])).values()];
    if (unique.length === 0) return { stored, failed };
    // One round trip for what is there already; a row that is there but damaged is replaced.
    const existing = new Map(this.#o.db.query(`SELECT "data_version", "size", "inline", "file" FROM "cache_results" WHERE "data_version" = ANY($1)`, [unique.map((x) => x.dataVersion)])
      .rows.map((row) => [row.data_version as string, row]));
    const rows: [string, number, Uint8Array | null, string | null][] = [];
    const replaced: string[] = [];
    for (const item of unique) {
      const { dataVersion } = item;
      const row = existing.get(dataVersion);
      if (row !== undefined) {
        if (this.#intact(dataVersion, row)) {
          stored.push(dataVersion);
          continue;
        }
        replaced.push(dataVersion);
      }
      let encoded = item.encoded;
      if (encoded === undefined) {
        try {
          encoded = encodeValue(item.value);
        } catch (error) {
          failed.push({ dataVersion, error });
          continue;
        }
      }
      if (encoded.size <= this.#limit) rows.push([dataVersion, encoded.size, joinParts(encoded), null]);
      else rows.push([dataVersion, encoded.size, null, this.#writeFile(dataVersion, encoded.parts)]);
      stored.push(dataVersion);
    }
    if (rows.length > 0 || replaced.length > 0) {
      const at = Date.now();
      const statements: PostgresStatement[] = replaced.length === 0 ? [] : [{ sql: `DELETE FROM "cache_results" WHERE "data_version" = ANY($1)`, params: [replaced] }];
      // In one order in every process: two writers of the same results then wait for each other, never deadlock.
      rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        statements.push({ sql: insertOf(chunk.length), params: chunk.flatMap(([dv, size, inline, file]) => [dv, size, inline, file, at]) });
      }
      retrying(() => this.#o.db.batch(statements));
    }
    return { stored, failed };
  }

  #writeFile(dataVersion: string, parts: readonly Uint8Array[]): string {
    try {
      return this.#o.files!.write(dataVersion, parts);
    } catch (e) {
      throw new CacheError(`Cannot write the result ${dataVersion.slice(0, 12)} to the shared directory "${this.#o.files!.dir}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  /** Whether a stored row still holds `dataVersion`: inline bytes are hashed; a file is checked by path and size (a read checks the rest). */
  #intact(dataVersion: string, row: PostgresRow): boolean {
    const files = this.#o.files;
    if (typeof row.file !== "string") return row.inline instanceof Uint8Array && dataVersionOfEncoding(row.inline, this.#o.hasher) === dataVersion;
    return files !== undefined && row.file === files.relativePath(dataVersion) && files.size(row.file) === Number(row.size);
  }

  delete(dataVersions: readonly string[]): void {
    if (dataVersions.length === 0) return;
    const [gone] = retrying(() => this.#o.db.batch([
      { sql: `DELETE FROM "cache_results" WHERE "data_version" = ANY($1) RETURNING "file"`, params: [[...dataVersions]] },
    ]));
    const files = this.#o.files;
    if (files === undefined) return;
    for (const row of gone!.rows) if (typeof row.file === "string") files.remove(row.file);
  }

  list(): StoredResult[] {
    return this.#o.db.query(Q.list.sql).rows.map((row) => ({ dataVersion: row.data_version as string, size: Number(row.size), createdAt: Number(row.created_at) }));
  }

  sweep(graceMs: number): number {
    const files = this.#o.files;
    if (files === undefined) return 0;
    const referenced = new Set(this.#o.db.query(Q.files.sql).rows.map((row) => row.file as string));
    return files.sweep((f) => referenced.has(f), graceMs, Date.now());
  }

  close(): void {
    this.#o.release?.();
  }
}
