/**
 * One map/reduce block in flight: pulls items from the parallelizable's
 * iterable only while fewer than `concurrency` items are in flight (and, for
 * streaming collects, while the consumer keeps up), runs one frame per item,
 * and gathers each item's values in item order. Per-item bookkeeping is O(1);
 * every step is driven by an event (an item finishing, a pull resolving, the
 * consumer reading), never by polling.
 *
 * @module
 */
import { MapReduceError } from "../errors.ts";
import type { BlockTask, CompiledFrame } from "./compile.ts";
import type { ItemResult } from "../modifiers/map-reduce.ts";
import { OrderedChannel } from "./ordered-channel.ts";

/** What a block needs from the engine's loop. */
export interface EngineLink {
  /** Schedules a new frame's ready tasks. */
  start(frame: Frame): void;
  /** Fills a slot and wakes the tasks waiting for it. */
  fill(frame: Frame, slot: number, value: unknown): void;
  /** One task of `frame` finished. */
  taskDone(frame: Frame): void;
  /** Asks the loop to call `block.pump()` soon (never re-entrantly). */
  pump(block: BlockRun): void;
  /** Fails the run at task `task` of `frame`. */
  fail(frame: Frame, task: number, cause: unknown): void;
  /** The block finished or failed: it holds nothing any more. */
  blockEnded(block: BlockRun): void;
}

/** The values and counters of one frame: the top frame of a run, or one item of a block. */
export class Frame {
  readonly pending: Int32Array;
  remaining: number;
  /** Set when this item failed in a keep-going block: its remaining tasks are dropped. */
  failed = false;
  /** Data versions by slot, when the run uses the cache (see node-caching.ts). */
  versions: (string | undefined)[] | undefined;

  constructor(
    readonly plan: CompiledFrame,
    readonly values: unknown[],
    readonly block: BlockRun | undefined,
    readonly index: number,
  ) {
    this.pending = plan.pending.slice();
    this.remaining = plan.tasks.length;
  }

  /** True when this frame, or an item or block enclosing it, has failed: its work no longer matters. */
  dead(): boolean {
    for (let f: Frame | undefined = this; f !== undefined; f = f.block?.parent) {
      if (f.failed || f.block?.failed) return true;
    }
    return false;
  }

  /** The items this frame runs for, outermost first. */
  itemPath(): { readonly node: string; readonly index: number }[] {
    const path: { node: string; index: number }[] = [];
    for (let f: Frame | undefined = this; f?.block !== undefined; f = f.block.parent) {
      path.unshift({ node: f.block.task.node.name, index: f.index });
    }
    return path;
  }
}

/** A block being iterated. */
export class BlockRun {
  failed = false;
  #done = false;
  #pumpRequested = false;
  #inFlight = 0;
  #count = 0;
  #exhausted = false;
  #pulling = false;
  readonly #arrays: unknown[][];
  readonly #channels: (OrderedChannel<unknown> | undefined)[];
  readonly #keepGoing: boolean;

