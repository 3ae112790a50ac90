/**
 * This process and others, for the run history: who is recording a run, and
 * whether the process that recorded a "running" run still exists. Uses
 * node:process and node:os, which Bun, Deno and Node all provide.
 *
 * @module
 */
import { hostname } from "node:os";
import process from "node:process";
import type { RunOrigin } from "../../lib/ports/run-store.ts";

/** This process's id and host name ("unknown" when the runtime may not ask, as Deno without --allow-sys). */
export function currentProcess(): RunOrigin {
  let host = "unknown";
  try {
    host = hostname();
  } catch {
    // Deno without --allow-sys: heartbeats decide instead.
  }
  return { pid: process.pid, host };
}

/**
 * Whether process `pid` exists on this machine: signal 0 checks without
 * sending anything. `undefined` when the runtime may not ask.
 *
 * @example
 * ```ts
 * pidIsAlive(currentProcess().pid); // true
 * ```
 */
export function pidIsAlive(pid: number): boolean | undefined {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ESRCH") return false;
    // EPERM: it exists, owned by someone else.
    if (code === "EPERM") return true;
    return undefined;
  }
}
