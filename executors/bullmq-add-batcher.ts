/**
 * Coalesces the jobs a driver submits in the same tick of its event loop into
 * one `queue.addBulk` per queue (one round trip and one script call for up to
 * {@link ADD_BATCH} jobs instead of one each: a map's ready items are
 * submitted together), and records their ownership with the same flush.
 *
 * @module
 */
import type { JobsOptions, Queue } from "bullmq";

/** Jobs added in one `addBulk` at most. */
export const ADD_BATCH = 500;

interface Entry {
  readonly name: string;
  readonly data: unknown;
  readonly opts: JobsOptions;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** Batches the adds to one queue; `own` is called with each batch's job ids before the batch is added. */
export class AddBatcher {
  readonly #queue: Queue;
  readonly #own: (jobIds: readonly string[]) => Promise<void>;
  #entries: Entry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(queue: Queue, own: (jobIds: readonly string[]) => Promise<void>) {
    this.#queue = queue;
    this.#own = own;
  }

  /** Resolves once the job is in the queue. */
  add(name: string, data: unknown, opts: JobsOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#entries.push({ name, data, opts, resolve, reject });
      if (this.#entries.length >= ADD_BATCH) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), 0);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#entries;
    this.#entries = [];
    if (batch.length === 0) return;
    // Sent together on one connection: Redis runs the ownership record first, so a reaper never misses a job.
    const owned = this.#own(batch.map((e) => e.opts.jobId!));
    const added = this.#queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })));
    Promise.all([owned, added]).then(
      () => batch.forEach((e) => e.resolve()),
      (error) => batch.forEach((e) => e.reject(error)),
    );
  }
}
