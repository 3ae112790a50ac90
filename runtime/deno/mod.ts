/**
 * weft's Deno adapters: `node:sqlite`, files and SHA-256 for the cache.
 *
 * @example
 * ```ts
 * import { openSqliteCache } from "weft";
 * import { denoCacheDrivers } from "weft/runtime/deno";
 * const cache = openSqliteCache(".weft/weft.db", denoCacheDrivers);
 * ```
 *
 * @module
 */
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { denoFileSystem } from "./file-system.ts";
import { nodeHasher as denoHasher } from "../shared/hasher.ts";
import { openDenoSqlite } from "./sqlite.ts";

/** Everything the cache needs from Deno. */
export const denoCacheDrivers: CacheDrivers = { openSqlite: openDenoSqlite, fs: denoFileSystem, hasher: denoHasher };

export { denoFileSystem, denoHasher, openDenoSqlite };