  private constructor(
    readonly link: EngineLink,
    readonly parent: Frame,
    readonly task: BlockTask,
    readonly taskIndex: number,
    readonly iterator: Iterator<unknown> | AsyncIterator<unknown>,
    readonly sync: boolean,
  ) {
    this.#keepGoing = task.role.onItemError === "collect";
    this.#arrays = Array.from(task.gather, () => []);
    this.#channels = Array.from(task.stream, (s, j) => {
      if (s !== 1) return undefined;
      const channel = new OrderedChannel<unknown>();
      channel.onDrain = () => this.#requestPump();
      link.fill(parent, task.outs[j]!, channel);
      return channel;
    });
  }

  /** Starts the block of `task` in `parent`, or fails the parent when the items are not iterable. */
  static start(link: EngineLink, parent: Frame, task: BlockTask, taskIndex: number): BlockRun | undefined {
    const items = parent.values[task.itemsSlot] as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null;
    let iterator: Iterator<unknown> | AsyncIterator<unknown>;
    let sync: boolean;
    if (items !== null && typeof items === "object" && typeof items[Symbol.iterator] === "function") {
      iterator = (items as Iterable<unknown>)[Symbol.iterator]();
      sync = true;
    } else if (items !== null && typeof items === "object" && typeof items[Symbol.asyncIterator] === "function") {
      iterator = (items as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      sync = false;
    } else {
      const got = items === null ? "null" : Array.isArray(items) ? "an array" : typeof items === "string" ? "a string" : typeof items;
      failFrame(link, parent, taskIndex, task.node.name, new MapReduceError(
        task.node.name,
        `Node "${task.node.name}" is parallelizable and must return an array, an iterable or an async iterable of items: got ${got}${typeof items === "string" ? "; wrap it in an array to make it one item" : ""}`,
      ));
      return undefined;
    }
    const block = new BlockRun(link, parent, task, taskIndex, iterator, sync);
    block.#requestPump();
    return block;
  }

  #requestPump(): void {
    if (this.#pumpRequested || this.#done) return;
    this.#pumpRequested = true;
    this.link.pump(this);
  }

  /** Starts items while there is room; completes the block when the items ran out. Called by the loop. */
  pump(): void {
    this.#pumpRequested = false;
    if (this.#done || this.parent.dead()) return;
    const limit = this.task.role.concurrency;
    while (!this.#exhausted && !this.#pulling && this.#inFlight < limit && !this.#consumerBehind(limit)) {
      if (!this.sync) {
        this.#pullAsync();
        break;
      }
      let r: IteratorResult<unknown>;
      try {
        r = (this.iterator as Iterator<unknown>).next();
      } catch (e) {
        return this.#fail(e);
      }
      if (r.done) this.#exhausted = true;
      else this.#startItem(r.value);
    }
    if (this.#exhausted && !this.#pulling && this.#inFlight === 0) this.#complete();
  }

  #pullAsync(): void {
    this.#pulling = true;
    let next: Promise<IteratorResult<unknown>>;
    try {
      next = Promise.resolve((this.iterator as AsyncIterator<unknown>).next());
    } catch (e) {
      this.#pulling = false;
      return this.#fail(e);
    }
    next.then(
      (r) => {
        this.#pulling = false;
        if (this.#done || this.parent.dead()) return;
        if (r.done) this.#exhausted = true;
        else this.#startItem(r.value);
        this.#requestPump();
      },
      (e) => {
        this.#pulling = false;
        this.#fail(e);
      },
    );
  }

  /** Streaming consumers that lag `limit` values behind hold the producer back. */
  #consumerBehind(limit: number): boolean {
    let lag = Number.POSITIVE_INFINITY;
    let any = false;
    for (const c of this.#channels) {
      if (c === undefined) continue;
      any = true;
      lag = Math.min(lag, c.buffered);
    }
    return any && lag >= limit;
  }

  #startItem(item: unknown): void {
    const child = this.task.child;
    const values: unknown[] = new Array(child.slotCount);
    values[child.itemSlot] = item;
    const imports = child.imports;
    for (let k = 0; k < imports.length; k += 2) values[imports[k]!] = this.parent.values[imports[k + 1]!];
    this.#inFlight++;
    const frame = new Frame(child, values, this, this.#count++);
    const parentVersions = this.parent.versions;
    if (parentVersions !== undefined) {
      const versions: (string | undefined)[] = (frame.versions = new Array(child.slotCount));
      for (let k = 0; k < imports.length; k += 2) versions[imports[k]!] = parentVersions[imports[k + 1]!];
    }
    this.link.start(frame);
  }

  /** An item's frame finished: gather its values. */
  itemDone(frame: Frame): void {
    this.#inFlight--;
    const { gather } = this.task;
    for (let j = 0; j < gather.length; j++) {
      const v = frame.values[gather[j]!];
      this.#put(j, frame.index, this.#keepGoing ? ({ ok: true, index: frame.index, value: v } satisfies ItemResult<unknown>) : v);
    }
    this.#requestPump();
  }

  /**
   * A node of an item failed. In a keep-going block the item is recorded as
   * failed and the block goes on (true). Otherwise the block fails, and so
   * does the item enclosing it, up to a keep-going block or the run (false:
   * the engine fails the run).
   */
  itemFailed(frame: Frame, _node: string, cause: unknown): boolean {
    if (this.#keepGoing) {
      frame.failed = true;
      this.#inFlight--;
      for (let j = 0; j < this.task.gather.length; j++) {
        this.#put(j, frame.index, { ok: false, index: frame.index, error: cause } satisfies ItemResult<unknown>);
      }
      this.#requestPump();
      return true;
    }
    this.failed = true;
    this.close();
    return this.parent.block?.itemFailed(this.parent, _node, cause) ?? false;
  }

  #put(j: number, index: number, value: unknown): void {
    const channel = this.#channels[j];
    if (channel) channel.put(index, value);
    else this.#arrays[j]![index] = value;
  }

  #fail(cause: unknown): void {
    failFrame(this.link, this.parent, this.taskIndex, this.task.node.name, cause);
    this.failed = true;
    this.close();
  }

  #complete(): void {
    this.#done = true;
    const { outs } = this.task;
    for (let j = 0; j < outs.length; j++) {
      const channel = this.#channels[j];
      if (channel) channel.end(this.#count);
      else this.link.fill(this.parent, outs[j]!, this.#arrays[j]);
    }
    this.link.blockEnded(this);
    this.link.taskDone(this.parent);
  }

  /** Stops iterating: the run or an enclosing item ended. Lets a generator run its `finally`. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    for (const c of this.#channels) c?.fail(new Error(`The map/reduce block of "${this.task.node.name}" stopped before its items ran out`));
    try {
      const r = this.iterator.return?.();
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // A faulty iterator's cleanup must not mask the error that stopped the block.
    }
    this.link.blockEnded(this);
  }
}

/** Fails the frame at a task: an item of a keep-going block records it; anything else fails the run. */
function failFrame(link: EngineLink, frame: Frame, task: number, node: string, cause: unknown): void {
  if (!frame.block?.itemFailed(frame, node, cause)) link.fail(frame, task, cause);
}
