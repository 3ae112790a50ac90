/**
 * `WarmSet`: the results of recent runs kept in memory by one cache (so one
 * driver), bounded by bytes, least recently used first out. A node whose key
 * did not change is then served without a SQLite read, a hash check or (for
 * primitives) a decode: what a watch loop or a notebook re-running a cell
 * pays per node.
 *
 * Never a value someone can change: objects are kept as their encoded bytes
 * (the codec's exact round trip) and decoded on every hit, so a run that sorts
 * an array it got from the cache, or a caller who mutates a result, changes
 * only its own copy. Only primitives (immutable) are kept as values.
 *
 * Beside the values, a memo per node call (its record name) of the key parts
 * it was last looked up with and the key they hash to: see {@link WarmSet.keyOf}.
 *
 * @module
 */
import type { KeyParts } from "../lib/ports/metadata-store.ts";

/** Bytes of memory the warm set of one cache may hold by default (64 MiB); `withCache({ memoryBytes })` changes it. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/** What an entry costs beyond its bytes (the Map slot, the object, the key string): an estimate, on the safe side. */
const ENTRY_OVERHEAD = 256;

/** One result held in memory. */
export interface WarmEntry {
  readonly node: string;
  readonly dataVersion: string;
  /** The encoded value (decoded on every hit), or `undefined` when {@link value} is a primitive kept as it is. */
  readonly bytes: Uint8Array | undefined;
  readonly value: unknown;
  readonly size: number;
  lastUsedAt: number;
  /** The store's generation when this entry was last known to match the store (see StoreCache.lookup). */
  generation: number;
  /** Used since it was last moved to the young end (see {@link WarmSet.get}). */
  used: boolean;
}

/** The key parts a node call was last looked up with, and the key they gave. */
interface KeyMemo {
  readonly codeVersion: string;
  readonly version: string | undefined;
  readonly inputs: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  readonly key: string;
  readonly size: number;
}

/** Whether a value is kept as it is: immutable, so no caller can change what the next hit returns. */
export function isImmutable(value: unknown): boolean {
  return value === null || (typeof value !== "object" && typeof value !== "function");
}

/**
 * Recent results by cache key, within a byte budget.
 *
 * @example
 * ```ts
 * const warm = new WarmSet(64 * 1024 * 1024);
 * warm.put(key, { node: "total", dataVersion, bytes: undefined, value: 42, lastUsedAt: Date.now() }, 0);
 * warm.get(key, 0)?.value; // 42
 * ```
 */
export class WarmSet {
  readonly limit: number;
  /** Map order is use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, WarmEntry>();
  readonly #keys = new Map<string, KeyMemo>();
  #bytes = 0;

  /** `limit` in bytes; 0 keeps nothing. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held now (estimated for the memo and per entry). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of results held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The key of `parts` when the same node call was last looked up with parts
   * that make the same key, without hashing. The key is a hash of exactly the
   * node name, `version` (or `codeVersion` when there is none), and the
   * `inputs` and `config` records (cache/cache-key.ts; previews and code parts
   * do not count): when every one of these equals what the memo saw, the hash
   * would be the same, so the memo's key is the key.
   */
  keyOf(parts: KeyParts): string | undefined {
    const m = this.#keys.get(parts.node);
    if (m === undefined || m.codeVersion !== parts.codeVersion || m.version !== parts.version) return undefined;
    return sameRecord(m.inputs, parts.inputs) && sameRecord(m.config, parts.config) ? m.key : undefined;
  }

  /** Remembers the key of `parts` (see {@link keyOf}). */
  rememberKey(parts: KeyParts, key: string): void {
    if (this.limit === 0) return;
    const old = this.#keys.get(parts.node);
    if (old !== undefined) {
      this.#keys.delete(parts.node);
      this.#bytes -= old.size;
    }
    let size = ENTRY_OVERHEAD + 2 * (parts.node.length + parts.codeVersion.length + key.length + (parts.version?.length ?? 0));
    for (const k in parts.inputs) size += 2 * (k.length + parts.inputs[k]!.length) + 32;
    for (const k in parts.config) size += 2 * (k.length + parts.config[k]!.length) + 32;
    const m: KeyMemo = { codeVersion: parts.codeVersion, version: parts.version, inputs: parts.inputs, config: parts.config, key, size };
    this.#keys.set(parts.node, m);
    this.#bytes += size;
    this.#evict();
  }

  /** The entry under `key`, leaving the order of use as it is. */
  peek(key: string): WarmEntry | undefined {
    return this.#entries.get(key);
  }

  /**
   * The entry under `key`, marked as used: eviction gives a used entry a
   * second chance (moved to the young end, its mark cleared) before it drops
   * an unused one, the CLOCK approximation of least recently used. Moving the
   * entry on every hit instead (a Map delete and set) cost a tenth of a hit.
   */
  get(key: string): WarmEntry | undefined {
    const e = this.#entries.get(key);
    if (e !== undefined) e.used = true;
    return e;
  }

  /**
   * Keeps a result under `key`, replacing what was there (a "recompute" stores
   * a new value under the same key). A result larger than an eighth of the
   * budget is not kept: it would push out everything else.
   */
  put(key: string, entry: Omit<WarmEntry, "size" | "generation" | "used">, generation: number): void {
    this.delete(key);
    const size = ENTRY_OVERHEAD + 2 * (key.length + entry.node.length) + (entry.bytes?.byteLength ?? (typeof entry.value === "string" ? 2 * entry.value.length : 8));
    if (size > this.limit / 8) return;
    this.#entries.set(key, { ...entry, size, generation, used: false });
    this.#bytes += size;
    this.#evict();
  }

  /** Forgets the result under `key`. */
  delete(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= old.size;
  }

  /** Forgets everything (after `clear`, `gc`, or a write this cache cannot follow). */
  clear(): void {
    this.#entries.clear();
    this.#keys.clear();
    this.#bytes = 0;
  }

  /** Drops least recently used results, then the oldest key memos, until the budget holds. */
  #evict(): void {
    if (this.#bytes <= this.limit) return;
    // Each entry is met at most twice: once used (moved, mark cleared), then unused.
    for (const [key, e] of this.#entries) {
      if (this.#bytes <= this.limit) return;
      this.#entries.delete(key);
      if (e.used) {
        e.used = false;
        this.#entries.set(key, e);
      } else this.#bytes -= e.size;
    }
    for (const [node, m] of this.#keys) {
      if (this.#bytes <= this.limit) return;
      this.#keys.delete(node);
      this.#bytes -= m.size;
    }
  }
}

/** Whether two records of strings have the same entries (order does not count: the key sorts them). */
function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  // Records of data versions, made with setOwn: every value a string, own and enumerable. A name `b` lacks reads
  // what Object.prototype has there (a function, or the prototype for "__proto__"), never a string: no hasOwn needed.
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
