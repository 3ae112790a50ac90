/**
 * WorkerPoolExecutor: runs worker nodes on a fixed pool of worker threads,
 * one task per worker at a time (the work is CPU-bound). Workers start once,
 * in `init()`; a worker that dies is replaced and its task fails with the
 * cause; a task the run no longer wants is cancelled, and its worker stopped
 * and replaced if the node does not end promptly.
 *
 * @module
 */
import { deserializeError } from "../lib/error-codec.ts";
import { SerializationError, WorkerError } from "../lib/errors.ts";
import type { Executor, ExecutorTask } from "../lib/ports/executor.ts";
import type { WorkerFactory, WorkerHandle } from "../lib/ports/worker-factory.ts";
import { findCloneProblem } from "../lib/structured-clone.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

/** How long a cancelled node may take to notice its AbortSignal before its worker is stopped. */
const CANCEL_GRACE_MS = 100;

interface Pending {
  readonly id: number;
  readonly task: ExecutorTask;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  handle: WorkerHandle;
  current: Pending | undefined;
  /** Resolves the warm-up of this worker ("load" answers still expected). */
  loading?: { left: number; done: () => void };
  /** Set once the worker has said anything: it started. */
  alive: boolean;
}

/** Workers in a row that die before saying anything: the pool stops replacing them (no restart loop). */
const MAX_STARTUP_FAILURES = 3;

/** Options of {@link WorkerPoolExecutor}. */
export interface WorkerPoolOptions {
  /** Number of workers. */
  readonly size: number;
}

/**
 * A pool of worker threads behind the Executor port.
 *
 * @example
 * ```ts
 * const dr = await new Builder().withModules(flow).withWorkers({ size: 4 }).build();
 * ```
 */
export class WorkerPoolExecutor implements Executor {
  readonly name = "worker";
  readonly #size: number;
  readonly #factory: WorkerFactory;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #disposed = false;
  #startupFailures = 0;
  #broken: Error | undefined;

  constructor(factory: WorkerFactory, options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`withWorkers() option "size" must be a positive integer, got ${String(options.size)}`);
    }
    this.#factory = factory;
    this.#size = options.size;
  }

  /** Starts the workers and has each import the worker nodes' modules, so the first run does not pay for it. */
  async init(modules: readonly string[] = []): Promise<void> {
    while (this.#slots.length < this.#size) this.#slots.push(this.#startSlot());
    if (modules.length === 0) return;
    await Promise.all(this.#slots.map((slot) => new Promise<void>((done) => {
      slot.loading = { left: modules.length, done };
      for (const moduleUrl of modules) slot.handle.postMessage({ type: "load", moduleUrl } satisfies ToWorker, []);
    })));
  }

  submit(task: ExecutorTask): Promise<unknown> {
    if (this.#disposed) return Promise.reject(new Error("The worker pool was closed; build a new driver"));
    if (this.#broken) return Promise.reject(this.#broken);
    // Checked before any worker is asked: the error can name the exact place in the value.
    const problem = findCloneProblem(task.args);
    if (problem) {
      const path = task.style === "object" ? problem.path.replace(/^\./, "") : problem.path.replace(/^\[(\d+)\]/, "<argument $1>");
      return Promise.reject(new SerializationError(task.locator.nodeName, path, `${problem.detail} (in the inputs sent to a worker)`));
    }
    if (task.signal.aborted) return Promise.reject(task.signal.reason);
    return new Promise((resolve, reject) => {
      const pending: Pending = { id: this.#nextId++, task, resolve, reject };
      task.signal.addEventListener("abort", () => this.#cancel(pending), { once: true });
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const closed = new Error("The worker pool was closed while the node waited or ran");
    for (const p of this.#queue.splice(0)) p.reject(closed);
    await Promise.all(this.#slots.map((s) => {
      s.current?.reject(closed);
      s.current = undefined;
      return s.handle.terminate();
    }));
    this.#slots.length = 0;
  }

  #startSlot(): Slot {
    const slot: Slot = { handle: this.#factory.start(), current: undefined, alive: false };
    slot.handle.onMessage((message) => this.#onMessage(slot, message as FromWorker));
    slot.handle.onExit((reason) => this.#onExit(slot, reason));
    return slot;
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.current !== undefined) continue;
      const pending = this.#queue.shift()!;
      slot.current = pending;
      const { locator, style, args, transfer } = pending.task;
      const message: ToWorker = { type: "run", id: pending.id, locator, style, args };
      try {
        slot.handle.postMessage(message, transfer);
      } catch (e) {
        slot.current = undefined;
        pending.reject(new SerializationError(locator.nodeName, "", `the inputs could not be sent to a worker: ${(e as Error).message}`, { cause: e }));
      }
    }
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    slot.alive = true;
    this.#startupFailures = 0;
    if (message.type === "crashed") return this.#onExit(slot, new Error(message.message));
    if (message.type === "loaded") {
      if (slot.loading && --slot.loading.left === 0) slot.loading.done();
      return;
    }
    const pending = slot.current;
    if (pending === undefined || pending.id !== message.id) return; // a late answer to a replaced worker's task
    slot.current = undefined;
    // After a cancel the promise is settled already, and these calls do nothing.
    if (message.type === "ok") pending.resolve(message.value);
    else pending.reject(deserializeError(message.error));
    this.#dispatch();
  }

  #onExit(slot: Slot, reason: Error): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1 || this.#disposed) return;
    const pending = slot.current;
    slot.current = undefined;
    slot.loading?.done(); // a worker that dies while warming up must not hold build() back
    void slot.handle.terminate();
    if (!slot.alive && ++this.#startupFailures >= MAX_STARTUP_FAILURES) {
      this.#broken = new Error(`The worker pool cannot start workers: ${reason.message}`, { cause: reason });
      this.#slots.splice(index, 1);
      for (const p of this.#queue.splice(0)) p.reject(this.#broken);
      pending?.reject(this.#broken);
      return;
    }
    this.#slots[index] = this.#startSlot();
    if (pending) {
      const node = pending.task.locator.nodeName;
      pending.reject(new WorkerError(node, `The worker running node "${node}" died: ${reason.message}; the pool replaced it`, { cause: reason }));
    }
    this.#dispatch();
  }

  #cancel(pending: Pending): void {
    const queued = this.#queue.indexOf(pending);
    if (queued !== -1) {
      this.#queue.splice(queued, 1);
      pending.reject(pending.task.signal.reason);
      return;
    }
    const slot = this.#slots.find((s) => s.current === pending);
    if (!slot) return;
    // The run has moved on: settle now; the slot stays busy until the worker lets go of the task.
    pending.reject(pending.task.signal.reason);
    slot.handle.postMessage({ type: "cancel", id: pending.id } satisfies ToWorker, []);
    setTimeout(() => {
      if (slot.current !== pending) return;
      // CPU-bound code cannot see its signal: stop the thread and start a fresh one.
      slot.current = undefined;
      const index = this.#slots.indexOf(slot);
      void slot.handle.terminate();
      if (index !== -1 && !this.#disposed) this.#slots[index] = this.#startSlot();
      this.#dispatch();
    }, CANCEL_GRACE_MS);
  }
}
