/**
 * `weft/postgres`: the team store. Cache metadata, small results and run
 * history in one PostgreSQL database, large results in a directory every
 * machine mounts, so any machine of the team reuses any other's results and
 * `weft ui --db postgres://…` shows everyone's runs. A subpath of its own:
 * only users who run it load the postgres package (postgres.js). Importing it
 * without that package installed fails with a `MissingPackageError` that says
 * to run `npm install postgres`.
 *
 * @module
 */
import { checkPostgresInstalled } from "./runtime/shared/postgres-connection.ts";
import { PostgresStore, type PostgresStoreOptions } from "./runtime/shared/postgres-store.ts";

// postgres() connects synchronously; a missing package is best reported here, where it can be awaited.
await checkPostgresInstalled();

/**
 * Opens the team store at `url` for `withCache({ store })` and `withTracking({ store })`: connects, and brings
 * the database's tables up to date (several machines may do so at once).
 *
 * @throws {TypeError} for a URL that is not `postgres://…` or `postgresql://…`
 * @throws {CacheError} when the server cannot be reached or refuses the connection, with PostgreSQL's message
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import { postgres } from "weft/postgres";
 * import * as flow from "./flow.ts";
 * const team = postgres("postgres://weft@db.internal:5432/weft", { directory: "/mnt/weft-results" });
 * const dr = await new Builder().withModules(flow).withCache({ store: team }).withTracking({ store: team }).build();
 * // on any machine: weft ui --db postgres://weft@db.internal:5432/weft
 * ```
 */
export function postgres(url: string, options?: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(url, options);
}

export type { PostgresStore, PostgresStoreOptions } from "./runtime/shared/postgres-store.ts";
