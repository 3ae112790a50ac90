/**
 * `weft plan <module> --outputs a,b`: what `weft run --cache` would compute
 * and why, and how long it would take, without running anything: a table
 * (node, status, reason, estimate) or `--json`.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { CliError, DB_OPTION, USAGE_EXIT_CODE, weftCommand } from "../cli-error.ts";
import { loadFlowModule, parseOutputs, readValues, valueOptions, type ValueFlags } from "../flow-options.ts";
import { JSON_OPTION, printJson } from "../json-output.ts";

interface PlanFlags extends ValueFlags {
  readonly outputs: string;
  readonly db: string;
  readonly json?: boolean;
}

/**
 * The `plan` command.
 *
 * @example
 * ```sh
 * weft plan flow.ts --outputs report --input day=2026-11-22
 * ```
 */
export function planCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "plan")
    .description("Show what a cached run of a flow module would compute and why (hit, miss and its reason, pending), with an estimate from the run history; runs nothing")
    .argument("<module>", "the module file, relative to the working directory")
    .requiredOption("-o, --outputs <names>", "comma-separated nodes to compute");
  return valueOptions(cmd, "an input")
    .option(...DB_OPTION)
    .option(JSON_OPTION[0], "print the plan as one JSON document: { outputs, nodes: [{ node, status, reason, dataVersion, estimateMs }], counts, estimate }")
    .action(async (module: string, opts: PlanFlags) => {
      const outputs = parseOutputs(opts.outputs);
      const { inputs, config } = await readValues(host, opts);
      const flow = await loadFlowModule(host, module);
      const { Builder, formatPlan, InputConflictError, MissingInputError, UnknownNodeError } = await import("../../mod.ts");
      const db = host.resolvePath(opts.db);
      let driver;
      try {
        // The history gives the estimate; a plan records no run.
        driver = await new Builder().withModules(flow).withConfig(config).withCache({ path: db }).withTracking({ path: db }).build();
      } catch (e) {
        throw new CliError(`Cannot build the flow "${module}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      try {
        const plan = driver.plan(outputs, { inputs });
        if (opts.json) printJson(host, plan);
        else host.stdout.write(`${formatPlan(plan)}\n`);
      } catch (e) {
        // A name the graph does not know, or an input left out, is a wrong command line.
        const usage = e instanceof UnknownNodeError || e instanceof MissingInputError || e instanceof InputConflictError;
        throw new CliError(e instanceof Error ? e.message : String(e), { cause: e, ...(usage ? { exitCode: USAGE_EXIT_CODE } : {}) });
      } finally {
        await driver.close();
      }
    });
}
