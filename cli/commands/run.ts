/**
 * `weft run <module> --outputs a,b`: runs a flow module with run tracking
 * (and the cache with --cache), shows progress on stderr, prints the outputs
 * as JSON on stdout.
 *
 * @module
 */
import type { Command } from "commander";
import { Builder } from "../../mod.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { CliError, DB_OPTION, weftCommand } from "../cli-error.ts";
import { loadFlowModule, parseInputs, parseOutputs, toJson } from "../flow-options.ts";
import { runProgress } from "../run-progress.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The `run` command.
 *
 * @example
 * ```sh
 * weft run flow.ts --outputs report --inputs day=2026-11-22 --cache
 * ```
 */
export function runCommand(host: CliHost): Command {
  return weftCommand(host, "run")
    .description("Run a flow module (its exported functions are the nodes) and print the outputs as JSON; every run is recorded for weft ui")
    .argument("<module>", "the module file, relative to the working directory")
    .requiredOption("-o, --outputs <names>", "comma-separated nodes to compute")
    .option("-i, --inputs <name=value>", "an input (repeatable); the value is JSON when it parses as JSON, else a string", collect, [])
    .option("--inputs-file <file>", "a JSON object of inputs (--inputs pairs win)")
    .option("--cache", "cache node results in the database and reuse them")
    .option(...DB_OPTION)
    .option("--no-progress", "plain progress lines even on a terminal")
    .action(async (module: string, opts: { outputs: string; inputs: string[]; inputsFile?: string; cache?: boolean; db: string; progress: boolean }) => {
      const outputs = parseOutputs(opts.outputs);
      const inputs = await parseInputs(opts.inputs, opts.inputsFile === undefined ? undefined : host.resolvePath(opts.inputsFile));
      const flow = await loadFlowModule(host, module);
      const progress = runProgress(host, { bar: opts.progress });
      const db = host.resolvePath(opts.db);
      let builder = new Builder().withModules(flow).withHooks(progress).withTracking({ path: db });
      if (opts.cache) builder = builder.withCache({ path: db });
      let driver;
      try {
        driver = await builder.build();
      } catch (e) {
        throw new CliError(`Cannot build the flow "${module}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const controller = new AbortController();
      const off = host.onInterrupt(() => controller.abort(new Error("Interrupted (Ctrl-C)")));
      try {
        const result = await driver.execute(outputs, { inputs, signal: controller.signal });
        progress.stop();
        host.stdout.write(`${toJson(result)}\n`);
        host.stderr.write(`weft: run ${progress.runId} succeeded; see it with weft ui --db ${opts.db}\n`);
      } catch (e) {
        progress.stop();
        const where = progress.runId ? `; run ${progress.runId} is recorded, see it with weft ui --db ${opts.db}` : "";
        throw new CliError(`${e instanceof Error ? e.message : String(e)}${where}`, { exitCode: controller.signal.aborted ? 130 : 1, cause: e });
      } finally {
        off();
        await driver.close();
      }
    });
}
