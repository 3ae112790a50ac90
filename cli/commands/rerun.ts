/**
 * `weft rerun <run> --from X`: runs a recorded run's request again (its flow
 * files as they are now, its inputs, overrides and config, with `--input`
 * and `--config` pairs over them), recomputing node X and everything
 * downstream of it while the rest comes from the cache; recorded as a new run.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { CliError, DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { readValues, valueOptions, type ValueFlags } from "../flow-options.ts";
import { withHistory } from "../history-database.ts";
import { JSON_OPTION } from "../json-output.ts";
import { printRun } from "../print-run.ts";
import { runProgress } from "../run-progress.ts";

interface RerunFlags extends ValueFlags {
  readonly from?: string;
  readonly db: string;
  readonly progress: boolean;
  readonly json?: boolean;
}

/**
 * The `rerun` command.
 *
 * @example
 * ```sh
 * weft rerun 0d9c1f2e-… --from cleaned --input day=2026-11-23
 * ```
 */
export function rerunCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "rerun")
    .description("Run a recorded run's request again (its flow files as they are now, its inputs and config, --input/--config over them), recomputing --from and what depends on it; recorded as a new run")
    .argument("<run>", "the id of the run to run again")
    .option("--from <node>", "recompute this node and everything downstream of it; the rest comes from the cache (default: nothing is forced)");
  return valueOptions(cmd, "an input, over the run's own")
    .option(...DB_OPTION)
    .option("--no-progress", "plain progress lines even on a terminal")
    .option(JSON_OPTION[0], "machine output: the outputs' JSON on stdout and no progress on stderr, only errors")
    .action(async (runId: string, opts: RerunFlags) => {
      const path = host.resolvePath(opts.db);
      const given = await readValues(host, opts);
      const { existingDb } = await import("../cache-database.ts");
      const run = await withHistory(path, (store) => store.getRun(runId), await existingDb(path));
      if (run === undefined) throw new UsageError(`There is no run "${runId}" in "${opts.db}"; list the runs with weft ui --db ${opts.db}`);
      const request = run.request;
      if (request === undefined) throw new UsageError(`Cannot rerun run ${runId}: it was recorded before weft kept runs' requests; run the flow with weft run instead`);
      if ("notReplayable" in request) throw new UsageError(`Cannot rerun run ${runId}: ${request.notReplayable}`);
      const missing = request.modules.find((m) => m.url === undefined);
      if (missing !== undefined) throw new UsageError(`Cannot rerun run ${runId}: its module "${missing.name}" was given without a file; only flows read from module files can run again`);
      const modules: { name: string; exports: Record<string, unknown>; url: string }[] = [];
      for (const m of request.modules) {
        try {
          modules.push({ name: m.name, exports: (await import(m.url!)) as Record<string, unknown>, url: m.url! });
        } catch (e) {
          throw new CliError(`Cannot rerun run ${runId}: its module "${m.name}" (${m.url}) does not load: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      const { Builder, closestNames } = await Promise.all([import("../../mod.ts"), import("../../lib/closest-names.ts")]).then(([a, b]) => ({ ...a, ...b }));
      const config = { ...request.values.config, ...given.config };
      const inputs = { ...request.values.inputs, ...given.inputs };
      const base = () => {
        let b = new Builder().withModules(...modules).withConfig(config);
        if (request.allowModuleOverrides) b = b.allowModuleOverrides();
        if (request.concurrency !== undefined) b = b.withConcurrency(request.concurrency);
        return b;
      };
      // What "from" forces: the node and everything that depends on it, in the graph as it is now.
      let recompute: string[] = [];
      if (opts.from !== undefined) {
        await using probe = await base().build();
        const known = probe.graph.get(opts.from);
        if (known === undefined || known.kind !== "function") {
          const near = closestNames(opts.from, probe.graph.nodes.filter((n) => n.kind === "function").map((n) => n.name), { max: 3 });
          throw new UsageError(`Cannot rerun from "${opts.from}": the flow has no node of that name${near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(", ")}?` : ""}`);
        }
        recompute = probe.whatIsDownstreamOf(opts.from).filter((v) => v.kind === "function").map((v) => v.name);
      }
      const recorded = request.cache.kind === "file" ? request.cache : undefined;
      const recordedRecompute = recorded?.recompute === true ? true : [...(recorded?.recompute ?? [])];
      const progress = runProgress(host, { bar: opts.progress, quiet: opts.json === true });
      let driver;
      try {
        driver = await base().withHooks(progress).withTracking({ path }).withCache({
          path,
          recompute: recordedRecompute === true ? true : [...new Set([...recordedRecompute, ...recompute])],
          ...(recorded?.disable === undefined ? {} : { disable: recorded.disable }),
          ...(recorded?.ignore === undefined ? {} : { ignore: recorded.ignore }),
        }).build();
      } catch (e) {
        throw new CliError(`Cannot build the flow of run ${runId}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      await printRun(host, driver, {
        outputs: run.outputs, inputs, overrides: request.values.overrides, progress, json: opts.json === true, db: opts.db,
        describe: (id) => `run ${id} (a rerun of ${runId}${opts.from === undefined ? "" : ` from "${opts.from}"`})`,
      });
    });
}
