/**
 * The ResultStore port: content-addressed values, stored once per data
 * version. Implementations: memory (cache/memory/) and SQLite with blob files
 * (cache/sqlite/).
 *
 * @module
 */

/** What {@link ResultStore.get} found. */
export type ResultRead =
  | {
    readonly status: "hit";
    readonly value: unknown;
    /**
     * The checked encoding the value was decoded from, when the store read it
     * in one buffer the value does not share: the cache keeps it in its warm
     * set and decodes it again on each later hit (cache/warm-set.ts).
     */
    readonly bytes?: Uint8Array;
  }
  | { readonly status: "missing" }
  /** Stored but unreadable (a blob file deleted or corrupted): a miss, and the entry is dropped. */
  | { readonly status: "damaged"; readonly reason: string };

/** One stored result, as listed for garbage collection. */
export interface StoredResult {
  readonly dataVersion: string;
  /** Bytes the encoded value takes. */
  readonly size: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** A value to store under its data version, with its encoding when the caller made it already. */
export interface ResultToStore {
  readonly dataVersion: string;
  readonly value: unknown;
  /** The value's encoding in parts, as the cache's codec made it. */
  readonly encoded?: { readonly parts: readonly Uint8Array[]; readonly size: number };
}

/** What {@link ResultStore.putMany} did. */
export interface PutReport {
  /** Data versions now stored (new or already there). */
  readonly stored: readonly string[];
  /** Values that could not be encoded; nothing was stored for them. */
  readonly failed: readonly { readonly dataVersion: string; readonly error: unknown }[];
}

/**
 * Values by data version. Synchronous, like the SQLite drivers under it.
 * A value must be one that `fingerprint()` accepts; its data version is the
 * fingerprint, which is also how a store checks what it reads back.
 *
 * @example
 * ```ts
 * results.putMany([{ dataVersion, value }]);
 * const read = results.get(dataVersion);
 * if (read.status === "hit") use(read.value);
 * ```
 */
export interface ResultStore {
  get(dataVersion: string): ResultRead;
  has(dataVersion: string): boolean;
  /**
   * Stores values not stored yet, in one transaction. An item may carry its
   * encoding (the bytes its data version hashes), so the value is not encoded again.
   */
  putMany(items: readonly ResultToStore[]): PutReport;
  /** Removes results (and their files). */
  delete(dataVersions: readonly string[]): void;
  list(): StoredResult[];
  /** Removes stray files no result points to, older than `graceMs` (younger ones may belong to a writer in flight). */
  sweep(graceMs: number): number;
  close(): void;
}
