/**
 * weft's Bun adapters: `bun:sqlite`, files and SHA-256 for the cache.
 *
 * @example
 * ```ts
 * import { openSqliteCache } from "weft";
 * import { bunCacheDrivers } from "weft/runtime/bun";
 * const cache = openSqliteCache(".weft/weft.db", bunCacheDrivers);
 * ```
 *
 * @module
 */
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { nodeFileSystem as bunFileSystem } from "../shared/file-system.ts";
import { nodeHasher as bunHasher } from "../shared/hasher.ts";
import { openBunSqlite } from "./sqlite.ts";

/** Everything the cache needs from Bun. */
export const bunCacheDrivers: CacheDrivers = { openSqlite: openBunSqlite, fs: bunFileSystem, hasher: bunHasher };

export { bunFileSystem, bunHasher, openBunSqlite };
