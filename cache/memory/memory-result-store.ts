/**
 * The ResultStore in memory, for tests and `withCache({ memory: true })`.
 * Values are kept encoded, as the SQLite store keeps them: a later mutation
 * of a returned or stored object cannot change what the cache holds.
 *
 * @module
 */
import type { PutReport, ResultRead, ResultStore, ResultToStore, StoredResult } from "../../lib/ports/result-store.ts";
import { decodeValue, encodeValue, joinParts } from "../codec.ts";

/**
 * Results by data version in a Map.
 *
 * @example
 * ```ts
 * const results = new MemoryResultStore();
 * results.putMany([{ dataVersion, value: [1, 2] }]);
 * results.get(dataVersion); // { status: "hit", value: [1, 2] }
 * ```
 */
export class MemoryResultStore implements ResultStore {
  readonly #values = new Map<string, { bytes: Uint8Array; createdAt: number }>();

  get(dataVersion: string): ResultRead {
    const stored = this.#values.get(dataVersion);
    if (stored === undefined) return { status: "missing" };
    // Its own bytes, shared read-only: neither this store nor the warm set that keeps them ever writes to them.
    return { status: "hit", value: decodeValue(stored.bytes), bytes: stored.bytes };
  }

  has(dataVersion: string): boolean {
    return this.#values.has(dataVersion);
  }

  putMany(items: readonly ResultToStore[]): PutReport {
    const stored: string[] = [];
    const failed: { dataVersion: string; error: unknown }[] = [];
    const at = Date.now();
    const seen = new Set<string>();
    for (const { dataVersion, value, encoded } of items) {
      if (seen.has(dataVersion)) continue;
      seen.add(dataVersion);
      if (!this.#values.has(dataVersion)) {
        try {
          // A copy of our own: a one-part encoding may be a view of the caller's buffer.
          this.#values.set(dataVersion, { bytes: Uint8Array.prototype.slice.call(joinParts(encoded ?? encodeValue(value))), createdAt: at });
        } catch (error) {
          failed.push({ dataVersion, error });
          continue;
        }
      }
      stored.push(dataVersion);
    }
    return { stored, failed };
  }

  delete(dataVersions: readonly string[]): void {
    for (const dv of dataVersions) this.#values.delete(dv);
  }

  list(): StoredResult[] {
    return [...this.#values].map(([dataVersion, v]) => ({ dataVersion, size: v.bytes.byteLength, createdAt: v.createdAt }));
  }

  /** Nothing to sweep: memory has no files. */
  sweep(_graceMs: number): number {
    return 0;
  }

  close(): void {
    this.#values.clear();
  }
}
