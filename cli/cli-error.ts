/**
 * The CLI's error: a message for people, printed as `weft: <message>` with
 * no stack trace, and an exit code. The codes: 0 done, 1 the command failed
 * (a node threw, a database is damaged), 2 the command line is wrong (an
 * unknown option or name, a malformed value, a file it names that is not
 * there), 130 interrupted.
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
  override readonly name: string = "CliError";
  readonly exitCode: number;
  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The exit code of a command line that is wrong, as with most Unix tools. */
export const USAGE_EXIT_CODE = 2;

/**
 * A command line that is wrong: exits 2. The message says what to type instead.
 *
 * @example
 * ```ts
 * throw new UsageError(`Option "--input" needs name=value, got "day"; such as --input day=2026-11-22`);
 * ```
 */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { ...options, exitCode: USAGE_EXIT_CODE });
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
