/**
 * What the SQLite and PostgreSQL metadata stores write and read alike: cache
 * entries from their rows, a run's records from its batches, and hit lists.
 *
 * A warm run repeats the hits of the run before it (same nodes, keys and data
 * versions): written out, they cost about 1.5 µs a node. So a store writes
 * the hits once, as a row of their own (a hit list, run id `hits:<uuid>`),
 * and a run whose hits are exactly that list's refers to it:
 * `{ "hits": id, "records": [the other records] }`, its hits read back with
 * the row's time. Each store decides how it writes rows; the lists it knows,
 * their comparison and their reading back are here, once.
 *
 * @module
 */
import type { CacheEntry, CacheRecord } from "../lib/ports/metadata-store.ts";

/** Run ids of hit lists start with this: they are not runs. */
export const HIT_LIST_PREFIX = "hits:";
/** Hits of a run below this many are written out: a list of their own would save less than it costs. */
export const HIT_LIST_MIN = 16;
/** Nodes of the hit lists a store keeps in memory to compare runs with (about 100 bytes each). */
const HIT_LISTS_KEPT = 20_000;
/** Hit lists kept parsed for reading (explain asks about one run at a time; lists never change once written). */
const READ_LISTS_KEPT = 8;

/** A hit list a store wrote, by node: what a later run's hits are compared with. */
export interface HitList {
  readonly id: string;
  readonly byNode: ReadonlyMap<string, { readonly key: string; readonly dataVersion: string; seen: number }>;
}

/** A hit that a hit list can hold (it has its key and data version). */
export const isListedHit = (r: CacheRecord): boolean => r.status === "hit" && r.key !== undefined && r.dataVersion !== undefined;

/** Stamps of {@link HitLists.find} comparisons: a list entry met twice in one comparison carries its stamp. */
let comparisons = 0;

/** The hit lists one store knows: those it wrote or referred to lately, and those it read back. */
export class HitLists {
  #lists: HitList[] = [];
  readonly #read = new Map<string, [string, string, string][]>();

  /** A known list with exactly these hits (the same nodes, each with the same key and data version). */
  find(hits: readonly CacheRecord[]): HitList | undefined {
    return this.#lists.find((l) => sameHits(l, hits));
  }

  /** A new list of `hits` and the JSON of its row, or `undefined` when a node is there twice (the later record wins on reading, which a list cannot say). */
  create(hits: readonly CacheRecord[]): { readonly list: HitList; readonly records: string } | undefined {
    const byNode = new Map(hits.map((h) => [h.node, { key: h.key!, dataVersion: h.dataVersion!, seen: 0 }]));
    if (byNode.size !== hits.length) return undefined;
    return { list: { id: `${HIT_LIST_PREFIX}${crypto.randomUUID()}`, byNode }, records: JSON.stringify(hits.map((h) => [h.node, h.key, h.dataVersion])) };
  }

  /**
   * Keeps a list written (or referred to) as the most recent one. A run of more nodes than a batch holds (see
   * StoreCacheRun's maxPending) writes a list per batch: several are kept, within {@link HIT_LISTS_KEPT} nodes.
   */
  remember(list: HitList): void {
    let held = 0;
    this.#lists = [list, ...this.#lists.filter((l) => l !== list)].filter((l) => (held += l.byNode.size) <= HIT_LISTS_KEPT || l === list);
  }

  /** Forgets a list whose row is gone (a `weft history prune` removes lists no run refers to). */
  forget(list: HitList): void {
    this.#lists = this.#lists.filter((l) => l !== list);
  }

