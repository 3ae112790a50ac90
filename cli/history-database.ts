/**
 * The run history as the commands that read it open it: an existing file
 * (a missing or damaged one is a message, never created), closed when the
 * command is done with it.
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import type { SqliteRunStore } from "../history/sqlite-run-store.ts";
import { CliError } from "./cli-error.ts";

/**
 * Runs `fn` on the run history at `path`, then closes it. `drivers` default to the runtime's. A failure of `fn`
 * that is not a CliError becomes one (a line on stderr, exit 1).
 *
 * @throws {CliError} when there is no history at `path`, or it cannot be read
 * @example
 * ```ts
 * const stats = await withHistory(path, (store) => store.nodeStats());
 * ```
 */
export async function withHistory<T>(path: string, fn: (store: SqliteRunStore) => T | Promise<T>, drivers?: CacheDrivers): Promise<T> {
  // Loaded here, not at the top: `weft --help` and the other commands start without SQLite.
  const { openSqliteRunStore } = await import("../history/open-sqlite-run-store.ts");
  const { livenessFor } = await import("../lib/history/liveness.ts");
  const { currentProcess, pidIsAlive } = await import("../runtime/shared/processes.ts");
  drivers ??= await (await (await import("../runtime/current.ts")).loadPlatform()).cacheDrivers();
  const opened = openSqliteRunStore(path, drivers, { alive: livenessFor(currentProcess(), pidIsAlive), existing: true });
  if (opened.status !== "open") throw new CliError(opened.reason);
  try {
    return await fn(opened.store);
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    opened.store.close();
  }
}
