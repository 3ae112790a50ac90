/**
 * Entry of a Deno Web Worker. Deno ends a worker that calls `Deno.exit` (or
 * `process.exit`) without telling the main thread, so the exit is reported
 * first; then the shared Web Worker entry takes over. This wrapping touches
 * `Deno` and `process`, which executors/web-worker-entry.ts may not (only
 * runtime/ touches runtime globals): hence an entry of Deno's own.
 *
 * @module
 */
import "../../executors/web-worker-entry.ts";

const scope = globalThis as unknown as { postMessage(message: unknown): void };
const report = (code: unknown) => scope.postMessage({ type: "crashed", message: `the worker exited with code ${String(code ?? 0)}` });
const deno = Deno as unknown as { exit(code?: number): never };
const denoExit = deno.exit.bind(deno);
deno.exit = (code?: number): never => {
  report(code);
  return denoExit(code);
};
const proc = (globalThis as { process?: { exit(code?: number): never } }).process;
if (proc) {
  const processExit = proc.exit.bind(proc);
  proc.exit = (code?: number): never => {
    report(code);
    return processExit(code);
  };
}
