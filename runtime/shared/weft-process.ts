/**
 * The `weft` command as a child process, on the runtime that runs this code:
 * its own executable with weft's bin/weft.mjs (which picks cli/weft.ts on Bun,
 * dist/cli/weft.js on Deno and Node), for the web view's re-runs, which must
 * not run user code in the server's process. Uses node:child_process, which
 * Bun, Deno and Node all provide.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../current.ts";

/** A started `weft` process. */
export interface WeftProcess {
  /** Its exit code (`null` when a signal ended it), or why it could not start. */
  readonly exited: Promise<{ readonly code: number | null; readonly error?: string }>;
  /** Asks it to stop as Ctrl-C does (SIGINT): a run in flight is cancelled and recorded so. */
  interrupt(): void;
  /** Ends it at once (SIGKILL). */
  kill(): void;
}

/** Options of {@link startWeftProcess}. */
export interface WeftProcessOptions {
  readonly cwd?: string;
  /** Called with each line it writes on stderr, as it writes them (stdout is dropped). */
  readonly onLine?: (line: string) => void;
}

/**
 * The command line that starts weft's CLI here: the runtime's executable and bin/weft.mjs
 * (two folders up from this file in the source, three in dist/).
 *
 * @throws {Error} when bin/weft.mjs is not beside this package's runtime/ folder
 */
export function weftCommandLine(): string[] {
  const bin = ["../../bin/weft.mjs", "../../../bin/weft.mjs"].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
  if (bin === undefined) throw new Error(`Cannot start weft's CLI: there is no bin/weft.mjs beside ${fileURLToPath(new URL("../..", import.meta.url))}; reinstall weft`);
  const script = fileURLToPath(bin);
  // Deno asks for each permission: the CLI reads and writes the database and imports the user's modules.
  return runtimeName() === "deno" ? [process.execPath, "run", "--allow-all", script] : [process.execPath, script];
}

/**
 * Starts `weft <args>` in a child process; stderr is read line by line until it exits (never left to fill its pipe).
 *
 * @example
 * ```ts
 * const child = startWeftProcess(["rerun", id, "--from", "doubled", "--db", db], { onLine: (l) => console.log(l) });
 * const { code } = await child.exited;
 * ```
 */
export function startWeftProcess(args: readonly string[], options: WeftProcessOptions = {}): WeftProcess {
  let line: string[];
  try {
    line = weftCommandLine();
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { exited: Promise.resolve({ code: null, error }), interrupt: () => {}, kill: () => {} };
  }
  const [command, ...head] = line;
  const child = spawn(command!, [...head, ...args], { cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const lines = createInterface({ input: child.stderr!, crlfDelay: Infinity });
  if (options.onLine !== undefined) lines.on("line", options.onLine);
  const exited = new Promise<{ code: number | null; error?: string }>((resolve) => {
    child.once("error", (e) => resolve({ code: null, error: `Cannot start weft's CLI (${command}): ${e.message}` }));
    // "close", not "exit": stderr has been read to its end by then.
    child.once("close", (code) => resolve({ code }));
  });
  const signal = (s: "SIGINT" | "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
  };
  return { exited, interrupt: () => signal("SIGINT"), kill: () => signal("SIGKILL") };
}
