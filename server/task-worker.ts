/**
 * Server work on a worker thread, never on the thread that answers requests:
 * drawing DAGs (draw-task.ts) and planning runs again (plan-task.ts). Workers
 * start through the runtime's WorkerFactory (Web Workers on Bun and Deno,
 * worker_threads on Node) and run weft's own worker entry, told to call a
 * task module's export the way it calls a worker node (the "run" message of
 * executors/worker-protocol.ts, which server/ may not import: it never runs
 * user work through the pool). A worker that dies, or a task past the time
 * limit, fails the tasks it held, and the next task starts a fresh worker.
 * With `fresh`, every task gets a worker of its own, ended after it answers:
 * what the task imported (a plan imports the user's modules) never piles up.
 *
 * @module
 */
import { deserializeError, type SerializedError } from "../lib/error-codec.ts";
import type { WorkerFactory, WorkerHandle } from "../lib/ports/worker-factory.ts";

/** A task: the export a worker calls, and what to call it in messages ("drawing", "plan"). */
export interface WorkerTask {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly what: string;
}

// Built to dist/ as .js; the worker imports the module by URL.
const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";

/** draw-task.ts's `drawSvg`: Graphviz's layout of a DOT source. */
export const DRAW_TASK: WorkerTask = { moduleUrl: new URL(`./draw-task.${ext}`, import.meta.url).href, exportName: "drawSvg", what: "drawing" };

/** plan-task.ts's `planRequest`: a run's request planned against the code on disk. */
export const PLAN_TASK: WorkerTask = { moduleUrl: new URL(`./plan-task.${ext}`, import.meta.url).href, exportName: "planRequest", what: "plan" };

/** Longer than any layout we measured on a busy machine (a 200-node DAG: about 100 s): then it is stuck. */
const LIMIT_MS = 300_000;

/** What the worker entry answers (the part of executors/worker-protocol.ts's FromWorker a task gets). */
type Answer =
  | { readonly type: "ok"; readonly id: number; readonly value: unknown }
  | { readonly type: "error"; readonly id: number; readonly error: SerializedError }
  | { readonly type: "crashed"; readonly message: string };

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Options of {@link TaskWorker}. */
export interface TaskWorkerOptions {
  /** How long one task may take, in ms; default 300,000. */
  readonly limitMs?: number;
  /** One worker per task, one task at a time, each worker ended after its answer; default: one worker for all. */
  readonly fresh?: boolean;
}

/**
 * Runs one task's export on a worker thread, started lazily.
 *
 * @example
 * ```ts
 * const drawer = new TaskWorker((await loadPlatform()).workers, DRAW_TASK);
 * const outcome = await drawer.run("digraph { a -> b }");
 * await drawer.close();
 * ```
 */
export class TaskWorker {
  readonly #factory: WorkerFactory;
  readonly #task: WorkerTask;
  readonly #limitMs: number;
  readonly #fresh: boolean;
  readonly #pending = new Map<number, Pending>();
  #worker: WorkerHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;

  constructor(factory: WorkerFactory, task: WorkerTask, options: TaskWorkerOptions = {}) {
    this.#factory = factory;
    this.#task = task;
    this.#limitMs = options.limitMs ?? LIMIT_MS;
    this.#fresh = options.fresh ?? false;
  }

  /** What the task's export returns for `args` (structured-cloned both ways). */
  run(...args: unknown[]): Promise<unknown> {
    if (!this.#fresh) return this.#post(args);
    const done = this.#queue.then(() => this.#post(args)).finally(() => {
      if (this.#worker !== undefined && this.#pending.size === 0) this.#end(this.#worker);
    });
    this.#queue = done.catch(() => {});
    return done;
  }

  /** Stops the worker; tasks in the making fail. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#worker) await this.#stop(this.#worker, this.#closing());
  }

  #closing(): Error {
    return new Error(`The ${this.#task.what} worker was stopped: the server is closing`);
  }

  #post(args: unknown[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closing());
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    const { moduleUrl, exportName, what } = this.#task;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A layout (or a module's top level) cannot be interrupted: stop the thread; the next task starts a fresh one.
        this.#stop(worker, new Error(`the ${what} took longer than ${Math.round(this.#limitMs / 1000)} s and was stopped`));
      }, this.#limitMs);
      this.#pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: "run", id, locator: { moduleUrl, exportName, nodeName: exportName, config: {} }, style: "positional", args }, []);
    });
  }

  #start(): WorkerHandle {
    const worker = this.#factory.start();
    const what = this.#task.what;
    worker.onMessage((message) => this.#answer(worker, message as Answer));
    worker.onExit((reason) => void this.#stop(worker, new Error(`The ${what} worker died: ${reason.message}`, { cause: reason })));
    return worker;
  }

  #answer(worker: WorkerHandle, message: Answer): void {
    if (worker !== this.#worker) return;
    if (message.type === "crashed") return void this.#stop(worker, new Error(`The ${this.#task.what} worker died: ${message.message}`));
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === "ok") pending.resolve(message.value);
    else pending.reject(deserializeError(message.error) as Error);
  }

  /** Ends an idle `worker` (a fresh worker after its task). */
  #end(worker: WorkerHandle): void {
    this.#worker = undefined;
    void worker.terminate();
  }

  /** Ends `worker` and fails what it held with `reason`. */
  #stop(worker: WorkerHandle, reason: Error): Promise<void> {
    if (worker !== this.#worker) return Promise.resolve();
    this.#worker = undefined;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    this.#pending.clear();
    return worker.terminate();
  }
}
