/**
 * `weft diff <runA> <runB>`: what changed between two runs of the history,
 * and where each output's change starts (the frontier: code changed, or a
 * non-deterministic node), as text or `--json`.
 *
 * @module
 */
import type { Command } from "commander";
import type { RunDiff } from "../../lib/history/run-diff.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { formatDuration } from "../../lib/format-duration.ts";
import { DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { withHistory } from "../history-database.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";

interface DiffFlags {
  readonly output?: string;
  readonly db: string;
  readonly json?: boolean;
}

/**
 * The `diff` command.
 *
 * @example
 * ```sh
 * weft diff 0d9c… 7f31… --output report
 * ```
 */
export function diffCommand(host: CliHost): Command {
  return weftCommand(host, "diff")
    .description("Compare two runs: inputs, overrides and config; nodes whose code changed; each output's frontier (the nodes where its change starts: code changed or non-deterministic) and its differences by path; durations")
    .argument("<runA>", "the earlier run's id")
    .argument("<runB>", "the later run's id")
    .option("--output <names>", "comma-separated outputs to blame (default: the outputs runB asked for)")
    .option(...DB_OPTION)
    .option(JSON_OPTION[0], "print the diff as one JSON document: { a, b, inputs, overrides, config, code, nodes, outputs, note }")
    .action(async (a: string, b: string, opts: DiffFlags) => {
      const path = host.resolvePath(opts.db);
      const { existingDb, withOpenCache } = await import("../cache-database.ts");
      const { diffRuns } = await import("../../lib/history/run-diff.ts");
      const drivers = await existingDb(path);
      const outputs = opts.output?.split(",").map((s) => s.trim()).filter((s) => s !== "");
      const diff = await withHistory(path, (store) => withOpenCache(path, drivers, (cache) => {
        try {
          return diffRuns(store, cache, a, b, outputs === undefined ? {} : { outputs });
        } catch (e) {
          // An unknown run id is a wrong command line.
          throw e instanceof RangeError ? new UsageError(e.message) : e;
        }
      }), drivers);
      if (opts.json) return printJson(host, diff);
      host.stdout.write(`${formatDiff(diff)}\n`);
    });
}

/** A diff for a terminal. */
export function formatDiff(d: RunDiff): string {
  const out = [`run ${d.a} → run ${d.b}`];
  if (d.note !== undefined) out.push(`note: ${d.note}`);
  for (const [label, list] of [["inputs", d.inputs], ["overrides", d.overrides], ["config", d.config]] as const) {
    for (const c of list) out.push(`${label}: ${c.name}: ${c.before ?? "(not given)"} → ${c.after ?? "(not given)"}`);
  }
  if (d.inputs.length + d.overrides.length + d.config.length === 0) out.push("given values: the same");
  for (const c of d.code) out.push(`code: ${c.node}: ${c.reason}`);
  for (const o of d.outputs) {
    if (o.changed === false) {
      out.push(`output ${o.output}: the same value`);
      continue;
    }
    out.push(`output ${o.output}: ${o.changed ? "changed" : "cannot tell"}${o.note === undefined ? "" : ` (${o.note})`}`);
    if (o.changed && o.frontier.length === 0) out.push("  starts at: the given values above (no node changed on its own)");
    for (const f of o.frontier) out.push(`  starts at ${f.node}: ${f.cause}${f.cause === "code changed" ? ` (${f.reason})` : ""}`);
    for (const p of o.paths ?? []) out.push(`  ${p.path}: ${p.before ?? "(none)"} → ${p.after ?? "(none)"}`);
  }
  const timed = d.nodes.filter((n) => n.before?.durationMs !== undefined && n.after?.durationMs !== undefined && n.before.cache !== "hit" && n.after.cache !== "hit");
  if (timed.length > 0) {
    out.push("durations (computed in both runs):");
    const w = Math.max(...timed.map((n) => n.node.length));
    for (const n of timed) out.push(`  ${n.node.padEnd(w)}  ${formatDuration(n.before!.durationMs)} → ${formatDuration(n.after!.durationMs)}`);
  }
  return out.join("\n");
}
