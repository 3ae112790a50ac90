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
import type { BlockTask } from "./compile.ts";
import { Frame, type FrameBlock } from "./frame.ts";
import type { ItemResult } from "../modifiers/map-reduce.ts";
import { OrderedChannel } from "./ordered-channel.ts";

/**
 * The Run's operations a block uses. Run (run.ts) implements them as its own
 * methods, the ones its own loop uses; the type is named here so that this
 * file need not import run.ts, which imports it.
 */
export interface BlockHost {
  /** Schedules a new frame's ready tasks. */
  startFrame(frame: Frame): void;
  /** Fills a slot and wakes the tasks waiting for it. */
  fill(frame: Frame, slot: number, value: unknown): void;
  /** One task of `frame` finished. */
  taskDone(frame: Frame): void;
  /** Task `task` of `frame` failed: its item records it (keep-going blocks), or the run fails. */
  taskFailed(frame: Frame, task: number, cause: unknown): void;
  /** Asks the loop to call `block.pump()` soon (never re-entrantly). */
  requestPump(block: BlockRun): void;
  /** The block finished or failed: it holds nothing any more. */
  blockEnded(block: BlockRun): void;
  /** The block's items ran out after `count` items (the `afterExpand` hook). */
  blockExpanded(block: BlockRun, count: number): void;
  /** Set in a keep-going run (`onError: "continue"`): the value a failed node's slot holds. */
  readonly keepGoing: { readonly sentinel: unknown } | undefined;
  /** Keep-going runs: lists the failure of task `task` of `frame` without failing the run. */
  recordFailure(frame: Frame, task: number, cause: unknown): void;
  /** Keep-going runs: marks `slot` of `frame` as holding the sentinel (its readers are skipped or not cached). */
  failSlot(frame: Frame, slot: number): void;
}

/** A block being iterated. */
export class BlockRun implements FrameBlock {
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
  // Keep-going runs: gathered values with a failed item (1 per gathered value), and why the items stopped early.
  readonly #partial: Uint8Array;
  #broken: { readonly cause: unknown } | undefined;

