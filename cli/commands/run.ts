/**
 * `weft run <module> --outputs a,b`: runs a flow module with run tracking
 * (and the cache with --cache), shows progress on stderr, prints the outputs
 * as JSON on stdout.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { CliError, DB_OPTION, weftCommand } from "../cli-error.ts";
import { loadFlowModule, parseOutputs, readValues, valueOptions, type ValueFlags } from "../flow-options.ts";
import { JSON_OPTION } from "../json-output.ts";
import { printRun } from "../print-run.ts";
import { runProgress } from "../run-progress.ts";

interface RunFlags extends ValueFlags {
  readonly outputs: string;
  readonly cache?: boolean;
  readonly db: string;
  readonly progress: boolean;
  readonly json?: boolean;
}

/**
 * The `run` command.
 *
 * @example
 * ```sh
 * weft run flow.ts --outputs report --input day=2026-11-22 --config region=eu --cache
 * ```
 */
export function runCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "run")
    .description("Run a flow module (its exported functions are the nodes) and print the outputs as JSON; every run is recorded for weft ui")
    .argument("<module>", "the module file, relative to the working directory")
    .requiredOption("-o, --outputs <names>", "comma-separated nodes to compute");
  return valueOptions(cmd, "an input")
    .option("--cache", "cache node results in the database and reuse them")
    .option(...DB_OPTION)
    .option("--no-progress", "plain progress lines even on a terminal")
    .option(JSON_OPTION[0], "machine output: the outputs' JSON on stdout (as always) and no progress on stderr, only errors")
    .action(async (module: string, opts: RunFlags) => {
      const outputs = parseOutputs(opts.outputs);
      const { inputs, config } = await readValues(host, opts);
      const flow = await loadFlowModule(host, module);
      // Loaded here, not at the top: `weft --help` and the other commands start without the engine.
      const { Builder } = await import("../../mod.ts");
      const progress = runProgress(host, { bar: opts.progress, quiet: opts.json === true });
      const db = host.resolvePath(opts.db);
      let builder = new Builder().withModules(flow).withConfig(config).withHooks(progress).withTracking({ path: db });
      if (opts.cache) builder = builder.withCache({ path: db });
      let driver;
      try {
        driver = await builder.build();
      } catch (e) {
        throw new CliError(`Cannot build the flow "${module}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      await printRun(host, driver, { outputs, inputs, progress, json: opts.json === true, db: opts.db, describe: (id) => `run ${id}` });
    });
}
