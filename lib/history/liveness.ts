/**
 * Whether the process that started a "running" run is still alive, so that a
 * run left "running" by a process that died reads as "interrupted".
 *
 * @module
 */
import type { Liveness, RunOrigin } from "../ports/run-store.ts";

/** A run's heartbeat older than this, from another host, means its process is gone (ms). */
export const STALE_AFTER_MS = 30_000;

/**
 * The liveness rule: a run started on this host is alive while its process id
 * is (asked of the OS, exact and immediate, even during a long synchronous
 * node that holds up heartbeats); a run from another host, or when the OS
 * cannot be asked, is alive while its heartbeat (written every 5 s while it
 * runs) is younger than `staleAfterMs`.
 *
 * @example
 * ```ts
 * const alive = livenessFor({ pid: 4242, host: "build-1" }, (pid) => pidIsAlive(pid));
 * alive({ pid: 999, host: "build-1", heartbeat: Date.now() }); // false when process 999 is gone
 * ```
 */
export function livenessFor(
  self: RunOrigin,
  pidAlive: (pid: number) => boolean | undefined,
  options: { readonly staleAfterMs?: number; readonly now?: () => number } = {},
): Liveness {
  const stale = options.staleAfterMs ?? STALE_AFTER_MS;
  const now = options.now ?? Date.now;
  return (run) => {
    // "unknown": a runtime that may not read the host name (Deno without --allow-sys) cannot tell hosts apart.
    if (run.host === self.host && self.host !== "unknown") {
      if (run.pid === self.pid) return true;
      const answer = pidAlive(run.pid);
      if (answer !== undefined) return answer;
    }
    return now() - run.heartbeat < stale;
  };
}
