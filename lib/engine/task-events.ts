/**
 * The task hooks of a run (Hamilton's `GroupByRepeatableBlocks`): a node
 * outside map/reduce blocks is a task of its own (a parallelizable's is
 * `"expand-<node>"`, a collect's `"collect-<node>"`), and each map item's
 * whole block is one task (`"block-<parallelizable>.<index>"`), spawned by
 * the task that expanded it. `beforeTask` fires when a node task starts (a
 * cache hit included) or an item's frame starts, `afterTask` when it ends,
 * `afterExpand` when a parallelizable's items ran out. The Run makes one only
 * when some hook has one of these methods.
 *
 * @module
 */
import type { Frame } from "./frame.ts";
import type { NodeTask } from "./compile.ts";
import type { CallContext } from "./invoke.ts";
import type { GraphNode } from "../graph/graph.ts";
import type { Hook, TaskPurpose, TaskStartEvent } from "../hooks.ts";
import { callHooks } from "../hook-calls.ts";

/** The task id of the node task `node` of a frame outside blocks. */
function nodeTaskId(node: GraphNode): { taskId: string; purpose: TaskPurpose } {
  const role = node.options.mapReduce?.role;
  if (role === "parallelizable") return { taskId: `expand-${node.name}`, purpose: "expand" };
  if (role === "collect") return { taskId: `collect-${node.name}`, purpose: "gather" };
  return { taskId: node.name, purpose: "single" };
}

/** The task a parallelizable of `frame` runs in: its own expand task (top frame), or the enclosing item. */
function expandingTaskId(frame: Frame, node: GraphNode): string {
  return frame.task?.taskId ?? `expand-${node.name}`;
}

function itemTaskId(parent: Frame, node: GraphNode, index: number): string {
  const own = `block-${node.name}.${index}`;
  return parent.task === undefined ? own : `${parent.task.taskId}/${own}`;
}

/** One run's task events. */
export class TaskEvents {
  // Start events of the top frame's node tasks, by task index, until they end.
  readonly #top: (TaskStartEvent | undefined)[] = [];

  /** `onError` receives a hook's `HookError`: no method here throws. */
  constructor(readonly hooks: readonly Hook[], readonly ctx: CallContext, readonly onError: (error: unknown) => void) {}

  #call<M extends "beforeTask" | "afterTask" | "afterExpand">(method: M, event: Parameters<NonNullable<Hook[M]>>[0]): void {
    try {
      callHooks(this.hooks, method, event as never, this.ctx.promises);
    } catch (e) {
      this.onError(e);
    }
  }

  /** A node task of the top frame starts. */
  nodeStarted(t: number, task: NodeTask): void {
    const { taskId, purpose } = nodeTaskId(task.node);
    const event: TaskStartEvent = {
      runId: this.ctx.runId, taskId, spawningTaskId: undefined, nodes: [task.node.name], purpose, items: [], start: this.ctx.clock.now(),
    };
    this.#top[t] = event;
    this.#call("beforeTask", event);
  }

  /** A node task of the top frame ended. */
  nodeEnded(t: number, ok: boolean, value: unknown): void {
    const event = this.#top[t];
    if (event === undefined) return;
    this.#top[t] = undefined;
    this.#end(event, ok, value);
  }

  /** An item's frame starts: its whole block is one task. */
  itemStarted(frame: Frame): void {
    const block = frame.block!;
    const node = block.task.node;
    const nodes: string[] = [];
    for (const task of frame.plan.tasks) if (task.kind === "node") nodes.push(task.node.name);
    const event: TaskStartEvent = {
      runId: this.ctx.runId,
      taskId: itemTaskId(block.parent, node, frame.index),
      spawningTaskId: expandingTaskId(block.parent, node),
      nodes, purpose: "block", items: frame.itemPath(), start: this.ctx.clock.now(),
    };
    frame.task = event;
    this.#call("beforeTask", event);
  }

  /** An item's frame finished every task (ok) or one of its nodes failed. */
  itemEnded(frame: Frame, ok: boolean, error: unknown): void {
    const event = frame.task;
    if (event === undefined) return;
    frame.task = undefined;
    this.#end(event, ok, error);
  }

  /** The parallelizable of `parent`'s block task `node` produced `count` items and no more. */
  expanded(parent: Frame, node: GraphNode, count: number): void {
    const taskIds = Array.from({ length: count }, (_, i) => itemTaskId(parent, node, i));
    this.#call("afterExpand", {
      runId: this.ctx.runId, node: node.name, items: count, taskIds, taskId: expandingTaskId(parent, node),
    });
  }

  #end(event: TaskStartEvent, ok: boolean, value: unknown): void {
    const duration = this.ctx.clock.now() - event.start;
    this.#call("afterTask", ok ? { ...event, success: true, duration } : { ...event, success: false, error: value, duration });
  }
}
