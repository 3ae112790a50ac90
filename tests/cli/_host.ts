/** A CliHost for tests: arguments in, stdout and stderr collected, interrupts on demand. */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runCli } from "../../cli/main.ts";
import type { CliHost } from "../../runtime/shared/cli-host.ts";

/** What a CLI call printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A host working in `cwd`; `interrupt()` fires the Ctrl-C handlers. */
export function testHost(cwd: string, args: readonly string[]): CliHost & { out: string[]; err: string[]; interrupt(): void } {
  const out: string[] = [];
  const err: string[] = [];
  const handlers = new Set<() => void>();
  return {
    args, out, err,
    cwd: () => cwd,
    resolvePath: (p) => resolve(cwd, p),
    moduleUrl: (p) => pathToFileURL(resolve(cwd, p)).href,
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: (s: string) => err.push(s), isTTY: false },
    onInterrupt(fn) {
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
    interrupt: () => [...handlers].forEach((h) => h()),
    pid: 1,
    hostname: "test-host",
    onShutdown: (listener) => void handlers.add(() => listener("SIGINT")),
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
  };
}

/** Runs `weft <args>` in `cwd`. */
export async function weft(cwd: string, ...args: string[]): Promise<CliResult> {
  const host = testHost(cwd, args);
  const code = await runCli(host);
  return { code, stdout: host.out.join(""), stderr: host.err.join("") };
}
