/**
 * `weft cache ls | explain <node> | gc | clear`: the cache in the database,
 * for people. gc and clear work on a full disk and give the space back; clear
 * of every node also resets a file that cannot be cleared in place.
 *
 * @module
 */
import type { Command } from "commander";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import { headerDamage } from "../../sqlite/database-file.ts";
import { resetSqliteCache } from "../../cache/sqlite/reset-sqlite-cache.ts";
import { classifySqliteError } from "../../sqlite/sqlite-errors.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { CacheError } from "../../lib/errors.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { loadPlatform } from "../../runtime/current.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { cachedNodes, existingDb, formatBytes } from "../cache-database.ts";
import { CliError, DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";
import { explainCommand } from "./cache-explain.ts";

/**
 * Runs `fn` (gc or clear) on the cache at `path`, then compacts the file and
 * closes it (which truncates the WAL). On a full disk the cache is opened
 * again alone: it then opens without a shared WAL index, and deletes can make
 * room for themselves.
 *
 * @throws {CacheError} when the disk is full beyond what deletes can make room for, or the file is damaged
 */
function maintain<T>(path: string, drivers: CacheDrivers, fn: (cache: StoreCache) => T): T {
  let result = maintainOnce(path, drivers, fn, false);
  if ("full" in result) result = maintainOnce(path, drivers, fn, true);
  if ("full" in result) throw result.full;
  return result.value;
}

function maintainOnce<T>(path: string, drivers: CacheDrivers, fn: (cache: StoreCache) => T, exclusive: boolean): { value: T } | { full: CacheError } {
  const opened = openSqliteCache(path, drivers, { exclusive });
  if (opened.status === "unavailable") {
    const message = `Cannot change the cache "${path}": ${opened.reason}`;
    if (opened.cause === "full") return { full: new CacheError(message) };
    throw new CliError(message);
  }
  const cache = new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: drivers.hasher, warn: () => {} });
  try {
    const value = fn(cache);
    opened.metadata.compact();
    return { value };
  } catch (e) {
    if (e instanceof CacheError && classifySqliteError(e.cause ?? e) === "full") return { full: e };
    throw e;
  } finally {
    cache.close();
  }
}

/**
 * Clears every node. A file that cannot be cleared in place (not SQLite,
 * damaged, or a disk too full to record even a delete) is started anew:
 * what the reset advice in every damaged-file message promises. Returns why
 * it was started anew, if it was.
 */
function clearAll(path: string, drivers: CacheDrivers): { readonly reset?: string } {
  let why = headerDamage(drivers, path);
  if (why === undefined) {
    try {
      maintain(path, drivers, (c) => c.clear());
      return {};
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      // A lock another process holds, or a file this process may not write: starting anew would not help.
      if (e instanceof CliError || /database is locked|SQLITE_BUSY/i.test(detail)) throw e instanceof CliError ? e : new CliError(detail, { cause: e });
      why = detail.replace(/^Cannot \w+ the cache "[^"]*": /, "").replace(/; delete ".*$/, "");
    }
  }
  try {
    resetSqliteCache(path, drivers);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  return { reset: why };
}

/** Runs `fn`, reporting any failure as a CliError with its message. */
function guardedCli<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

/**
 * The `cache` command and its subcommands.
 *
 * @example
 * ```sh
 * weft cache explain cleaned --run 4c2e04b2-...
 * ```
 */
export function cacheCommand(host: CliHost): Command {
  const out = (s: string) => void host.stdout.write(`${s}\n`);
  const cmd = weftCommand(host, "cache").description("Look into the cache: what it holds, why a node missed, make room, start over");
  cmd.addCommand(weftCommand(host, "ls").description("List cached nodes: entries, result bytes, last use").option(...DB_OPTION).option(...JSON_OPTION)
    .action(async (opts: { db: string; json?: boolean }) => {
      const path = host.resolvePath(opts.db);
      const rows = cachedNodes(path, await existingDb(path));
      if (opts.json) return printJson(host, rows.map((r) => ({ node: r.node, entries: r.entries, bytes: r.bytes, lastUsedAt: new Date(r.lastUsedAt).toISOString() })));
      if (rows.length === 0) return out("The cache is empty.");
      const width = Math.max(4, ...rows.map((r) => r.node.length));
      out(`${"node".padEnd(width)}  entries  ${"bytes".padStart(10)}  last used`);
      for (const r of rows) out(`${r.node.padEnd(width)}  ${String(r.entries).padStart(7)}  ${formatBytes(r.bytes).padStart(10)}  ${new Date(r.lastUsedAt).toISOString()}`);
    }));
  cmd.addCommand(explainCommand(host));
  cmd.addCommand(weftCommand(host, "gc").description("Remove results by total size and age, and blob files nothing refers to")
    .option("--max-bytes <n>", "keep at most this many bytes of results (least recently used go first)")
    .option("--max-age <age>", "drop results unused for this long: 500ms, 30s, 10m, 12h, 7d").option(...DB_OPTION).option(...JSON_OPTION)
    .action(async (opts: { maxBytes?: string; maxAge?: string; db: string; json?: boolean }) => {
      const options: { maxBytes?: number; maxAgeMs?: number } = {};
      if (opts.maxBytes !== undefined) {
        const n = Number(opts.maxBytes);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`Option "--max-bytes" must be a whole number of bytes, got "${opts.maxBytes}"`);
        options.maxBytes = n;
      }
      if (opts.maxAge !== undefined) {
        const m = DURATION.exec(opts.maxAge);
        if (!m) throw new UsageError(`Option "--max-age" must be a duration such as 30s, 10m, 12h or 7d, got "${opts.maxAge}"`);
        options.maxAgeMs = Number(m[1]) * UNIT[m[2]!]!;
      }
      const path = host.resolvePath(opts.db);
      const drivers = await existingDb(path);
      const report = guardedCli(() => maintain(path, drivers, (c) => c.gc(options)));
      if (opts.json) return printJson(host, { ...report, ...options });
      out(`Removed ${report.results} results (${formatBytes(report.bytes)}), ${report.entries} entries, ${report.files} files${options.maxAgeMs ? ` unused for ${formatDuration(options.maxAgeMs)}` : ""}`);
    }));
  cmd.addCommand(weftCommand(host, "clear").description("Forget the cached results of the named nodes, or of every node")
    .argument("[nodes...]", "node names (all when none)").option(...DB_OPTION).option(...JSON_OPTION)
    .action(async (nodes: string[], opts: { db: string; json?: boolean }) => {
      const path = host.resolvePath(opts.db);
      if (nodes.length === 0) {
        const drivers = await (await loadPlatform()).cacheDrivers();
        if (drivers.fs.stat(path) === undefined) await existingDb(path);
        const { reset } = clearAll(path, drivers);
        if (opts.json) return printJson(host, { cleared: "all", ...(reset === undefined ? {} : { reset }) });
        return out(reset === undefined ? "Cleared the cache" : `Cleared the cache: "${path}" could not be cleared in place (${reset}), so it was started anew, without its run history`);
      }
      const drivers = await existingDb(path);
      guardedCli(() => maintain(path, drivers, (c) => c.clear(nodes)));
      if (opts.json) return printJson(host, { cleared: nodes });
      out(`Cleared ${nodes.map((n) => `"${n}"`).join(", ")}`);
    }));
  return cmd;
}
