/**
 * `weft history prune`: the run history in the database only grows; this
 * removes old runs by count and age (never one still running), with their
 * node records and the cache's per-run records of them. Cached results stay:
 * a re-run still hits.
 *
 * @module
 */
import type { Command } from "commander";
import type { PruneOptions, PruneReport } from "../../lib/ports/run-store.ts";
import type { RunTable } from "../../lib/history/run-table.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { durationOption } from "../duration-option.ts";
import { withHistory } from "../history-database.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";

interface PruneFlags {
  readonly keepRuns?: string;
  readonly olderThan?: string;
  readonly dryRun?: boolean;
  readonly db: string;
  readonly json?: boolean;
}

/**
 * The `history` command and its subcommands.
 *
 * @example
 * ```sh
 * weft history prune --keep-runs 100 --older-than 30d --dry-run
 * ```
 */
export function historyCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "history").description("The run history: the latest runs side by side; remove old runs");
  cmd.addCommand(weftCommand(host, "prune")
    .description("Remove runs outside the newest N or older than an age (either limit removes a run), never one still running; cached results stay")
    .option("--keep-runs <n>", "keep the newest n runs (by start)")
    .option("--older-than <age>", "remove runs started longer ago than this: 500ms, 30s, 10m, 12h, 30d")
    .option("--dry-run", "print what would be removed, remove nothing")
    .option(...DB_OPTION)
    .option(...JSON_OPTION)
    .action(async (opts: PruneFlags) => {
      const options = pruneOptions(opts);
      const { report, remaining } = await withHistory(host.resolvePath(opts.db), (store) => ({
        report: store.prune(options),
        remaining: store.listRuns({ limit: 1 }).total,
      }));
      if (opts.json) return printJson(host, { ...options, dryRun: options.dryRun ?? false, ...report, remaining });
      const { formatBytes } = await import("../cache-database.ts");
      host.stdout.write(`${describe(report, options, remaining, formatBytes).join("\n")}\n`);
    }));
  cmd.addCommand(weftCommand(host, "table")
    .description("Show the latest runs side by side: a row per run, a column per input, override and config value given and per short output (as DVC's exp show)")
    .option("--last <n>", "how many runs, newest first (1 to 500; default 20)")
    .option("--flow <name>", "only runs of this flow (its module names joined by +, as the runs list shows them)")
    .option("--only-changed", "only the columns whose value differs between the runs")
    .option(...DB_OPTION)
    .option(JSON_OPTION[0], "print the table as one JSON document: { columns: [{ kind, name }], rows: [{ id, start, status, flow, values }] }")
    .action(async (opts: TableFlags) => {
      const last = opts.last === undefined ? undefined : Number(opts.last);
      if (last !== undefined && (!/^\d+$/.test(opts.last!) || last < 1 || last > 500)) {
        throw new UsageError(`Option "--last" must be a whole number of runs from 1 to 500, got "${opts.last}"`);
      }
      const { runTable } = await import("../../lib/history/run-table.ts");
      const table = await withHistory(host.resolvePath(opts.db), (store) =>
        runTable(store, { ...(last === undefined ? {} : { last }), ...(opts.flow === undefined ? {} : { flow: opts.flow }), onlyChanged: opts.onlyChanged === true }));
      if (opts.json) return printJson(host, table);
      host.stdout.write(`${formatTable(table)}\n`);
    }));
  return cmd;
}

interface TableFlags {
  readonly last?: string;
  readonly flow?: string;
  readonly onlyChanged?: boolean;
  readonly db: string;
  readonly json?: boolean;
}

/** The run table for a terminal: inputs by name, `override:`, `config:` and `out:` before the others. */
function formatTable(t: RunTable): string {
  if (t.rows.length === 0) return "No runs are recorded yet.";
  const prefix = { input: "", override: "override:", config: "config:", output: "out:" } as const;
  const head = ["run", "start", "status", ...t.columns.map((c) => `${prefix[c.kind]}${c.name}`)];
  const rows = t.rows.map((r) => [r.id.slice(0, 8), new Date(r.start).toISOString().slice(0, 16).replace("T", " "), r.status, ...r.values.map((v) => v ?? "–")]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: readonly string[]) => r.map((c, k) => c.padEnd(widths[k]!)).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}

/** The options the flags ask for. */
function pruneOptions(opts: PruneFlags): PruneOptions {
  if (opts.keepRuns === undefined && opts.olderThan === undefined) {
    throw new UsageError('Cannot prune the run history: no limit given; pass --keep-runs, --older-than or both, such as "weft history prune --keep-runs 100"');
  }
  const out: { -readonly [K in keyof PruneOptions]: PruneOptions[K] } = {};
  if (opts.keepRuns !== undefined) {
    const n = Number(opts.keepRuns);
    if (!/^\d+$/.test(opts.keepRuns) || !Number.isSafeInteger(n)) {
      throw new UsageError(`Option "--keep-runs" must be a whole number of runs, got "${opts.keepRuns}"`);
    }
    out.keepRuns = n;
  }
  if (opts.olderThan !== undefined) out.olderThanMs = durationOption("--older-than", opts.olderThan);
  if (opts.dryRun) out.dryRun = true;
  return out;
}

/** The report for people. */
function describe(report: PruneReport, options: PruneOptions, remaining: number, formatBytes: (n: number) => string): string[] {
  const limits = [
    ...(options.keepRuns === undefined ? [] : [`beyond the newest ${options.keepRuns}`]),
    ...(options.olderThanMs === undefined ? [] : [`older than ${formatDuration(options.olderThanMs)}`]),
  ].join(" or ");
  const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;
  const lines: string[] = [];
  if (report.runs.length === 0) lines.push(`Nothing to remove: no finished run is ${limits}`);
  else {
    const what = `${runs(report.runs.length)} ${limits}, ${report.nodes} node records, ${report.graphs} graphs, ${report.cacheRecords} cache run records`;
    lines.push(options.dryRun
      ? `Would remove ${what} (--dry-run: nothing removed)`
      : `Removed ${what}${report.bytes > 0 ? `; ${formatBytes(report.bytes)} of the file free for reuse` : ""}`);
  }
  if (report.inFlight.length > 0) lines.push(`Kept ${runs(report.inFlight.length)} still running: ${report.inFlight.join(", ")}`);
  lines.push(`${runs(options.dryRun ? remaining - report.runs.length : remaining)} left in the history`);
  return lines;
}
