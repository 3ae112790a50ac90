/**
 * What the `weft` command needs from the process it runs in: arguments,
 * working directory, output streams, signals, exit. node:process, node:path
 * and node:url, which Bun, Deno and Node all provide.
 *
 * @module
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

/** The process as the CLI sees it; tests hand in their own. */
export interface CliHost {
  /** Arguments after the program name. */
  readonly args: readonly string[];
  cwd(): string;
  /** An absolute path for `path` given relative to the working directory. */
  resolvePath(path: string): string;
  /** The file URL of a module path given relative to the working directory. */
  moduleUrl(path: string): string;
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Calls `fn` on Ctrl-C or a termination signal; returns the removal. */
  onInterrupt(fn: () => void): () => void;
  /** Process id and machine name, for names in messages (`weft worker`). */
  readonly pid: number;
  readonly hostname: string;
  /** For long-running commands: calls `listener` once on SIGINT or SIGTERM; a second signal ends the process at once. */
  onShutdown(listener: (signal: string) => void): void;
  exit(code: number): never;
}

/**
 * The real process.
 *
 * @example
 * ```ts
 * await runCli(processHost());
 * ```
 */
export function processHost(): CliHost {
  return {
    args: process.argv.slice(2),
    cwd: () => process.cwd(),
    resolvePath: (path) => resolve(process.cwd(), path),
    moduleUrl: (path) => pathToFileURL(resolve(process.cwd(), path)).href,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(fn) {
      process.on("SIGINT", fn);
      process.on("SIGTERM", fn);
      return () => {
        process.off("SIGINT", fn);
        process.off("SIGTERM", fn);
      };
    },
    pid: process.pid,
    hostname: hostname(),
    onShutdown(listener) {
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) process.exit(130);
        stopping = true;
        listener(signal);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    },
    exit: (code) => process.exit(code),
  };
}
