/**
 * `weft stats [--node X]`: each node across recent runs: how long it takes
 * (p50, p95), how often the cache serves it, how often it fails on its own,
 * what its results take in the cache, and whether it got slower.
 *
 * @module
 */
import type { Command } from "commander";
import type { NodeStats } from "../../lib/ports/run-store.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { closestNames } from "../../lib/closest-names.ts";
import { statsText } from "../../lib/history/node-stats.ts";
import { DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { withHistory } from "../history-database.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";

interface StatsFlags {
  readonly node?: string;
  readonly samples?: string;
  readonly db: string;
  readonly json?: boolean;
}

/**
 * The `stats` command.
 *
 * @example
 * ```sh
 * weft stats --node report --samples 50
 * ```
 */
export function statsCommand(host: CliHost): Command {
  return weftCommand(host, "stats")
    .description("Show each node across recent runs: p50 and p95 duration, cache hit rate, its own failures, bytes stored, and a flag when it got slower")
    .option("--node <name>", "one node only")
    .option("--samples <n>", "latest executions read per node (map/reduce items one by one); default 100")
    .option(...DB_OPTION)
    .option(JSON_OPTION[0], "print the statistics as one JSON array: [{ node, executions, computed, hits, hitRate, failures, stopped, failureRate, p50Ms, p95Ms, recentMs, earlierMs, regression, bytes, durations, lastAt }]")
    .action(async (opts: StatsFlags) => {
      const samples = opts.samples === undefined ? undefined : Number(opts.samples);
      if (samples !== undefined && (!Number.isInteger(samples) || samples < 1 || samples > 10_000)) {
        throw new UsageError(`Option "--samples" must be a whole number from 1 to 10000, got "${opts.samples}"`);
      }
      const { stats, known } = await withHistory(host.resolvePath(opts.db), (store) => {
        const stats = store.nodeStats({ ...(opts.node === undefined ? {} : { node: opts.node }), ...(samples === undefined ? {} : { samples }) });
        // An unknown node: the names there are, for the closest ones.
        const known = opts.node !== undefined && stats.length === 0 ? store.nodeStats({ samples: 1 }).map((s) => s.node) : [];
        return { stats, known };
      });
      if (opts.node !== undefined && stats.length === 0) {
        const close = closestNames(opts.node, known, { max: 3 });
        const hint = close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(", ")}?` : "; check the name, or run the flow first";
        throw new UsageError(`No execution of "${opts.node}" is recorded in "${opts.db}"${hint}`);
      }
      if (opts.json) return printJson(host, stats);
      host.stdout.write(`${formatStats(stats)}\n`);
    });
}

/** The statistics as a table for a terminal. */
export function formatStats(stats: readonly NodeStats[]): string {
  if (stats.length === 0) return "No node executions are recorded yet.";
  const head = ["node", "executions", "p50", "p95", "hit rate", "failures", "stored", "trend"];
  const rows = stats.map((s) => {
    const t = statsText(s);
    return [s.node, t.executions, t.p50, t.p95, t.hitRate, t.failures, t.stored, t.trend];
  });
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: readonly string[]) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(k === r.length - 1 ? 0 : widths[k]!))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}
