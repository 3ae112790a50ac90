/**
 * What a runtime supplies to the cache: its SQLite driver, its file system
 * and its SHA-256. `runtime/bun`, `runtime/deno` and `runtime/node` each export
 * one; the composition root picks the one for the runtime it runs on.
 *
 * @module
 */
import type { FileSystem } from "./file-system.ts";
import type { Hasher } from "./hasher.ts";
import type { OpenSqlite } from "./sqlite.ts";

/**
 * The runtime-specific pieces of the cache.
 *
 * @example
 * ```ts
 * import { bunCacheDrivers } from "weft/runtime/bun";
 * const cache = openSqliteCache(".weft/weft.db", bunCacheDrivers);
 * ```
 */
export interface CacheDrivers {
  readonly openSqlite: OpenSqlite;
  readonly fs: FileSystem;
  readonly hasher: Hasher;
}
