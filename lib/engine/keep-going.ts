/**
 * Keep-going runs (`execute(outputs, { onError: "continue" })`, Hamilton's
 * GracefulErrorAdapter): a failed node's slot holds the sentinel the caller
 * chose and is marked failed in its frame (`Frame.failedSlots`); a task that
 * reads a failed slot is skipped, its own slot failed in turn, unless it is a
 * node that accepts error sentinels (`node(fn, { acceptErrorSentinels: true })`),
 * which runs with the sentinel as that argument and is never cached. What
 * reads none of them runs as usual. The Run (run.ts) and the blocks
 * (block-run.ts) list what failed and what was skipped here.
 *
 * @module
 */
import type { ItemRef, NodeExecutionError } from "../errors.ts";
import type { FrameTask } from "./compile.ts";
import type { Frame } from "./frame.ts";

/** A node that did not run in a keep-going run because an input of it failed or was skipped. */
export interface SkippedNode {
  /** The node's name. */
  readonly node: string;
  /** The map/reduce items it would have run for, outermost first (empty outside blocks). */
  readonly items: readonly ItemRef[];
  /** The parameter whose value failed (the first one, in parameter order). */
  readonly input: string;
}

/** What a keep-going run fills its failed slots with, and the lists it fills in. */
export interface KeepGoing {
  readonly sentinel: unknown;
  readonly failures: NodeExecutionError[];
  readonly skipped: SkippedNode[];
}

/** The name of the first input of `task` whose slot failed in `frame`, or undefined when none did. */
export function failedInput(frame: Frame, task: FrameTask): string | undefined {
  const failed = frame.failedSlots!;
  if (task.kind === "block") {
    const reads = task.readSlots;
    for (let j = 0; j < reads.length; j++) if (failed[reads[j]!] === 1) return task.node.name;
    return undefined;
  }
  const slots = task.argSlots;
  for (let j = 0; j < slots.length; j++) {
    const s = slots[j]!;
    if (s !== -1 && failed[s] === 1) return task.node.deps[j]!.name;
  }
  return undefined;
}
