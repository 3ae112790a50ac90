/**
 * Map items' blocks as jobs: items of the same block that start together
 * (a map pulls up to its `concurrency` items at once) are sent in batches of
 * up to {@link DEFAULT_BLOCK_BATCH} items per job, so that a map of many small
 * items costs a job per batch, not a job per item and node. While fewer than
 * {@link BLOCK_SPREAD} block jobs are in flight, items are spread over that
 * many jobs first: a few slow items go to several workers, not to one.
 *
 * @module
 */
import type { BlockOutcome, ExecutorBlock } from "../lib/ports/executor.ts";

/** Items of one block per job, unless `bullmqExecutor({ blockBatch })` says otherwise. */
export const DEFAULT_BLOCK_BATCH = 16;

/** Block jobs this executor keeps in flight before it fills batches. */
export const BLOCK_SPREAD = 8;

interface Waiting {
  readonly block: ExecutorBlock;
  readonly resolve: (outcome: BlockOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** Gathers the items submitted in one turn of the event loop and sends them in batches. */
export class BlockBatcher {
  readonly #size: () => number;
  readonly #send: (blocks: readonly ExecutorBlock[]) => Promise<readonly BlockOutcome[]>;
  /** Items waiting for the end of this turn, by block shape (its nodes and config). */
  #waiting = new Map<string, Waiting[]>();
  #scheduled = false;
  #inFlight = 0;

  constructor(size: () => number, send: (blocks: readonly ExecutorBlock[]) => Promise<readonly BlockOutcome[]>) {
    this.#size = size;
    this.#send = send;
  }

  add(block: ExecutorBlock): Promise<BlockOutcome> {
    return new Promise((resolve, reject) => {
      const shape = block.nodes.map((n) => `${n.moduleUrl}\0${n.exportName}\0${n.nodeName}`).join("\0");
      let list = this.#waiting.get(shape);
      if (list === undefined) this.#waiting.set(shape, (list = []));
      list.push({ block, resolve, reject });
      // Sent at the end of this turn, with whatever else starts in it: batch sizes depend on how many there are.
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.#flushAll());
      }
    });
  }

  #flushAll(): void {
    this.#scheduled = false;
    const all = this.#waiting;
    this.#waiting = new Map();
    for (const list of all.values()) this.#flush(list);
  }

  #flush(list: readonly Waiting[]): void {
    // One config per job: items of runs with other configs go in jobs of their own.
    const byConfig = new Map<object, Waiting[]>();
    for (const w of list) {
      let same = byConfig.get(w.block.config);
      if (same === undefined) byConfig.set(w.block.config, (same = []));
      same.push(w);
    }
    for (const same of byConfig.values()) {
      const size = Math.min(this.#size(), Math.ceil(same.length / Math.max(1, BLOCK_SPREAD - this.#inFlight)));
      for (let i = 0; i < same.length; i += size) this.#sendBatch(same.slice(i, i + size));
    }
  }

  #sendBatch(batch: readonly Waiting[]): void {
    this.#inFlight++;
    this.#send(batch.map((w) => w.block)).then(
      (outcomes) => batch.forEach((w, i) => w.resolve(outcomes[i]!)),
      (error) => batch.forEach((w) => w.reject(error)),
    ).finally(() => this.#inFlight--);
  }
}

/** A signal that fires once every one of `signals` has fired (a batch is withdrawn when no item wants it). */
export function allAborted(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  let left = signals.length;
  for (const s of signals) {
    const one = () => {
      if (--left === 0) controller.abort(s.reason);
    };
    if (s.aborted) one();
    else s.addEventListener("abort", one, { once: true });
  }
  return controller.signal;
}
