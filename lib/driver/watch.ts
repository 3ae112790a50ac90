/**
 * `driver.watch(outputs, options)`: runs the outputs, watches the flow's
 * module files and the project files they reach by relative import, and on
 * each save reloads them (the runtime's ModuleReloader), rebuilds the driver
 * with the same cache, run history and executor, and runs again. Saves in
 * quick succession make one run; a save during a run cancels it and starts
 * again; a file that does not load is reported, and the watch waits for the
 * next save.
 *
 * @module
 */
import { ModuleLoadError } from "../errors.ts";
import type { Graph } from "../graph/graph.ts";
import type { Hook, NodeEndEvent } from "../hooks.ts";
import type { FileWatch, ModuleFiles, ModuleReloader } from "../ports/module-reloader.ts";
import type { PlatformLoader } from "../ports/platform.ts";

type Values = Readonly<Record<string, unknown>>;

/** Options of `driver.watch`. */
export interface WatchOptions {
  /** Values of the graph's external inputs, for every run. */
  readonly inputs?: Values;
  /** Values that replace nodes, for every run. */
  readonly overrides?: Values;
  /** Ends the watch (as `return()` does): the run in flight is cancelled, the files are no longer watched. */
  readonly signal?: AbortSignal;
  /** How long to wait after a save for more saves before running, in ms; default 80. */
  readonly debounceMs?: number;
}

/** One node of a watched run, as `weft watch` prints it. */
export interface WatchedNode {
  readonly node: string;
  /** "from cache": its result was reused; "computed": it ran (`reason` says why it missed). */
  readonly status: "from cache" | "computed" | "failed";
  readonly reason?: string;
}

/** What `driver.watch` yields for each finished run, or for a save that did not load. */
export type WatchRun = {
  /** The run's id in the cache and the run history; `undefined` when nothing ran (the modules did not load). */
  readonly runId: string | undefined;
  /** The files saved since the previous record (absolute paths); empty for the first run. */
  readonly changed: readonly string[];
  /** The nodes that ran, in the order they finished. */
  readonly nodes: readonly WatchedNode[];
} & ({ readonly ok: true; readonly results: Record<string, unknown> } | { readonly ok: false; readonly error: unknown });

/** A module as a rebuild takes it: freshly imported exports and its real file. */
export interface ReloadedModule {
  readonly name: string;
  readonly exports: Record<string, unknown>;
  readonly url: string;
}

