/**
 * The ResultStore on SQLite: encoded values up to `inlineLimit` bytes as
 * blobs in `cache_results`, larger ones as blob files referenced from it.
 * Every read, inline or from a file, is checked before it is decoded: a data
 * version is the SHA-256 of exactly the bytes the codec stores, so the bytes
 * read must hash to the data version asked for. A flipped bit in the database,
 * a file deleted, truncated or altered behind the cache's back, or a damaged
 * `data_version` column is a miss with a reason, never a wrong value; bytes
 * that pass decode to the very value that was stored (the codec's exact round
 * trip, property-tested). The check costs one SHA-256 of the bytes.
 *
 * @module
 */
import { eq, isNotNull } from "drizzle-orm";
import type { Hasher } from "../../lib/ports/hasher.ts";
import type { PutReport, ResultRead, ResultStore, ResultToStore, StoredResult } from "../../lib/ports/result-store.ts";
import type { SqliteDatabase, SqliteRow } from "../../lib/ports/sqlite.ts";
import { dataVersionOfEncoding, dataVersionOfRaw, decodeRawBody, decodeValue, encodeValue, joinParts, RAW_HEADER_SIZE, rawBodyLength } from "../codec.ts";
import type { BlobFiles } from "./blob-files.ts";
import { ResultIndex } from "./result-index.ts";
import { compile, p, Prepared, qb } from "../../sqlite/queries.ts";
import { cacheResults as r } from "./schema.ts";
import { freeingWrite } from "../../sqlite/freeing-write.ts";
import { repairingWrite } from "../../sqlite/rebuild-indexes.ts";
import { cacheError, guarded } from "../../sqlite/sqlite-errors.ts";

/** What a read returns when the bytes do not hash to their data version. */
const MISMATCH = "\0mismatch";

/** Results up to this many encoded bytes live in SQLite; larger ones in files (SQLite's own measurements put the break-even near 100 KB). */
export const DEFAULT_INLINE_LIMIT = 64 * 1024;

const Q = {
  get: compile(qb.select({ size: r.size, inline: r.inline, file: r.file }).from(r).where(eq(r.dataVersion, p("dv")))),
  insert: compile(qb.insert(r).values({ dataVersion: p("dv"), size: p("size"), inline: p("inline"), file: p("file"), createdAt: p("at") }).onConflictDoNothing()),
  delete: compile(qb.delete(r).where(eq(r.dataVersion, p("dv")))),
  list: compile(qb.select({ dv: r.dataVersion, size: r.size, at: r.createdAt }).from(r)),
  files: compile(qb.select({ file: r.file }).from(r).where(isNotNull(r.file))),
};

/** The read of a result that cannot be used, and why. */
function damaged(dataVersion: string, problem: string): ResultRead {
  return { status: "damaged", reason: `The cached result ${dataVersion.slice(0, 12)} cannot be used: ${problem}; it will be recomputed` };
}

/** A value read and checked, with its encoding when the value does not share it. */
type Decoded = { readonly value: unknown; readonly bytes?: Uint8Array };

const hit = (d: Decoded): ResultRead => (d.bytes === undefined ? { status: "hit", value: d.value } : { status: "hit", value: d.value, bytes: d.bytes });

/** Options of {@link SqliteResultStore}. */
export interface SqliteResultStoreOptions {
  readonly db: SqliteDatabase;
  /** The database path, for messages. */
  readonly path: string;
  readonly blobs: BlobFiles;
  readonly hasher: Hasher;
  readonly inlineLimit?: number;
  /** Called when the connection is no longer needed by this store. */
  readonly release?: () => void;
  /** Whether the connection holds the database alone (see {@link freeingWrite}). */
  readonly exclusive?: boolean;
}

/** Results by data version in SQLite and blob files. */
export class SqliteResultStore implements ResultStore {
  readonly #o: SqliteResultStoreOptions;
  readonly #q: { [K in keyof typeof Q]: Prepared };
  readonly #limit: number;
  readonly #index: ResultIndex;

