/**
 * The `weft` command: one program, one registration per subcommand file in
 * cli/commands/. Errors print as `weft: <message>`, never as a stack trace.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import type { CliHost } from "../runtime/shared/cli-host.ts";
import { CliError, USAGE_EXIT_CODE } from "./cli-error.ts";
import { cacheCommand } from "./commands/cache.ts";
import { diffCommand } from "./commands/diff.ts";
import { historyCommand } from "./commands/history.ts";
import { planCommand } from "./commands/plan.ts";
import { rerunCommand } from "./commands/rerun.ts";
import { runCommand } from "./commands/run.ts";
import { statsCommand } from "./commands/stats.ts";
import { uiCommand } from "./commands/ui.ts";
import { vizCommand } from "./commands/viz.ts";
import { watchCommand } from "./commands/watch.ts";
import { workerCommand } from "./commands/worker.ts";
import { WEFT_VERSION } from "../lib/version.ts";

/**
 * The program with every subcommand.
 *
 * @example
 * ```ts
 * createProgram(processHost()).helpInformation();
 * ```
 */
export function createProgram(host: CliHost): Command {
  const program = new Command("weft")
    .description("weft: Hamilton-style dataflow for TypeScript. Run flows, browse their history, look into the cache.")
    .version(WEFT_VERSION, "-V, --version", "print the version")
    .configureOutput({ writeOut: (s) => void host.stdout.write(s), writeErr: (s) => void host.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)");
  // One line per subcommand file; add new commands here.
  for (const command of [runCommand(host), planCommand(host), watchCommand(host), uiCommand(host), cacheCommand(host), historyCommand(host), diffCommand(host), statsCommand(host), rerunCommand(host), vizCommand(host), workerCommand(host)]) {
    program.addCommand(command);
  }
  return program;
}

/**
 * Runs the CLI with `host.args`; resolves to the exit code.
 *
 * @example
 * ```ts
 * const code = await runCli(processHost());
 * ```
 */
export async function runCli(host: CliHost): Promise<number> {
  const program = createProgram(host);
  if (host.args.length === 0) {
    host.stdout.write(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync([...host.args], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander printed its message (or the help) already; anything it rejects is a wrong command line.
      return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : USAGE_EXIT_CODE;
    }
    if (e instanceof CliError) {
      host.stderr.write(`weft: ${e.message}\n`);
      return e.exitCode;
    }
    host.stderr.write(`weft: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
