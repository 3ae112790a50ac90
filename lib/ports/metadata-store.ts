/**
 * The MetadataStore port: cache keys to data versions, with every part of each
 * key kept so a miss can be explained, plus what each run did per node.
 * Implementations: memory (cache/memory/) and SQLite (cache/sqlite/).
 *
 * @module
 */

/**
 * One component of a code version: the node's own declaration, or a binding its
 * code reaches (a helper, a constant, a function of another module, a package).
 */
export interface CodePart {
  /** Stable across machines: `<file relative to the node's module>#<binding>`, or `package:<name>`. */
  readonly id: string;
  readonly kind: "code" | "helper" | "function" | "class" | "constant" | "variable" | "enum" | "namespace" | "package" | "module";
  readonly name: string;
  /** The binding's module relative to the node's (`./other.ts`), when it is another file. */
  readonly file?: string;
  /** `flow.ts:42`: where the binding is declared. */
  readonly where?: string;
  /** Hash of its normalised syntax tree, or a package's version. */
  readonly version: string;
}

/** Everything a node's cache key is made of. */
export interface KeyParts {
  readonly node: string;
  /** Hash of the node's declaration and of every binding it reaches (see {@link CodePart}). */
  readonly codeVersion: string;
  /** What `codeVersion` is made of, for explanations: not part of the key. */
  readonly codeParts?: readonly CodePart[];
  /** The node's manual version, `node(fn, { version })`; when set it replaces `codeVersion` in the key. */
  readonly version?: string;
  /** Data versions of the values the node received, by parameter name (defaults included). */
  readonly inputs: Readonly<Record<string, string>>;
  /** Data versions of the config values the node reads, by name. */
  readonly config: Readonly<Record<string, string>>;
  /** Short readable forms of small input and config values, by name: for explanations, not part of the key. */
  readonly previews?: Readonly<Record<string, string>>;
}

/** One stored analysis of a module file (see {@link MetadataStore.saveCodeAnalyses}). */
export interface CodeAnalysisRow {
  readonly contentHash: string;
  readonly analysis: string;
  readonly digest: string;
}

/** One cached computation: a key, its parts, and the data version of the result. */
export interface CacheEntry extends KeyParts {
  readonly key: string;
  readonly dataVersion: string;
  /** The run that computed it. */
  readonly runId: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last run that computed or reused it (garbage collection goes by it). */
  readonly lastUsedAt: number;
}

/** What happened to one node in one run. */
export interface CacheRecord {
  readonly runId: string;
  readonly node: string;
  readonly status: "hit" | "miss" | "uncacheable";
  readonly key?: string;
  /** The data version of the node's result, when it has one. */
  readonly dataVersion?: string;
  /** Why it missed, or why it could not be cached. */
  readonly reason?: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** What {@link MetadataStore.lookup} finds under a key. */
export interface StoredKey {
  readonly dataVersion: string;
  /** Epoch milliseconds. */
  readonly lastUsedAt: number;
}

/** Writes of one flush of a run, applied in one transaction. */
export interface MetadataBatch {
  /** New entries; an entry whose key exists replaces it. */
  readonly entries: readonly CacheEntry[];
  /** Keys that were hits: their `lastUsedAt` becomes `at`. */
  readonly used: readonly string[];
  readonly runs: readonly CacheRecord[];
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * Cache metadata. All methods are synchronous: a lookup sits on the path of
 * every node call.
 *
 * @example
 * ```ts
 * const found = store.lookup(key);                 // { dataVersion, lastUsedAt } on a hit
 * store.write({ entries: [entry], used: [], runs: [record], at: Date.now() });
 * store.latest("cleaned");                          // what the last run of "cleaned" used
 * ```
 */
export interface MetadataStore {
  /**
   * Starts a batch of lookups, when the store batches them (SQLite: one read
   * transaction, ended on the next microtask or before the next write), and
   * returns a generation: a number that changes when someone other than this
   * store may have written since the last batch (SQLite: another connection
   * committed, by `PRAGMA data_version`). A store only this object writes (memory) leaves it out.
   */
  beginReads?(): number;
  /** The data version stored under `key` and when it was last used, or `undefined` (a miss). */
  lookup(key: string): StoredKey | undefined;
  /** The entry stored under `key`, with all its parts. */
  get(key: string): CacheEntry | undefined;
  /** The most recently used entry of `node`: what a miss is explained against. */
  latest(node: string): CacheEntry | undefined;
  /** Applies a batch atomically. */
  write(batch: MetadataBatch): void;
  /** What the run did, one record per node. */
  runRecords(runId: string): CacheRecord[];
  /** The id of the most recent run that wrote records. */
  lastRunId(): string | undefined;
  /** Removes the entries of `nodes` (all entries when omitted) and returns how many went. */
  clear(nodes?: readonly string[]): number;
  /** Last use (epoch ms) of each data version that some entry points to: what keeps a result alive. */
  usage(): ReadonlyMap<string, number>;
  /** Removes the entries that point to these data versions; returns how many went. */
  forget(dataVersions: readonly string[]): number;
  /**
   * A stored analysis of a module file by its content hash, with the digest
   * written beside it (the caller verifies it), when the store keeps them.
   */
  codeAnalysis?(contentHash: string): { readonly analysis: string; readonly digest: string } | undefined;
  /** Keeps analyses of module files (content hash, analysis JSON, its digest); drops ones older than `pruneBefore` (epoch ms). */
  saveCodeAnalyses?(rows: readonly CodeAnalysisRow[], at: number, pruneBefore: number): void;
  /** Runs `fn` in one read transaction (one snapshot of the store), when the store has them. */
  read?<T>(fn: () => T): T;
  close(): void;
}
