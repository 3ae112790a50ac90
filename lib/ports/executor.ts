/**
 * The Executor port: where worker nodes (and, for executors that support
 * them, map/reduce items) run. Implementations live in executors/: in-process,
 * the Worker pool, the distributed one.
 *
 * @module
 */

/** Where a node's code lives, so that another thread or process can load it. */
export interface NodeLocator {
  /** URL of the module that exports the node (file: URL). */
  readonly moduleUrl: string;
  /** The export that defines the node. */
  readonly exportName: string;
  /** The node's name (an export may define several nodes through modifiers). */
  readonly nodeName: string;
  /** Builder config, needed to rebuild nodes whose shape depends on it. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One node call to run somewhere. */
export interface ExecutorTask {
  readonly locator: NodeLocator;
  /** The function itself, for executors that run in this thread. */
  readonly fn: Function;
  /** "positional": `args` is an array; "object": `args` is the one object argument. */
  readonly style: "positional" | "object";
  readonly args: unknown;
  /** Buffers inside `args` that the caller no longer needs: they may be transferred, not copied. */
  readonly transfer: readonly ArrayBuffer[];
  /** Fires when the run no longer wants the result (failure elsewhere, cancellation, timeout). */
  readonly signal: AbortSignal;
  /**
   * Where the task ran, for executors that run it in another process or on another machine: called with
   * that worker's name (`host:pid` for `weft worker`) before the task settles. Absent when nobody asks
   * (no hook listens); executors that run tasks in this process never call it.
   */
  readonly ranOn?: (host: string) => void;
}

/**
 * Where tasks run. An executor bounds how many tasks it runs at once by its
 * own means (a pool's size, a queue's capacity): that limit alone governs
 * worker nodes, the engine's `withConcurrency` does not apply to them.
 */
export interface Executor {
  /** Shown in errors and run history ("in-process", "worker", ...). */
  readonly name: string;
  /**
   * Starts resources (workers, connections). Called once per driver, by
   * build(), with the URLs of the modules worker nodes come from, so that
   * executors running code elsewhere can load them up front.
   */
  init(modules?: readonly string[]): Promise<void>;
  /** Runs a task; rejects with the node's error (its `kind` kept) or an executor failure. */
  submit(task: ExecutorTask): Promise<unknown>;
  /** Stops resources. Safe to call twice. */
  dispose(): Promise<void>;
}
