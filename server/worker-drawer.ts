/**
 * Drawing on a worker thread: one worker per server, started on the first
 * drawing through the runtime's WorkerFactory (Web Workers on Bun and Deno,
 * worker_threads on Node). The worker is weft's own worker entry: it is told
 * to run draw-task.ts's `drawSvg` the way it runs a worker node (the "run"
 * message of executors/worker-protocol.ts, which server/ may not import: it
 * never runs user work, so it does not use the worker pool). A worker that
 * dies, or a drawing past the time limit, fails the drawings it held and the
 * next drawing starts a fresh worker.
 *
 * @module
 */
import { deserializeError, type SerializedError } from "../lib/error-codec.ts";
import type { WorkerFactory, WorkerHandle } from "../lib/ports/worker-factory.ts";
import type { DrawOutcome } from "./draw-task.ts";

/** Longer than any layout we measured on a busy machine (a 200-node DAG: about 100 s): then it is stuck. */
const DRAW_LIMIT_MS = 300_000;

// Built to dist/ as .js; the worker imports the module by URL.
const TASK_URL = new URL(import.meta.url.endsWith(".ts") ? "./draw-task.ts" : "./draw-task.js", import.meta.url).href;

/** What the worker entry answers (the part of executors/worker-protocol.ts's FromWorker a drawing gets). */
type Answer =
  | { readonly type: "ok"; readonly id: number; readonly value: unknown }
  | { readonly type: "error"; readonly id: number; readonly error: SerializedError }
  | { readonly type: "crashed"; readonly message: string };

interface Pending {
  readonly resolve: (outcome: DrawOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Options of {@link WorkerDrawer}. */
export interface WorkerDrawerOptions {
  /** How long one drawing may take, in ms; default 300,000. */
  readonly limitMs?: number;
  /** The module and export the worker runs (tests point it elsewhere); default draw-task.ts's `drawSvg`. */
  readonly task?: { readonly moduleUrl: string; readonly exportName: string };
}

/**
 * Draws SVG on one worker thread, started lazily.
 *
 * @example
 * ```ts
 * const drawer = new WorkerDrawer((await loadPlatform()).workers);
 * const outcome = await drawer.draw("digraph { a -> b }");
 * await drawer.close();
 * ```
 */
export class WorkerDrawer {
  readonly #factory: WorkerFactory;
  readonly #limitMs: number;
  readonly #task: { readonly moduleUrl: string; readonly exportName: string };
  readonly #pending = new Map<number, Pending>();
  #worker: WorkerHandle | undefined;
  #nextId = 1;
  #closed = false;

  constructor(factory: WorkerFactory, options: WorkerDrawerOptions = {}) {
    this.#factory = factory;
    this.#limitMs = options.limitMs ?? DRAW_LIMIT_MS;
    this.#task = options.task ?? { moduleUrl: TASK_URL, exportName: "drawSvg" };
  }

  /** The SVG of `dot`, laid out on the worker. */
  draw(dot: string): Promise<DrawOutcome> {
    if (this.#closed) return Promise.reject(new Error("The drawing worker was stopped: the server is closing"));
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    const { moduleUrl, exportName } = this.#task;
    return new Promise<DrawOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Graphviz cannot be interrupted: stop the thread; the next drawing starts a fresh one.
        this.#stop(worker, new Error(`the drawing took longer than ${Math.round(this.#limitMs / 1000)} s and was stopped`));
      }, this.#limitMs);
      this.#pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: "run", id, locator: { moduleUrl, exportName, nodeName: exportName, config: {} }, style: "positional", args: [dot] }, []);
    });
  }

  /** Stops the worker; drawings in the making fail. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#worker) await this.#stop(this.#worker, new Error("The drawing worker was stopped: the server is closing"));
  }

  #start(): WorkerHandle {
    const worker = this.#factory.start();
    worker.onMessage((message) => this.#answer(worker, message as Answer));
    worker.onExit((reason) => void this.#stop(worker, new Error(`The drawing worker died: ${reason.message}`, { cause: reason })));
    return worker;
  }

  #answer(worker: WorkerHandle, message: Answer): void {
    if (worker !== this.#worker) return;
    if (message.type === "crashed") return void this.#stop(worker, new Error(`The drawing worker died: ${message.message}`));
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === "ok") pending.resolve(message.value as DrawOutcome);
    else pending.reject(deserializeError(message.error) as Error);
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
