/**
 * The CLI's error: a message for people, printed as `weft: <message>` with
 * no stack trace, and an exit code.
 *
 * @module
 */
import { Command } from "commander";
import type { CliHost } from "../runtime/shared/cli-host.ts";

/**
 * A failure the CLI reports in words and exits with.
 *
 * @example
 * ```ts
 * throw new CliError(`No module at "flow.ts": check the path`);
 * ```
 */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: number;
  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * A subcommand with the settings every weft command shares: output through
 * the host, errors thrown instead of exiting (main decides the exit code).
 *
 * @example
 * ```ts
 * const cmd = weftCommand(host, "viz").description("Draw a flow");
 * ```
 */
export function weftCommand(host: CliHost, name: string): Command {
  return new Command(name)
    .configureOutput({ writeOut: (s) => void host.stdout.write(s), writeErr: (s) => void host.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)");
}

/** The database option every command that reads or writes history takes. */
export const DB_OPTION = ["--db <path>", "the SQLite file of the cache and run history", ".weft/weft.db"] as const;
