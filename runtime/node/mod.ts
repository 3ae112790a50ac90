/**
 * weft's Node adapters: SQLite (better-sqlite3 or `node:sqlite`, chosen at
 * the first open), files and SHA-256 for the cache.
 *
 * @example
 * ```ts
 * import { openSqliteCache } from "weft";
 * import { nodeCacheDrivers } from "weft/runtime/node";
 * const cache = openSqliteCache(".weft/weft.db", nodeCacheDrivers);
 * ```
 *
 * @module
 */
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { nodeFileSystem } from "../shared/file-system.ts";
import { nodeHasher } from "../shared/hasher.ts";
import { openNodeSqlite } from "./sqlite.ts";

/** Everything the cache needs from Node. */
export const nodeCacheDrivers: CacheDrivers = { openSqlite: openNodeSqlite, fs: nodeFileSystem, hasher: nodeHasher };

export { nodeFileSystem, nodeHasher, openNodeSqlite };
