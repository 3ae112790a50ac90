/**
 * A frame: the live values and counters of one {@link CompiledFrame}. A run
 * has one top frame; a map/reduce block makes one frame per item. The Run
 * treats every frame alike: it fills slots, counts finished tasks, and asks a
 * frame whether its work still matters ({@link Frame.dead}).
 *
 * @module
 */
import type { BlockTask, CompiledFrame } from "./compile.ts";
import type { ItemRef } from "../errors.ts";
import type { TaskStartEvent } from "../hooks.ts";

/**
 * The block a frame runs one item of. BlockRun (block-run.ts) is the one
 * implementation; the type lives here so that a frame names its block
 * without frame.ts importing block-run.ts, which imports this file.
 */
export interface FrameBlock {
  /** The frame the block's task belongs to. */
  readonly parent: Frame;
  /** Set when the block failed as a whole: its items' work no longer matters. */
  readonly failed: boolean;
  readonly task: BlockTask;
  /** True when the block's items fail one by one (`onItemError: "collect"`): a node failure is the item's. */
  readonly collectsItemErrors: boolean;
  /** An item's frame finished every task: gather its values. */
  itemDone(frame: Frame): void;
  /** A node of an item failed: true when the block records it and goes on, false when the run must fail. */
  itemFailed(frame: Frame, cause: unknown): boolean;
}

const NO_ITEMS: readonly ItemRef[] = Object.freeze([]);

/** The values and counters of one frame: the top frame of a run, or one item of a block. */
export class Frame {
  /** Unfilled slots each task still waits for. */
  readonly pending: Int32Array;
  /** Tasks not finished yet; 0 means the frame is done. */
  remaining: number;
  /** Set when this item failed in a keep-going block: its remaining tasks are dropped. */
  failed = false;
  /**
   * Keep-going runs (`onError: "continue"`): 1 for each slot that holds the run's sentinel in place of a value
   * (its node failed or was skipped). Made on the first failure; tasks that read such a slot are skipped.
   */
  failedSlots: Uint8Array | undefined;
  /** Data versions by slot, kept by the run's NodeInterceptor when it has one (see cache-interceptor.ts). */
  versions: (string | undefined)[] | undefined;
  /** An item frame's task, from its start to its end, when the run has task hooks (see task-events.ts). */
  task: TaskStartEvent | undefined;

  constructor(
    readonly plan: CompiledFrame,
    readonly values: unknown[],
    readonly block: FrameBlock | undefined,
    readonly index: number,
    /**
     * Readers still to come for each slot, when the frame releases values as
     * soon as no task needs them: the top frame, whose values would otherwise
     * live as long as the run. An item's frame is dropped whole when the item
     * ends, and its gathered slots must stay until then.
     */
    readonly refs?: Int32Array,
  ) {
    this.pending = plan.pending.slice();
    this.remaining = plan.tasks.length;
  }

  /** A task has read `slots`: drops the values no pending task (nor the caller) will read. */
  release(slots: Int32Array): void {
    const refs = this.refs;
    if (refs === undefined) return;
    for (let j = 0; j < slots.length; j++) {
      const s = slots[j]!;
      if ((refs[s] = refs[s]! - 1) === 0) this.values[s] = undefined;
    }
  }

  /** True when this frame, or an item or block enclosing it, has failed: its work no longer matters. */
  dead(): boolean {
    for (let f: Frame | undefined = this; f !== undefined; f = f.block?.parent) {
      if (f.failed || f.block?.failed) return true;
    }
    return false;
  }

  /** The items this frame runs for, outermost first (empty for the top frame). */
  itemPath(): readonly ItemRef[] {
    if (this.block === undefined) return NO_ITEMS;
    const path: ItemRef[] = [];
    for (let f: Frame | undefined = this; f?.block !== undefined; f = f.block.parent) {
      path.unshift({ node: f.block.task.node.name, index: f.index });
    }
    return path;
  }
}
