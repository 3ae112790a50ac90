/**
 * The Cache port: what the engine and `driver.cache` call, implemented by
 * `StoreCache` in cache/. Before calling a node the engine looks it up by its
 * key parts; after a miss it hands the result to the run, which stores
 * results in batches (flushed soon after they arrive, and at the end).
 *
 * @module
 */
import type { Fingerprint } from "./fingerprint.ts";
import type { CacheEntry, CacheRecord, CodePart, KeyParts } from "./metadata-store.ts";

/** The stand-in data version of a parameter left to a default that is not a literal (a literal default counts as its value). */
export const DEFAULT_INPUT = "default";

/** What a lookup found. */
export type NodeLookup =
  | {
    readonly hit: true;
    readonly key: string;
    readonly dataVersion: string;
    readonly value: unknown;
    /** When the entry was last used (epoch ms): a run touches it again only when that is over an hour ago. */
    readonly lastUsedAt: number;
  }
  | { readonly hit: false; readonly key: string; /** Why it missed, such as `code of "cleaned" changed`. */ readonly reason: string };

/** What {@link Cache.probe} found: whether a lookup would hit, without reading the result. */
export type NodeProbe =
  | { readonly hit: true; readonly key: string; readonly dataVersion: string }
  | { readonly hit: false; readonly key: string; /** Why it would miss, in the words of a lookup. */ readonly reason: string };

/** Where a module's source is: what code versions are read from. */
export interface ModuleFile {
  /** The module's exports (a namespace object, or a plain object of functions). */
  readonly exports: object;
  /** Its file URL, when the caller gave it (`withModules({ name, exports, url: import.meta.url })`). */
  readonly url?: string;
  /** The file that called `withModules`: its imports are searched for the module. */
  readonly callerUrl?: string;
}

/** One node whose code version is wanted. */
export interface CodeLocation {
  readonly node: string;
  /** The export that defines the node: its declaration is what is hashed. */
  readonly exportName: string;
  /** The user's function (hashed by its text when the module file is unknown). */
  readonly source: Function;
  /** The URL `node()` recorded at its call site, if any. */
  readonly moduleUrl?: string;
  readonly module: ModuleFile;
}

/** A node's code version, or why it has none. */
export type NodeCodeVersion =
  | {
    readonly ok: true;
    readonly codeVersion: string;
    readonly parts?: readonly CodePart[];
    /** Why a change may go unseen ("not fully tracked"), when it may. */
    readonly untracked?: string;
    /** The module file it was read from (`file:` URL), when it was read from one. */
    readonly file?: string;
  }
  | { readonly ok: false; readonly reason: string };

/** Why a node hit, missed or was not cached in a run. */
export interface CacheExplanation {
  readonly node: string;
  readonly runId: string | undefined;
  readonly status: "hit" | "miss" | "uncacheable" | "not-run";
  readonly dataVersion?: string;
  /** A sentence for people, such as `miss: input "path" changed from "a.csv" (3f2a91bc) to "b.csv" (77aa01de)`. */
  readonly message: string;
}

/** Options of {@link Cache.gc}. */
export interface GcOptions {
  /** Keep at most this many bytes of results, dropping the least recently used first. */
  readonly maxBytes?: number;
  /** Drop results no run has used for this long (ms). */
  readonly maxAgeMs?: number;
  /** Leave unreferenced results and stray files younger than this alone: a writer may be about to commit them (ms, default 10 minutes). */
  readonly graceMs?: number;
}

/** What {@link Cache.gc} removed. */
export interface GcReport {
  readonly results: number;
  readonly entries: number;
  readonly bytes: number;
  readonly files: number;
}

/** One run's view of the cache: records hits, takes results to store, writes in batches. */
export interface CacheRun {
  readonly runId: string;
  /** Records a hit. */
  hit(node: string, lookup: NodeLookup & { hit: true }): void;
  /**
   * Takes a computed result to store; returns its data version, or `undefined`
   * (with one warning naming the node) when it cannot be fingerprinted, which
   * makes the node's dependents uncacheable for this run.
   */
  miss(parts: KeyParts, lookup: NodeLookup & { hit: false }, value: unknown): string | undefined;
  /** Records a node that was not cached (an input without a data version, behaviour "disable", …). */
  uncacheable(node: string, reason: string, options?: { warn?: boolean }): void;
  /** Writes what is pending now. Never throws: a failed write is one warning. */
  flush(): void;
  /** Writes what is pending and ends the run's batching. */
  finish(): void;
}

/**
 * The cache as the engine and `driver.cache` see it.
 *
 * @example
 * ```ts
 * const run = cache.beginRun(runId);
 * const found = cache.lookup(parts);
 * const value = found.hit ? found.value : compute();
 * if (found.hit) run.hit(parts.node, found); else run.miss(parts, found, value);
 * run.finish();
 * cache.explain("cleaned").message; // 'miss: code of "cleaned" changed'
 * ```
 */
export interface Cache {
  /** The data version of a value (an input, a config value, a result), or why it has none. */
  fingerprint(value: unknown): Fingerprint;
  /**
   * The code versions of nodes, read from their module files, in order: called
   * once per build (the lookup path is synchronous). Warns once per reason for
   * nodes that are not fully tracked.
   */
  codeVersions(locations: readonly CodeLocation[]): Promise<readonly NodeCodeVersion[]>;
  /**
   * Looks a node call up by its key parts. Synchronous: it sits in front of
   * every node call. A cache may answer from memory (the results of its recent
   * runs), but never with an object another caller holds: each hit is its own
   * copy, or an immutable value.
   */
  lookup(parts: KeyParts): NodeLookup;
  /**
   * Whether `lookup(parts)` would hit (the entry and its result are stored),
   * reading neither the result nor writing anything: what `driver.plan()` asks.
   * A result damaged on disk probes as a hit and reads as a miss.
   */
  probe(parts: KeyParts): NodeProbe;
  /**
   * Stores `value` under its data version outside any run's entries (the
   * distributed executor passes large values so, by data version) and returns
   * its fingerprint; nothing is stored when it has none. A value no entry
   * points to is removed by {@link Cache.gc} once older than its grace period.
   */
  putResult(value: unknown): Fingerprint;
  /** A stored result by data version (decoded and verified), or `undefined` when it is not readable. */
  result(dataVersion: string): { readonly value: unknown } | undefined;
  /** What a run did per node call: its records (key, data version, reason), as `explain` reads them. */
  runRecords(runId: string): readonly CacheRecord[];
  /** The entry stored under a key, with every part of it. */
  entry(key: string): CacheEntry | undefined;
  /** What differs from `before` to `after` (key parts of one node), in the words of a miss: `code of "report" changed (flow.ts:21)`. */
  explainChange(before: KeyParts, after: KeyParts): string;
  /** Runs `fn` with its reads in one read transaction, when the store has transactions: one snapshot for a whole plan. */
  reading<T>(fn: () => T): T;
  beginRun(runId: string): CacheRun;
  explain(node: string, runId?: string): CacheExplanation;
  /** Data versions of the nodes of a run (the last run by default), by node name. */
  dataVersions(runId?: string): Record<string, string>;
  lastRunId(): string | undefined;
  /** Forgets the cached results of `nodes`, or of every node. */
  clear(nodes?: readonly string[]): void;
  gc(options?: GcOptions): GcReport;
  close(): void;
}