  /**
   * The hits of list `id` as records of `runId` at `at`, or `undefined` when the list is gone or damaged;
   * `row` reads the list's `records` column when it is not parsed yet.
   */
  hitsOf(id: string, runId: string, at: number, row: () => unknown): CacheRecord[] | undefined {
    let entries = this.#read.get(id);
    if (entries === undefined) {
      const parsed = parseJson(row());
      if (!Array.isArray(parsed)) return undefined;
      entries = parsed.filter((e): e is [string, string, string] => Array.isArray(e) && e.length === 3 && e.every((x) => typeof x === "string"));
      if (this.#read.size >= READ_LISTS_KEPT) this.#read.delete(this.#read.keys().next().value!);
      this.#read.set(id, entries);
    }
    return entries.map(([node, key, dataVersion]) => ({ runId, node, status: "hit", key, dataVersion, at }));
  }

  /**
   * What a run did, one record per node, from its batches' rows in order (a later record of a node wins). A row
   * damaged on disk tells nothing: skipped, as if its batch had not been written. `listRow` reads a list's column.
   */
  runRecords(runId: string, rows: Iterable<{ readonly records?: unknown; readonly at?: unknown }>, listRow: (id: string) => unknown): CacheRecord[] {
    const byNode = new Map<string, CacheRecord>();
    for (const row of rows) {
      let records = parseJson(row.records);
      if (isObject(records) && typeof records.hits === "string" && Array.isArray(records.records)) {
        const id = records.hits;
        for (const r of this.hitsOf(id, runId, Number(row.at), () => listRow(id)) ?? []) byNode.set(r.node, r);
        records = records.records;
      }
      if (!Array.isArray(records)) continue;
      for (const r of records as Omit<CacheRecord, "runId">[]) if (typeof r?.node === "string") byNode.set(r.node, { runId, ...r });
    }
    return [...byNode.values()];
  }
}

/** Whether `hits` are exactly the hits of `list`: the same nodes, each with the same key and data version. */
function sameHits(list: HitList, hits: readonly CacheRecord[]): boolean {
  if (list.byNode.size !== hits.length) return false;
  // As many hits as the list has nodes, each one of them, none twice: the same set.
  const stamp = ++comparisons;
  for (const h of hits) {
    const e = list.byNode.get(h.node);
    if (e === undefined || e.key !== h.key || e.dataVersion !== h.dataVersion || e.seen === stamp) return false;
    e.seen = stamp;
  }
  return true;
}

/** JSON.stringify's replacer that leaves out each record's `runId` (the row has it): no copy of every record. */
export function withoutRunId(this: unknown, key: string, value: unknown): unknown {
  return key === "runId" ? undefined : value;
}

/** JSON from a column, or `undefined` when the column does not hold JSON. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isRecord = (x: unknown): x is Record<string, string> => typeof x === "object" && x !== null && !Array.isArray(x);
const isObject = (x: unknown): x is Record<string, unknown> => isRecord(x);

/** The entry a row holds (columns by name), or `undefined` for a damaged row (it explains nothing; its key's next run replaces it). */
export function toEntry(row: Readonly<Record<string, unknown>>): CacheEntry | undefined {
  const inputs = parseJson(row.inputs);
  const config = parseJson(row.config);
  const previews = row.previews === null ? undefined : parseJson(row.previews);
  if (!isRecord(inputs) || !isRecord(config) || (row.previews !== null && !isRecord(previews))) return undefined;
  if (typeof row.cache_key !== "string" || typeof row.node !== "string" || typeof row.code_version !== "string") return undefined;
  if (typeof row.data_version !== "string" || typeof row.run_id !== "string") return undefined;
  const entry: { -readonly [K in keyof CacheEntry]: CacheEntry[K] } = {
    key: row.cache_key,
    node: row.node,
    codeVersion: row.code_version,
    inputs,
    config,
    dataVersion: row.data_version,
    runId: row.run_id,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
  };
  if (typeof row.version === "string") entry.version = row.version;
  if (isRecord(previews)) entry.previews = previews;
  // Damaged code parts only cost the explanation its detail, never the entry.
  const codeParts = row.code_parts === null || row.code_parts === undefined ? undefined : parseJson(row.code_parts);
  if (Array.isArray(codeParts)) entry.codeParts = codeParts;
  return entry;
}
