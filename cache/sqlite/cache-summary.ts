/**
 * A read model of the cache for people (`weft cache ls`): per node, how many
 * entries, how many bytes of results they refer to, and when one was last
 * used. One grouped query on a connection of its own.
 *
 * @module
 */
import { count, desc, eq, max, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../../lib/ports/sqlite.ts";
import { compile, Prepared, qb } from "../../sqlite/queries.ts";
import { cacheEntries as e, cacheResults as r } from "./schema.ts";
import { guarded } from "../../sqlite/sqlite-errors.ts";

/** One node's share of the cache. */
export interface CachedNode {
  readonly node: string;
  readonly entries: number;
  /** Encoded bytes of the distinct results its entries refer to. */
  readonly bytes: number;
  /** Epoch ms. */
  readonly lastUsedAt: number;
}

const SUMMARY = compile(
  qb.select({
    node: e.node,
    entries: count().as("entries"),
    bytes: sql<number>`coalesce(sum(${r.size}), 0)`.as("bytes"),
    used: max(e.lastUsedAt).as("used"),
  }).from(e).leftJoin(r, eq(r.dataVersion, e.dataVersion)).groupBy(e.node).orderBy(desc(sql`used`)),
);

/**
 * What the cache at `path` holds, by node, most recently used first.
 *
 * @example
 * ```ts
 * summarizeCache(db, ".weft/weft.db"); // [ { node: "cleaned", entries: 3, bytes: 5120, lastUsedAt: 1795… } ]
 * ```
 */
export function summarizeCache(db: SqliteDatabase, path: string): CachedNode[] {
  return guarded(path, "read", () =>
    new Prepared(db, SUMMARY).all().map((row) => ({
      node: String(row.node),
      entries: Number(row.entries),
      bytes: Number(row.bytes),
      lastUsedAt: Number(row.used),
    })));
}
