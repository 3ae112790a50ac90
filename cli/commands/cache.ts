/**
 * `weft cache ls | explain <node> | gc | clear`: the cache in the database,
 * for people. gc and clear work on a full disk and give the space back; clear
 * of every node also resets a file that cannot be cleared in place.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { CliError, DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { durationOption } from "../duration-option.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";
import { explainCommand } from "./cache-explain.ts";

/** Runs `fn`, reporting any failure as a CliError with its message. */
function guardedCli<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

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
      const { cachedNodes, existingDb, formatBytes } = await import("../cache-database.ts");
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
      if (opts.maxAge !== undefined) options.maxAgeMs = durationOption("--max-age", opts.maxAge);
      const path = host.resolvePath(opts.db);
      const { existingDb, formatBytes, maintain } = await import("../cache-database.ts");
      const drivers = await existingDb(path);
      const report = guardedCli(() => maintain(path, drivers, (c) => c.gc(options)));
      if (opts.json) return printJson(host, { ...report, ...options });
      out(`Removed ${report.results} results (${formatBytes(report.bytes)}), ${report.entries} entries, ${report.files} files${options.maxAgeMs ? ` unused for ${formatDuration(options.maxAgeMs)}` : ""}`);
    }));
  cmd.addCommand(weftCommand(host, "clear").description("Forget the cached results of the named nodes, or of every node")
    .argument("[nodes...]", "node names (all when none)").option(...DB_OPTION).option(...JSON_OPTION)
    .action(async (nodes: string[], opts: { db: string; json?: boolean }) => {
      const path = host.resolvePath(opts.db);
      const { clearAll, existingDb, maintain } = await import("../cache-database.ts");
      if (nodes.length === 0) {
        const drivers = await (await (await import("../../runtime/current.ts")).loadPlatform()).cacheDrivers();
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