  private constructor(
    readonly run: BlockHost,
    readonly parent: Frame,
    readonly task: BlockTask,
    readonly taskIndex: number,
    readonly iterator: Iterator<unknown> | AsyncIterator<unknown>,
    readonly sync: boolean,
  ) {
    this.#keepGoing = task.role.onItemError === "collect";
    this.#arrays = Array.from(task.gather, () => []);
    this.#partial = new Uint8Array(task.gather.length);
    this.#channels = Array.from(task.stream, (s, j) => {
      if (s !== 1) return undefined;
      const channel = new OrderedChannel<unknown>();
      channel.onDrain = () => this.#requestPump();
      run.fill(parent, task.outs[j]!, channel);
      return channel;
    });
  }

  /** Starts the block of `task` in `parent`, or fails the parent when the items are not iterable. */
  get collectsItemErrors(): boolean {
    return this.#keepGoing;
  }

  static start(run: BlockHost, parent: Frame, task: BlockTask, taskIndex: number): BlockRun | undefined {
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
      run.taskFailed(parent, taskIndex, new MapReduceError(
        task.node.name,
        `Node "${task.node.name}" is parallelizable and must return an array, an iterable or an async iterable of items: got ${got}${typeof items === "string" ? "; wrap it in an array to make it one item" : ""}`,
      ));
      return undefined;
    }
    const block = new BlockRun(run, parent, task, taskIndex, iterator, sync);
    block.#requestPump();
    return block;
  }

  #requestPump(): void {
    if (this.#pumpRequested || this.#done) return;
    this.#pumpRequested = true;
    this.run.requestPump(this);
  }

  /** Starts items while there is room; completes the block when the items ran out. Called by the loop. */
  pump(): void {
    this.#pumpRequested = false;
    if (this.#done || this.parent.dead()) return;
    const limit = this.task.role.concurrency;
    const frames: Frame[] = [];
    let ranOut = false;
    while (!this.#exhausted && !ranOut && !this.#pulling && this.#inFlight < limit && !this.#consumerBehind(limit)) {
      if (!this.sync) {
        this.#pullAsync();
        break;
      }
      let r: IteratorResult<unknown>;
      try {
        r = (this.iterator as Iterator<unknown>).next();
      } catch (e) {
        this.#startFrames(frames);
        return this.#fail(e);
      }
      if (r.done) ranOut = true;
      else frames.push(this.#itemFrame(r.value));
    }
    // Items pulled together start together, item 0 first; the block has expanded once the last of them started.
    this.#startFrames(frames);
    if (ranOut) this.#expanded();
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
        if (r.done) this.#expanded();
        else this.#startFrames([this.#itemFrame(r.value)]);
        this.#requestPump();
      },
      (e) => {
        this.#pulling = false;
        this.#fail(e);
      },
    );
  }

  #expanded(): void {
    this.#exhausted = true;
    this.run.blockExpanded(this, this.#count);
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

  /** The frame of the next item, counted in flight. */
  #itemFrame(item: unknown): Frame {
    const child = this.task.child;
    const values: unknown[] = new Array(child.slotCount);
    values[child.itemSlot] = item;
    const imports = child.imports;
    for (let k = 0; k < imports.length; k += 2) values[imports[k]!] = this.parent.values[imports[k + 1]!];
    this.#inFlight++;
    return new Frame(child, values, this, this.#count++);
  }

  /**
   * Schedules the frames of items pulled together. The Run's ready tasks are a
   * stack (last in, first started), so they go in last first: item 0 starts
   * first, as a reader of the items expects (and as Hamilton starts them).
   */
  #startFrames(frames: readonly Frame[]): void {
    for (let i = frames.length - 1; i >= 0; i--) this.run.startFrame(frames[i]!);
  }

  /** An item's frame finished: gather its values. */
  itemDone(frame: Frame): void {
    this.#inFlight--;
    const { gather } = this.task;
    const failed = frame.failedSlots;
    for (let j = 0; j < gather.length; j++) {
      if (failed?.[gather[j]!] === 1) this.#partial[j] = 1;
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
  itemFailed(frame: Frame, cause: unknown): boolean {
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
    return this.parent.block?.itemFailed(this.parent, cause) ?? false;
  }

  #put(j: number, index: number, value: unknown): void {
    const channel = this.#channels[j];
    if (channel) channel.put(index, value);
    else this.#arrays[j]![index] = value;
  }

  #fail(cause: unknown): void {
    if (this.run.keepGoing !== undefined) {
      // Hamilton's try_all_parallel: the items pulled before the failure finish, the sentinel comes after them.
      this.run.recordFailure(this.parent, this.taskIndex, cause);
      this.#broken = { cause };
      this.#exhausted = true;
      return this.#requestPump();
    }
    this.run.taskFailed(this.parent, this.taskIndex, cause);
    this.failed = true;
    this.close();
  }

  #complete(): void {
    this.#done = true;
    const { outs } = this.task;
    const broken = this.#broken;
    let count = this.#count;
    if (broken !== undefined) {
      const last = this.#keepGoing
        ? ({ ok: false, index: count, error: broken.cause } satisfies ItemResult<unknown>)
        : this.run.keepGoing!.sentinel;
      for (let j = 0; j < outs.length; j++) this.#put(j, count, last);
      count++;
    }
    for (let j = 0; j < outs.length; j++) {
      const channel = this.#channels[j];
      if (channel) channel.end(count);
      else {
        // Marked before the fill: the collect becomes ready in it.
        if (broken !== undefined || this.#partial[j] === 1) this.run.failSlot(this.parent, outs[j]!);
        this.run.fill(this.parent, outs[j]!, this.#arrays[j]);
      }
    }
    this.run.blockEnded(this);
    this.run.taskDone(this.parent);
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
    this.run.blockEnded(this);
  }
}