/** What a rebuilt driver offers the watch. */
export interface WatchRunner {
  readonly graph: Graph;
  execute(outputs: readonly string[], options: { inputs?: Values; overrides?: Values; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  /** Stops what this rebuild started for itself (a Worker pool for worker nodes); the shared stores stay open. */
  dispose(): Promise<void>;
}

/** How a Driver was built, so that the watch can build it again from reloaded modules (made by the Builder). */
export interface WatchSource {
  /** Each module's name and file URL (`undefined`: given as an object with no file). */
  readonly modules: readonly { readonly name: string; readonly url: string | undefined }[];
  readonly loadPlatform: PlatformLoader | undefined;
  /** A driver of `modules` with the first build's settings, cache, run history and executor, plus `hooks`. */
  rebuild(modules: readonly ReloadedModule[], hooks: readonly Hook[]): Promise<WatchRunner>;
}

const DEFAULT_DEBOUNCE_MS = 80;

/** The async iterator `driver.watch` returns; see {@link WatchOptions}. */
export class DriverWatch implements AsyncIterableIterator<WatchRun> {
  readonly #source: WatchSource;
  readonly #outputs: readonly string[];
  readonly #options: WatchOptions;
  readonly #urls: readonly string[];
  readonly #records: WatchRun[] = [];
  readonly #waiting: { resolve: (r: IteratorResult<WatchRun>) => void; reject: (e: unknown) => void }[] = [];
  #failure: { error: unknown } | undefined;
  #reloader: ModuleReloader | undefined;
  #started = false;
  #closed = false;
  #watch: FileWatch | undefined;
  #watched = "";
  #changed = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Aborts the cycle in flight (its load or its run) when a file changes. */
  #current: AbortController | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  /** The latest rebuild: disposed when the next one replaces it, and when the watch ends. */
  #runner: WatchRunner | undefined;
  readonly #onAbort = () => void this.return();

  constructor(source: WatchSource, outputs: readonly string[], options: WatchOptions) {
    const debounce = options.debounceMs;
    if (debounce !== undefined && (!Number.isFinite(debounce) || debounce < 0)) {
      throw new RangeError(`watch() option "debounceMs" must be a number of at least 0, got ${String(debounce)}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError("watch() option \"signal\" must be an AbortSignal");
    const fileless = source.modules.find((m) => m.url === undefined);
    if (fileless !== undefined) {
      throw new TypeError(
        `watch() needs the file of every module, and module "${fileless.name}" was given without one; pass withModules({ name: "${fileless.name}", exports, url: import.meta.url }) with the module's own URL`,
      );
    }
    this.#source = source;
    this.#outputs = outputs;
    this.#options = options;
    this.#urls = source.modules.map((m) => m.url!);
    if (options.signal?.aborted) this.#closed = true;
    else options.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next finished run (the first one starts on the first call). */
  next(): Promise<IteratorResult<WatchRun>> {
    if (this.#records.length > 0) return Promise.resolve({ done: false, value: this.#records.shift()! });
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    if (!this.#started) {
      this.#started = true;
      this.#kick();
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Ends the watch: cancels the run in flight, stops watching files, and resolves once nothing runs. */
  async return(): Promise<IteratorResult<WatchRun>> {
    if (!this.#closed) {
      this.#closed = true;
      this.#options.signal?.removeEventListener("abort", this.#onAbort);
      clearTimeout(this.#timer);
      this.#watch?.close();
      this.#current?.abort(new Error("The watch ended"));
      await this.#cycle?.catch(() => undefined);
      await this.#runner?.dispose().catch(() => undefined);
      this.#runner = undefined;
      this.#reloader?.dispose();
      for (const w of this.#waiting.splice(0)) w.resolve({ done: true, value: undefined });
    }
    return { done: true, value: undefined };
  }

  /** Starts a cycle now, or once the one in flight (cancelled) has wound down. */
  #kick(): void {
    if (this.#closed) return;
    if (this.#cycle !== undefined) {
      this.#again = true;
      this.#current?.abort(new Error("A watched file changed"));
      return;
    }
    this.#cycle = this.#runCycle()
      .catch((e) => this.#fail(e))
      .finally(() => {
        this.#cycle = undefined;
        if (this.#again) {
          this.#again = false;
          this.#kick();
        }
      });
  }

  #onChange(file: string): void {
    if (this.#closed) return;
    this.#changed.add(file);
    // The run in flight is stale from the first save; the next starts once the saves stop.
    this.#current?.abort(new Error("A watched file changed"));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#kick(), this.#options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  async #runCycle(): Promise<void> {
    const controller = new AbortController();
    this.#current = controller;
    const changed = [...this.#changed];
    this.#changed.clear();
    // A cycle cut short hands its files on to the next record.
    const cancelled = () => {
      for (const f of changed) this.#changed.add(f);
    };
    const reloader = this.#reloader ??= await this.#loadReloader();
    const scan = await reloader.scan(this.#urls);
    this.#watchFiles(reloader, scan);
    if (this.#closed || controller.signal.aborted) return cancelled();
    if (scan.syntaxError !== undefined) {
      const { file, line, column, message } = scan.syntaxError;
      return this.#emit({ runId: undefined, changed, nodes: [], ok: false, error: new ModuleLoadError(file, message, { line, column }) });
    }
    let exports: Record<string, unknown>[];
    try {
      exports = await reloader.importFresh(this.#urls, scan.files);
    } catch (e) {
      return this.#emit({ runId: undefined, changed, nodes: [], ok: false, error: loadError(e, scan.files, this.#urls[0]!) });
    }
    const nodes = new Map<string, WatchedNode>();
    let runId: string | undefined;
    const collector: Hook = {
      beforeGraph: (e) => void (runId = e.runId),
      afterNode: (e) => {
        if (e.runId === runId) nodes.set(e.node, merge(nodes.get(e.node), watchedNode(e)));
      },
    };
    let runner: WatchRunner;
    try {
      const modules = this.#source.modules.map((m, i) => ({ name: m.name, exports: { ...exports[i]! }, url: m.url! }));
      runner = await this.#source.rebuild(modules, [collector]);
    } catch (e) {
      return this.#emit({ runId: undefined, changed, nodes: [], ok: false, error: e });
    }
    // Cycles follow one another: the previous rebuild's run is over.
    await this.#runner?.dispose().catch(() => undefined);
    this.#runner = runner;
    if (this.#closed) {
      await runner.dispose().catch(() => undefined);
      this.#runner = undefined;
      return;
    }
    // Code versions were read from the files after the import: a save in between would pair new versions with old code.
    if ((await reloader.scan(this.#urls)).stamp !== scan.stamp) {
      this.#again = true;
      return cancelled();
    }
    if (this.#closed || controller.signal.aborted) return cancelled();
    try {
      const results = await runner.execute(this.#outputs, { ...this.#runValues(), signal: controller.signal });
      this.#emit({ runId, changed, nodes: [...nodes.values()], ok: true, results });
    } catch (e) {
      if (controller.signal.aborted) return cancelled();
      this.#emit({ runId, changed, nodes: [...nodes.values()], ok: false, error: e });
    }
  }

  #runValues(): { inputs?: Values; overrides?: Values } {
    const { inputs, overrides } = this.#options;
    return { ...(inputs === undefined ? {} : { inputs }), ...(overrides === undefined ? {} : { overrides }) };
  }

  async #loadReloader(): Promise<ModuleReloader> {
    const platform = this.#source.loadPlatform === undefined ? undefined : await this.#source.loadPlatform();
    const reloader = await platform?.moduleReloader?.();
    if (reloader === undefined) {
      throw new TypeError("watch() needs a runtime that reloads modules; use the Builder exported by \"weft\" (on Bun, Deno or Node)");
    }
    return reloader;
  }

  /** Watches the files of the latest scan (the imports may have changed with the save). */
  #watchFiles(reloader: ModuleReloader, scan: ModuleFiles): void {
    const key = [...scan.files].sort().join("\0");
    if (this.#closed || key === this.#watched) return;
    this.#watch?.close();
    this.#watched = key;
    this.#watch = reloader.watch(scan.files, (file) => this.#onChange(file));
  }

  #emit(record: WatchRun): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter.resolve({ done: false, value: record });
    else this.#records.push(record);
  }

  /** A failure of the watch itself (no reloader): the next `next()` rejects, and the watch ends. */
  #fail(error: unknown): void {
    this.#failure = { error };
    const waiting = this.#waiting.splice(0);
    void this.return();
    for (const w of waiting) w.reject(error);
  }
}

function watchedNode(e: NodeEndEvent): WatchedNode {
  if (!e.success) return { node: e.node, status: "failed" };
  if (e.cache?.status === "hit") return { node: e.node, status: "from cache" };
  return { node: e.node, status: "computed", reason: e.cache?.reason ?? "not cached" };
}

/** One entry per node (map items are several events): failed over computed over from cache. */
function merge(before: WatchedNode | undefined, now: WatchedNode): WatchedNode {
  const rank = { "from cache": 0, computed: 1, failed: 2 };
  return before !== undefined && rank[before.status] >= rank[now.status] ? before : now;
}

/**
 * A module that did not import as a ModuleLoadError naming the first of the
 * project's files on its stack (where a top-level throw happened), else the module.
 */
function loadError(error: unknown, files: readonly string[], url: string): ModuleLoadError {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
  const detail = error instanceof Error ? error.message : String(error);
  for (const m of text.matchAll(/(file:\/\/[^\s)'"]+?|\/[^\s)'":]+):(\d+):(\d+)/g)) {
    const file = m[1]!.startsWith("file:") ? decodeURIComponent(new URL(m[1]!).pathname) : m[1]!;
    if (files.includes(file)) return new ModuleLoadError(file, detail, { line: Number(m[2]), column: Number(m[3]), cause: error });
  }
  const file = decodeURIComponent(new URL(url).pathname);
  return new ModuleLoadError(file, detail, { cause: error });
}
