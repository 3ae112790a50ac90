/**
 * Live progress for server-sent events. One timer for the whole app (only
 * while someone listens) polls the store's `version()` — SQLite's
 * `data_version`, which changes when any process commits, so an idle poll
 * reads no table. When it changes, each listener gets the node records
 * written since the last batch it saw. Runs whose process died show up
 * through a slower full check, since a dead process writes nothing.
 *
 * @module
 */
import type { NodeRecord, RunHistory, RunSummary } from "../lib/ports/run-store.ts";
import { progressText } from "./run-model.ts";

/** What a listener receives. */
export type LiveEvent =
  | { readonly event: "progress"; readonly data: { readonly run: RunSummary; readonly progress: string; readonly nodes: readonly NodeRecord[]; readonly batch: number } }
  | { readonly event: "end"; readonly data: { readonly run: RunSummary } };

interface Listener {
  readonly runId: string;
  since: number;
  readonly send: (e: LiveEvent) => void;
  readonly end: () => void;
}

/**
 * Fans the store's changes out to listeners of single runs.
 *
 * @example
 * ```ts
 * const live = new LiveRuns(history, { pollMs: 250 });
 * const stop = live.listen(runId, -1, (e) => console.log(e.event), () => console.log("ended"));
 * ```
 */
export class LiveRuns {
  readonly #history: RunHistory;
  readonly #pollMs: number;
  readonly #listeners = new Set<Listener>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #version = -1;
  #ticks = 0;

  constructor(history: RunHistory, options: { readonly pollMs?: number } = {}) {
    this.#history = history;
    this.#pollMs = options.pollMs ?? 250;
  }

  /** Listens to run `runId` from batch `since` on; sends what is there now at once. Returns the unsubscribe. */
  listen(runId: string, since: number, send: (e: LiveEvent) => void, end: () => void): () => void {
    const listener: Listener = { runId, since, send, end };
    this.#listeners.add(listener);
    this.#timer ??= setInterval(() => this.#tick(), this.#pollMs);
    this.#update(listener);
    return () => this.#remove(listener);
  }

  /** How many listen now (for tests and the status line). */
  get size(): number {
    return this.#listeners.size;
  }

  /** Ends every listener and stops the timer. */
  close(): void {
    for (const l of [...this.#listeners]) {
      this.#remove(l);
      l.end();
    }
  }

  #tick(): void {
    // Every 2 s regardless of writes: a dead process's run turns "interrupted" without a commit.
    const full = ++this.#ticks % Math.max(1, Math.round(2000 / this.#pollMs)) === 0;
    let version: number;
    try {
      version = this.#history.version();
    } catch {
      return;
    }
    if (version === this.#version && !full) return;
    this.#version = version;
    for (const l of [...this.#listeners]) this.#update(l);
  }

  #update(l: Listener): void {
    try {
      const run = this.#history.getRun(l.runId);
      if (run === undefined) return this.#finish(l);
      const nodes = this.#history.nodesOf(l.runId, { since: l.since });
      const { inputs: _i, overrides: _o, config: _c, graph: _g, error: _e, heartbeat: _h, ...summary } = run;
      if (nodes.length > 0 || run.batch > l.since) {
        l.send({ event: "progress", data: { run: summary, progress: progressText(summary), nodes, batch: run.batch } });
        l.since = run.batch;
      }
      if (run.status !== "running") {
        l.send({ event: "end", data: { run: summary } });
        this.#finish(l);
      }
    } catch {
      // A store that fails now may answer on the next tick; the page shows what it had.
    }
  }

  #finish(l: Listener): void {
    this.#remove(l);
    l.end();
  }

  #remove(l: Listener): void {
    this.#listeners.delete(l);
    if (this.#listeners.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
