/**
 * `weft viz <module> --outputs a,b`: draws what a run would compute, as SVG,
 * DOT or Mermaid, without running anything.
 *
 * @module
 */
import type { Command } from "commander";
import type { MissingInputError } from "../../mod.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { nodeTextFiles } from "../../runtime/shared/text-files.ts";
import { CliError, UsageError, weftCommand } from "../cli-error.ts";
import { loadFlowModule, parseOutputs, readValues, valueOptions, type ValueFlags } from "../flow-options.ts";

const FORMATS = ["svg", "dot", "mermaid"] as const;

interface VizFlags extends ValueFlags {
  readonly outputs: string;
  readonly format: string;
  readonly out?: string;
}

/**
 * The `viz` command.
 *
 * @example
 * ```sh
 * weft viz flow.ts --outputs report --format svg --out report.svg
 * ```
 */
export function vizCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "viz")
    .description("Draw what computing the outputs would run (inputs not given are drawn as inputs all the same)")
    .argument("<module>", "the module file, relative to the working directory")
    .requiredOption("-o, --outputs <names>", "comma-separated nodes to draw the run of")
    .option("-f, --format <format>", `${FORMATS.join(", ")}`, "svg");
  return valueOptions(cmd, "an input, drawn as given")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (module: string, opts: VizFlags) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`Unknown format "${opts.format}": use ${FORMATS.map((f) => `"${f}"`).join(", ")}`);
      }
      const format = opts.format as (typeof FORMATS)[number];
      const outputs = parseOutputs(opts.outputs);
      const { inputs, config } = await readValues(host, opts);
      const flow = await loadFlowModule(host, module);
      const { Builder, isWeftError } = await import("../../mod.ts");
      await using driver = await new Builder().withModules(flow).withConfig(config).build().catch((e: unknown) => {
        throw new CliError(`Cannot build the flow "${module}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      });
      let text: string;
      try {
        text = await driver.visualizeExecution(outputs, { inputs, format });
      } catch (e) {
        if (!isWeftError(e, "missing-input")) throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
        // A drawing needs no values: missing inputs are drawn as inputs.
        const missing = Object.fromEntries((e as MissingInputError).missing.map((m) => [m.input, null]));
        text = await driver.visualizeExecution(outputs, { inputs: { ...missing, ...inputs }, format });
      }
      if (opts.out === undefined) host.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      else {
        await nodeTextFiles.writeText(host.resolvePath(opts.out), text);
        host.stderr.write(`weft: wrote ${opts.out}\n`);
      }
    });
}