  constructor(options: SqliteResultStoreOptions) {
    this.#o = options;
    this.#limit = options.inlineLimit ?? DEFAULT_INLINE_LIMIT;
    this.#index = new ResultIndex(options.db, options.path);
    this.#q = guarded(options.path, "open", () =>
      Object.fromEntries(Object.entries(Q).map(([k, c]) => [k, new Prepared(options.db, c)])) as { [K in keyof typeof Q]: Prepared });
  }

  /**
   * The result stored under `dataVersion`, asked for because an entry points
   * to it. When it is not found, a damaged index may hide it (see
   * {@link ResultIndex.misplacedNear}): then the index is rebuilt and the read
   * made again, so the result is found, and never stored a second time.
   *
   * @throws {CacheError} when the file cannot be read, or its damaged index cannot be rebuilt
   */
  get(dataVersion: string): ResultRead {
    let row = this.#row(dataVersion);
    if (row === undefined && this.#index.misplacedNear(dataVersion) && this.#index.rebuild(`the index of results hides ${dataVersion.slice(0, 12)}`)) {
      row = this.#row(dataVersion);
    }
    return row === undefined ? { status: "missing" } : this.fromRow(dataVersion, row);
  }

  #row(dataVersion: string): SqliteRow | undefined {
    // The hot path of every warm node: positional binding, no closure.
    try {
      return this.#q.get.statement.get(dataVersion);
    } catch (error) {
      throw cacheError(this.#o.path, "read", error);
    }
  }

  /**
   * Reads the result a row of the results table describes (`inline`, `file`,
   * `size`): the decoding half of {@link get}, for callers that fetched the row
   * together with the entry pointing to it. A row that fails its check may be
   * another result's, where a damaged index on data_version sent the read:
   * then the index is rebuilt and the read made again, once. A result that
   * is damaged itself is forgotten, so the next run stores a good one.
   *
   * @throws {CacheError} when the damaged index cannot be rebuilt
   */
  fromRow(dataVersion: string, row: SqliteRow): ResultRead {
    let read = this.#decode(dataVersion, row);
    if (typeof read !== "string") return hit(read);
    if (this.#index.sendsElsewhere(dataVersion)) {
      // On a full disk the damaged index stays, and nothing is deleted through it: the other row would go, not this one.
      if (!this.#index.rebuild(`the index of results sends ${dataVersion.slice(0, 12)} to another result`)) return damaged(dataVersion, read);
      const own = this.#row(dataVersion);
      if (own === undefined) return { status: "missing" };
      read = this.#decode(dataVersion, own);
      if (typeof read !== "string") return hit(read);
    }
    try {
      this.delete([dataVersion]);
    } catch {
      // A cache that cannot be written (a full disk) keeps it: every read checks it again, the run goes on.
    }
    return damaged(dataVersion, read);
  }

  /** The value a row holds for `dataVersion` (with its bytes when the value does not share them), or why it holds none. */
  #decode(dataVersion: string, row: SqliteRow): Decoded | string {
    const file = row.file;
    const where = typeof file === "string" ? `its blob file "${this.#o.blobs.pathOf(file)}"` : "its stored bytes";
    try {
      const read = typeof file !== "string" ? this.#readInline(row.inline, dataVersion)
        // The path follows from the data version: a damaged one must not send the read (or the delete) elsewhere.
        : file !== this.#o.blobs.relativePath(dataVersion) ? `its blob file path "${file}" is damaged`
        : this.#readFile(file, Number(row.size), dataVersion);
      if (typeof read !== "string" || read !== MISMATCH) return read;
      return `${where} ${typeof file === "string" ? "does" : "do"} not hold the value ${typeof file === "string" ? "it was" : "they were"} stored with`;
    } catch (e) {
      return `${where} cannot be decoded (${e instanceof Error ? e.message : String(e)})`;
    }
  }

  /** The value of an inline result, or why there is none (a damaged row can hold any type). */
  #readInline(inline: unknown, dataVersion: string): Decoded | string {
    if (!(inline instanceof Uint8Array)) return "its stored bytes are missing";
    if (dataVersionOfEncoding(inline, this.#o.hasher) !== dataVersion) return MISMATCH;
    // Each driver returns a blob in a buffer of its own, and decoding copies what it takes from it.
    return { value: decodeValue(inline), bytes: inline };
  }

  /** The value in a blob file, or why it cannot be read. */
  #readFile(file: string, size: number, dataVersion: string): Decoded | string {
    const blobs = this.#o.blobs;
    const head = blobs.read(file, 0, RAW_HEADER_SIZE);
    if (head === undefined) return `its blob file "${blobs.pathOf(file)}" is missing`;
    const rawLength = rawBodyLength(head);
    // A raw typed array is read straight into its own buffer: no copy, no per-element work.
    const bytes = rawLength === undefined ? blobs.read(file) : blobs.read(file, RAW_HEADER_SIZE);
    const total = bytes === undefined ? 0 : bytes.byteLength + (rawLength === undefined ? 0 : RAW_HEADER_SIZE);
    if (bytes === undefined || total !== size) return `its blob file "${blobs.pathOf(file)}" has ${total} bytes, not ${size}`;
    const version = rawLength === undefined ? dataVersionOfEncoding(bytes, this.#o.hasher) : dataVersionOfRaw(head, bytes, this.#o.hasher);
    if (version !== dataVersion) return MISMATCH;
    // A raw body is the value's own buffer: not handed out, since the value shares it.
    return rawLength === undefined ? { value: decodeValue(bytes), bytes } : { value: decodeRawBody(head, bytes) };
  }

  /**
   * Whether a stored row still holds what was stored under `dataVersion`, for
   * a store that would otherwise keep it: inline bytes are hashed (64 KiB at
   * most); a blob file is checked by its path and size only, since hashing it
   * would read the whole file on every store of a value already there (a file
   * damaged in place is still caught, and replaced, by the next read).
   */
  #intact(dataVersion: string, row: SqliteRow): boolean {
    if (typeof row.file !== "string") return row.inline instanceof Uint8Array && dataVersionOfEncoding(row.inline, this.#o.hasher) === dataVersion;
    return row.file === this.#o.blobs.relativePath(dataVersion) && this.#o.blobs.size(row.file) === Number(row.size);
  }

  has(dataVersion: string): boolean {
    return guarded(this.#o.path, "read", () => this.#q.get.get({ dv: dataVersion })) !== undefined;
  }

  putMany(items: readonly ResultToStore[]): PutReport {
    const stored: string[] = [];
    const failed: { dataVersion: string; error: unknown }[] = [];
    const rows: { dv: string; size: number; inline: Uint8Array | null; file: string | null }[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const { dataVersion } = item;
      if (seen.has(dataVersion)) continue;
      seen.add(dataVersion);
      const existing = this.#row(dataVersion);
      if (existing !== undefined) {
        if (this.#intact(dataVersion, existing)) {
          stored.push(dataVersion);
          continue;
        }
        // Damage no read has met yet (the entry pointing to it was lost, say): the good value in hand replaces it.
        this.delete([dataVersion]);
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
      // Files are written before the transaction: the write lock is never held during large writes. A file
      // that cannot be written (a full disk) fails the whole batch, as the transaction would: one warning.
      rows.push(encoded.size <= this.#limit
        ? { dv: dataVersion, size: encoded.size, inline: joinParts(encoded), file: null }
        : { dv: dataVersion, size: encoded.size, inline: null, file: guarded(this.#o.path, "write", () => this.#o.blobs.write(dataVersion, encoded.parts)) });
      stored.push(dataVersion);
    }
    if (rows.length > 0) {
      const at = Date.now();
      // A damaged index page found on the way is rebuilt and the rows written again (see repairingWrite).
      repairingWrite({ db: this.#o.db, path: this.#o.path }, [["cache_results", "data_version"]], () => this.#o.db.transaction(() => {
        for (const row of rows) this.#q.insert.run({ ...row, at });
      }));
    }
    return { stored, failed };
  }

  delete(dataVersions: readonly string[]): void {
    const files: string[] = [];
    const remove = () => this.#o.db.transaction(() => {
      files.length = 0;
      for (const dv of dataVersions) {
        const row = this.#q.get.get({ dv });
        // Only the file this data version owns: a damaged row's path is never followed.
        if (typeof row?.file === "string") files.push(this.#o.blobs.relativePath(dv));
        this.#q.delete.run({ dv });
      }
    });
    // On a full disk, the files go first to make room (a reader in between finds a file missing: a miss).
    freeingWrite({ db: this.#o.db, path: this.#o.path, exclusive: this.#o.exclusive ?? false }, remove, () => {
      for (const dv of dataVersions) this.#o.blobs.remove(this.#o.blobs.relativePath(dv));
    });
    // Files go after the rows are gone, so no committed row ever points to a missing file on purpose.
    for (const f of files) this.#o.blobs.remove(f);
  }

  list(): StoredResult[] {
    return guarded(this.#o.path, "read", () => this.#q.list.all()).map((row) => ({
      dataVersion: row.data_version as string, size: Number(row.size), createdAt: Number(row.created_at),
    }));
  }

  sweep(graceMs: number): number {
    const referenced = new Set(guarded(this.#o.path, "read", () => this.#q.files.all()).map((row) => row.file as string));
    return this.#o.blobs.sweep((f) => referenced.has(f), graceMs, Date.now());
  }

  close(): void {
    this.#o.release?.();
  }
}
