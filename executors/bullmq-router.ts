/**
 * The driver side of version-aware routing: which code set's queue a job
 * goes to. Workers advertise their code sets (see bullmq-registry.ts); a job
 * for `name@version` goes to a live set that holds that entry (a block job of
 * map items, to a set that holds every node of the block at its version), so
 * it only ever reaches a worker that runs the driver's code. Among sets that
 * qualify, the one with most live workers wins, ties to the lowest hash:
 * drivers asking for the same work pick the same queue, where they share its
 * job (bullmq-shared-jobs.ts). When none qualifies, the
 * router waits for one (a rolling deploy starts the new workers) up to
 * `routeTimeout`, then fails with a WorkerError that names both sides'
 * versions.
 *
 * @module
 */
import { WorkerError } from "../lib/errors.ts";
import type { Registry } from "./bullmq-registry.ts";

/** Live code sets as last read from Redis. */
interface Snapshot {
  /** Set hash → live workers running it. */
  readonly live: ReadonlyMap<string, number>;
  readonly at: number;
}

/** What a job needs of a worker. */
export interface Need {
  readonly nodeName: string;
  readonly exportName: string;
  readonly version: string;
}

/** Routes the jobs of one driver. */
export class Router {
  readonly #registry: Registry;
  readonly #queue: string;
  readonly #timeout: number;
  readonly #hint: string;
  /** Code sets never change under their hash: read once. */
  readonly #entries = new Map<string, ReadonlySet<string>>();
  #snapshot: Snapshot = { live: new Map(), at: -Infinity };
  #refreshing: Promise<Snapshot> | undefined;

  constructor(registry: Registry, queue: string, options: { timeout: number; hint: string }) {
    this.#registry = registry;
    this.#queue = queue;
    this.#timeout = options.timeout;
    this.#hint = options.hint;
  }

  /** Whether a set had a live worker at the last refresh. */
  isLive(setHash: string): boolean {
    return this.#snapshot.live.has(setHash);
  }

  /** Reads the live sets again (one read at a time). */
  refresh(): Promise<Snapshot> {
    this.#refreshing ??= this.#read().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /**
   * The set hash to send a job to; `exclude` holds sets that refused it. A wait for a live set ends when
   * `signal` fires (combined from `signals` only then: most jobs find their set at once).
   *
   * @throws {WorkerError} when no live worker runs the node's version within the route timeout
   */
  async route(needs: readonly Need[], exclude: ReadonlySet<string>, signals: readonly AbortSignal[]): Promise<string> {
    let found = this.#match(needs, exclude);
    if (found !== undefined) return found;
    const signal = AbortSignal.any([...signals]);
    const deadline = performance.now() + this.#timeout;
    for (;;) {
      // Refreshed on a miss; while waiting, a few reads a second at most.
      const snapshot = await abortable(this.refresh(), signal);
      found = this.#match(needs, exclude);
      if (found !== undefined) return found;
      const left = deadline - performance.now();
      if (left <= 0) throw this.#noRoute(needs, exclude);
      const since = performance.now() - snapshot.at;
      await abortable(new Promise((r) => setTimeout(r, Math.max(0, Math.min(250 - since, left)))), signal);
    }
  }

  #match(needs: readonly Need[], exclude: ReadonlySet<string>): string | undefined {
    let best: string | undefined;
    let bestCount = 0;
    let tentative: string | undefined;
    for (const [hash, count] of this.#snapshot.live) {
      if (exclude.has(hash)) continue;
      const entries = this.#entries.get(hash);
      if (entries === undefined) continue;
      const fit = fitOf(entries, needs);
      if (fit === "exact" && (count > bestCount || (count === bestCount && hash < best!))) [best, bestCount] = [hash, count];
      // A node shaped by config: the set's worker checks the version when it runs the job, and hands it back when it differs.
      else if (fit === "maybe" && (tentative === undefined || hash < tentative)) tentative = hash;
    }
    return best ?? tentative;
  }

  async #read(): Promise<Snapshot> {
    const live = await this.#registry.liveSets();
    const unknown = [...live.keys()].filter((h) => !this.#entries.has(h));
    for (const [hash, entries] of await this.#registry.sets(unknown)) this.#entries.set(hash, new Set(entries));
    this.#snapshot = { live, at: performance.now() };
    return this.#snapshot;
  }

  #noRoute(needs: readonly Need[], exclude: ReadonlySet<string>): WorkerError {
    // For a block: the first of its nodes that no live set holds at its version (else the first).
    const need = needs.find((n) => ![...this.#snapshot.live.keys()].some((h) => this.#entries.get(h)?.has(`${n.nodeName}@${n.version}`))) ?? needs[0]!;
    const { nodeName, version } = need;
    const waited = `waited ${this.#timeout} ms`;
    if (this.#snapshot.live.size === 0) {
      return new WorkerError(nodeName, `Cannot run node "${nodeName}": no worker serves queue "${this.#queue}" (${waited}); ${this.#hint}`);
    }
    const theirs = new Set<string>();
    for (const hash of this.#snapshot.live.keys()) {
      for (const entry of this.#entries.get(hash) ?? []) {
        if (entry.startsWith(`${nodeName}@`)) theirs.add(entry.slice(nodeName.length + 1));
        else if (entry === `?${need.exportName}` && exclude.has(hash)) theirs.add("another version (checked when run)");
      }
    }
    const running = theirs.size === 0 ? "the live workers do not define it" : `the live workers run ${[...theirs].join(", ")}`;
    return new WorkerError(nodeName, `Cannot run node "${nodeName}": no live worker on queue "${this.#queue}" runs its code version ${version} (the driver's; ${waited}); ${running}; restart the workers with the driver's code, or run the driver with the workers' code`);
  }
}

/** How a set's entries hold a job's nodes: every one at its version, some only perhaps (config-shaped), or not. */
function fitOf(entries: ReadonlySet<string>, needs: readonly Need[]): "exact" | "maybe" | undefined {
  let fit: "exact" | "maybe" = "exact";
  for (const n of needs) {
    if (entries.has(`${n.nodeName}@${n.version}`)) continue;
    if (!entries.has(`?${n.exportName}`)) return undefined;
    fit = "maybe";
  }
  return fit;
}

/** `work`, or the signal's reason once it fires (a Redis read waits for a reconnection forever). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", (onAbort = () => reject(signal.reason)), { once: true }));
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener("abort", onAbort!));
}
