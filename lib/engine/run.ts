/**
 * The engine's run: a {@link Plan} executed as one Effect by a {@link Run}.
 * A task starts as soon as the slots it reads are filled. Sync nodes run
 * inline in the scheduling loop (no fiber per node: per-node overhead stays
 * near a function call); a Promise result is awaited without blocking the
 * loop; Effect results, and nodes with a timeout, a retry policy or a limit,
 * run as fibers in the run's scope, so that a failure or a cancellation
 * interrupts them all at once. Every call goes through invoke.ts's one
 * dispatch, and every way a node ends through {@link Run.complete}. The
 * engine asks the NodeInterceptor port (the cache) before and after each
 * node. Map/reduce blocks run one frame per item (block-run.ts), or send an
 * item's whole block to the executor (remote-block.ts; with the cache on,
 * only items that would not all hit, whose nodes are then replayed through
 * the interceptor with the values computed elsewhere). Graph
 * adapters' `aroundNode` wrap a call that the cache did not serve
 * (around-node.ts); task hooks see node tasks and item blocks (task-events.ts).
 *
 * @module
 */
import { Effect, Semaphore } from "effect";
import { BlockRun, type BlockHost } from "./block-run.ts";
import type { FrameTask, NodeTask } from "./compile.ts";
import { isWeftError, NodeExecutionError } from "../errors.ts";
import { Frame } from "./frame.ts";
import type { Hook, NodeStartEvent } from "../hooks.ts";
import type { GraphAdapter } from "../graph-adapter.ts";
import { aroundCall } from "./around-node.ts";
import { anyHookHas } from "../hook-calls.ts";
import { TaskEvents } from "./task-events.ts";
import {
  afterNode, beforeNode, buildArgs, dispatch, governedCall, lastReaderBuffers, NO_BUFFERS, settle, type CallContext,
} from "./invoke.ts";
import { setOwn } from "../own-property.ts";
import { type Interception, type NodeInterceptor, NOT_STORED_FAILED } from "../ports/node-interceptor.ts";
import type { Plan } from "./planner.ts";
import { failedInput, type KeepGoing } from "./keep-going.ts";
import { remoteBlockOf, type RemoteBlock } from "./remote-block.ts";
import type { BlockOutcome } from "../ports/executor.ts";

/** What a run needs besides its plan. */
export interface RunContext extends CallContext {
  readonly hooks: readonly Hook[];
  /** Limit on in-process nodes running at once (worker nodes: see invoke.ts); undefined means unbounded. */
  readonly concurrency: number | undefined;
  /** Resource-pool semaphores by node id (see resource-pools.ts). */
  readonly pools?: readonly (readonly Semaphore.Semaphore[] | undefined)[] | undefined;
  /** Fires when the run fails fast or is cancelled; nodes reach it through `abortSignal`. */
  readonly controller: AbortController;
  /** Asked before and after each node: the cache, when caching is on. */
  readonly interceptor: NodeInterceptor | undefined;
  /** Set for `execute(outputs, { onError: "continue" })`: a failure fails only what depends on it (keep-going.ts). */
  readonly keepGoing?: KeepGoing | undefined;
  /** Graph adapters with `aroundNode`, outermost first; undefined or empty when none. */
  readonly adapters?: readonly GraphAdapter[] | undefined;
}

/** A failure seen by a completion: a node's (task >= 0), or a hook's or the interceptor's (task -1). */
interface Failure {
  readonly frame: Frame;
  readonly task: number;
  readonly cause: unknown;
}

/** Runs `plan`, succeeding with the requested outputs by name. */
export function runPlan(plan: Plan, ctx: RunContext): Effect.Effect<Record<string, unknown>, NodeExecutionError> {
  return Effect.suspend(() => new Run(plan, ctx).execute());
}

/** One execution of a plan: the ready tasks, the blocks in flight, the failure, and the loop's wake-up. */
export class Run implements BlockHost {
  readonly top: Frame;
  readonly #plan: Plan;
  readonly #ctx: RunContext;
  readonly #hooks: readonly Hook[] | undefined;
  readonly #signal: AbortSignal;
  readonly #semaphore: Semaphore.Semaphore | undefined;
  readonly #interceptor: NodeInterceptor | undefined;
  readonly #adapters: readonly GraphAdapter[] | undefined;
  readonly #tasks: TaskEvents | undefined;
  // Ready tasks: parallel stacks of frames and task indices.
  readonly #readyFrames: Frame[] = [];
  readonly #readyTasks: number[] = [];
  readonly #pumps: BlockRun[] = [];
  readonly #blocks = new Set<BlockRun>();
  /** Whether items' blocks may go whole to the executor (see remote-block.ts). */
  readonly #remoteBlocks: boolean;
  #failure: Failure | undefined;
  // Set when the run is over, however it ended: late completions then change nothing.
  #ended = false;
  // The loop sleeps in #idle while asynchronous work runs. Completions are
  // applied in their own callbacks; the loop is woken only when one of them
  // makes work ready, ends the run or fails it, so a wide fan-out of async
  // nodes costs one resume, not one per node.
  #wake: ((effect: Effect.Effect<void>) => void) | undefined;
  readonly #idle: Effect.Effect<void>;

  constructor(plan: Plan, ctx: RunContext) {
    this.#plan = plan;
    this.#ctx = ctx;
    // Node events are made only for hooks that listen to them (a task hook alone needs none).
    this.#hooks = ctx.hooks.length > 0 && anyHookHas(ctx.hooks, "beforeNode", "afterNode") ? ctx.hooks : undefined;
    this.#signal = ctx.controller.signal;
    this.#semaphore = ctx.concurrency === undefined ? undefined : Semaphore.makeUnsafe(ctx.concurrency);
    this.#interceptor = ctx.interceptor;
    this.#adapters = ctx.adapters !== undefined && ctx.adapters.length > 0 ? ctx.adapters : undefined;
    this.#tasks = ctx.hooks.length > 0 && anyHookHas(ctx.hooks, "beforeTask", "afterTask", "afterExpand")
      ? new TaskEvents(ctx.hooks, ctx, (e) => this.#hookFailed(e))
      : undefined;
    this.top = new Frame(plan.frame, plan.values, undefined, -1, plan.refs);
    // With the cache on, the interceptor must be able to tell warm items (which stay here) from cold ones.
    this.#remoteBlocks = ctx.executor?.submitBlock !== undefined && (this.#interceptor === undefined || this.#interceptor.allHit !== undefined)
      && this.#adapters === undefined && ctx.keepGoing === undefined;
    this.#idle = Effect.callback<void>((resume) => {
      if (this.#hasWork()) resume(Effect.void);
      else this.#wake = resume;
    });
  }

  /** The run as an Effect: the requested outputs by name, or the first node failure. */
  execute(): Effect.Effect<Record<string, unknown>, NodeExecutionError> {
    return Effect.scoped(
      Effect.gen({ self: this }, function* () {
        const scope = yield* Effect.scope;
        yield* Effect.addFinalizer(() => Effect.sync(() => this.#end()));
        this.startFrame(this.top);
        while (true) {
          while (this.#readyTasks.length > 0 && this.#failure === undefined) {
            const frame = this.#readyFrames.pop()!;
            const t = this.#readyTasks.pop()!;
            if (frame.dead()) continue;
            const task = frame.plan.tasks[t]!;
            if (frame.failedSlots !== undefined && this.#skip(frame, task)) continue;
            if (task.kind === "block") {
              const block = BlockRun.start(this, frame, task, t);
              if (block) this.#blocks.add(block);
              continue;
            }
            const fiber = this.#startNode(frame, t, task);
            if (fiber !== undefined) yield* Effect.forkIn(fiber, scope);
          }
          if (this.#failure !== undefined) return yield* this.#fail(this.#failure);
          if (this.#pumps.length > 0) {
            for (const block of this.#pumps.splice(0)) block.pump();
            continue;
          }
          if (this.top.remaining === 0) break;
          yield* this.#idle;
        }
        return this.#results();
      }),
    ).pipe(
      Effect.onInterrupt(() => Effect.sync(() => this.#ctx.controller.abort(new DOMException("The run was cancelled", "AbortError")))),
    );
  }

  /**
   * Starts a node task. A hit completes at once; otherwise the call goes
   * through the one dispatch (invoke.ts), and an Effect to run as a fiber is
   * returned when there is one.
   */
  #startNode(frame: Frame, t: number, task: NodeTask): Effect.Effect<void> | undefined {
    const node = task.node;
    const hooks = this.#hooks;
    if (this.#tasks !== undefined && frame.block === undefined) this.#tasks.nodeStarted(t, task);
    // Asked before the arguments are released: a cache key reads its inputs' data versions.
    const decision = this.#interceptor?.before(frame, task);
    if (decision?.kind === "hit") {
      const event = hooks && beforeNode(hooks, this.#ctx, node, buildArgs(task, frame.values, undefined), frame.itemPath());
      frame.release(task.readSlots);
      this.complete(frame, t, true, decision.value, event, decision);
      return undefined;
    }
    const worker = node.options.worker === true;
    const args = buildArgs(task, frame.values, worker ? undefined : this.#signal);
    frame.release(task.readSlots);
    // A worker may take over buffers no other node reads; a retried node must keep its inputs
    // intact, and so must a cached run (results wait in a batch before they are written).
    const transfer = worker && frame.refs !== undefined && node.options.retry === undefined && this.#interceptor === undefined && this.#adapters === undefined
      ? lastReaderBuffers(task, args, frame.refs, this.#computed)
      : NO_BUFFERS;
    const event = hooks && beforeNode(hooks, this.#ctx, node, args, frame.itemPath());
    // An executor that runs the node elsewhere says where (a worker's `host:pid`): the end event carries it.
    let host: string | undefined;
    const ranOn = worker && event !== undefined ? (h: string) => void (host = h) : undefined;
    const done = (ok: boolean, value: unknown) => this.complete(frame, t, ok, value, event, decision, host);
    // One limiter per path: a worker node waits for its executor's slots, not for withConcurrency's.
    const semaphore = worker ? undefined : this.#semaphore;
    const pools = this.#ctx.pools?.[node.id];
    const governed = semaphore !== undefined || pools !== undefined || node.options.timeout !== undefined || node.options.retry !== undefined;
    if (this.#adapters !== undefined) {
      const limits = governed ? { semaphore, pools } : undefined;
      const effect = aroundCall(this.#ctx, this.#adapters, node, args, { limits, items: frame.itemPath(), signal: this.#signal, ranOn }, done);
      return effect === undefined ? undefined : settle(effect, done);
    }
    // The key of the work goes with a worker node's task (adapters, which may change the arguments, get none).
    const key = worker && decision?.kind === "miss" ? decision.key : undefined;
    if (governed) {
      return settle(governedCall(this.#ctx, node, args, transfer, { semaphore, pools }, ranOn, key), done);
    }
    const effect = dispatch(this.#ctx, node, args, transfer, this.#signal, done, ranOn, key);
    return effect === undefined ? undefined : settle(effect, done);
  }

  /**
   * Every way a node ends: a hit, a sync value or throw, a settled promise,
   * a settled fiber. The interceptor records the value, `afterNode` hooks
   * see the outcome, then the value fills its slot and the task is done; a
   * failure takes the failure path instead. A completion that comes after
   * the run ended or failed, or after the node's item failed, changes nothing.
   */
  complete(
    frame: Frame, t: number, ok: boolean, value: unknown, event: NodeStartEvent | undefined, decision: Interception | undefined,
    host?: string,
  ): void {
    if (this.#ended || this.#failure !== undefined || frame.dead()) return;
    const task = frame.plan.tasks[t] as NodeTask;
    try {
      // A failed or timed-out node stores nothing: hooks still hear that the cache was asked (issue 15: the
      // run history showed "cache off" for failed items with the cache on).
      const outcome = decision === undefined ? undefined
        : ok ? this.#interceptor!.after(decision, frame, task, value)
        : { status: decision.kind === "skip" ? "uncacheable" as const : "miss" as const, reason: NOT_STORED_FAILED };
      if (event !== undefined) afterNode(this.#hooks!, this.#ctx, event, ok, value, outcome, host);
      if (this.#tasks !== undefined && frame.block === undefined) this.#tasks.nodeEnded(t, ok, value);
      if (ok) {
        this.fill(frame, task.out, value);
        this.taskDone(frame);
      } else this.taskFailed(frame, t, value);
    } catch (e) {
      this.#failure ??= { frame, task: -1, cause: e };
    }
    this.#wakeUp();
  }

  startFrame(frame: Frame): void {
    if (this.#tasks !== undefined && frame.block !== undefined) this.#tasks.itemStarted(frame);
    const remote = frame.block !== undefined && this.#remoteBlocks ? this.#remoteOf(frame) : undefined;
    if (remote !== undefined) return this.#startRemote(frame, remote);
    this.#startTasks(frame);
  }

  #startTasks(frame: Frame): void {
    const ready = frame.plan.ready;
    for (let i = 0; i < ready.length; i++) {
      this.#readyFrames.push(frame);
      this.#readyTasks.push(ready[i]!);
    }
    if (frame.remaining === 0) this.#itemDone(frame);
  }

  #remoteOf(frame: Frame): RemoteBlock | undefined {
    const block = frame.block!;
    const remote = block.parent.block === undefined ? remoteBlockOf(block.task, this.#plan.graph) : undefined;
    // A warm item (every node would hit) runs here: all hits, nothing computed, no job.
    return remote !== undefined && this.#interceptor?.allHit!(frame) === true ? undefined : remote;
  }

  /** Sends an item's whole block to the executor; its outcome ends the item as its tasks would have. */
  #startRemote(frame: Frame, remote: RemoteBlock): void {
    const inputs: Record<string, unknown> = {};
    // A config value the block reads is the executor's to give again, from the same config.
    const config = this.#ctx.config;
    for (const { name, slot } of remote.inputs) if (!Object.hasOwn(config, name)) setOwn(inputs, name, frame.values[slot]);
    const start = this.#ctx.clock.now();
    const executor = this.#ctx.executor!;
    executor.submitBlock!({
      // With the cache on, every node's value comes back: the driver's cache looks each up and stores it (#replay).
      expand: frame.block!.task.node.name, nodes: remote.nodes, config: this.#ctx.config, inputs,
      outputs: this.#interceptor === undefined ? remote.outputs : remote.all, signal: this.#signal,
    }).then(
      (outcome) => this.#remoteEnded(frame, remote, outcome, start),
      (error) => this.#remoteEnded(frame, remote, { nodes: [{ node: remote.nodes[0]!.nodeName, ok: false, duration: 0, error }] }, start),
    );
  }

  #remoteEnded(frame: Frame, remote: RemoteBlock, outcome: BlockOutcome, start: number): void {
    if (this.#ended || this.#failure !== undefined || frame.dead()) return;
    const tasks = frame.plan.tasks as readonly NodeTask[];
    try {
      // With the cache on every node's value must come back; one that cannot travel (it cannot be encoded, or
      // is too large for a job and the worker has no cache to pass it through) keeps the item here, node by
      // node as without block jobs, where only worker nodes' values travel.
      if (this.#interceptor !== undefined && outcome.nodes.some((o) => !o.ok && isWeftError(o.error, "serialization"))) {
        this.#startTasks(frame);
        this.#wakeUp();
        return;
      }
      if (this.#interceptor !== undefined && outcome.values !== undefined && outcome.nodes.every((o) => o.ok)) {
        // The replay fills every slot of the item, the gathered ones included.
        this.#replay(frame, outcome, start);
        frame.remaining = 0;
        this.#itemDone(frame);
        this.#wakeUp();
        return;
      }
      if (this.#hooks !== undefined) {
        // Every node of the item, for hooks and run history; values that stayed on the worker are not known here.
        const items = frame.itemPath();
        for (const o of outcome.nodes) {
          const node = tasks.find((t) => t.node.name === o.node)?.node;
          if (node === undefined) continue;
          const event = { ...beforeNode(this.#hooks, this.#ctx, node, {}, items), start };
          // With the cache on this is a failed item (see #replay for the others): nothing of it is stored.
          const cache = this.#interceptor === undefined ? undefined : { status: "miss" as const, reason: o.ok ? NOT_STORED_ITEM_FAILED : NOT_STORED_FAILED };
          afterNode(this.#hooks, { ...this.#ctx, clock: { now: () => start + o.duration } }, event, o.ok, o.ok ? outcome.values?.[o.node] : o.error, cache, o.host);
        }
      }
      const failed = outcome.nodes.find((o) => !o.ok);
      if (failed !== undefined || outcome.values === undefined) {
        const t = Math.max(0, tasks.findIndex((task) => task.node.name === failed?.node));
        this.taskFailed(frame, t, failed?.error ?? new Error("The executor ran the block but gave back no values"));
        return;
      }
      const gather = frame.block!.task.gather;
      for (let j = 0; j < gather.length; j++) frame.values[gather[j]!] = outcome.values[remote.gathered[j]!];
      frame.remaining = 0;
      this.#itemDone(frame);
    } catch (e) {
      this.#failure ??= { frame, task: -1, cause: e };
    }
    this.#wakeUp();
  }

  /**
   * The item's nodes as the cache sees them, from the values the executor computed: each task in dependency
   * order is looked up as a local run would (a hit's stored value wins, as it would have here), and a miss
   * stores the value computed elsewhere. Keys, entries and run records are a local run's: the driver's own
   * interceptor makes them, from the frame's data versions. The slots the collect gathers are then filled.
   */
  #replay(frame: Frame, outcome: BlockOutcome, start: number): void {
    const plan = frame.plan;
    const values = outcome.values!;
    const hooks = this.#hooks;
    const items = frame.itemPath();
    const pending = plan.pending.slice();
    const queue = Array.from(plan.ready);
    for (let i = 0; i < queue.length; i++) {
      const task = plan.tasks[queue[i]!] as NodeTask;
      const node = task.node;
      const computed = values[node.name];
      const decision = this.#interceptor!.before(frame, task, { value: computed });
      const value = decision.kind === "hit" ? decision.value : computed;
      const event = hooks && { ...beforeNode(hooks, this.#ctx, node, buildArgs(task, frame.values, undefined), items), start };
      const cache = this.#interceptor!.after(decision, frame, task, value);
      if (event !== undefined) {
        const o = outcome.nodes.find((n) => n.node === node.name);
        afterNode(hooks!, { ...this.#ctx, clock: { now: () => start + (o?.duration ?? 0) } }, event, true, value, cache, decision.kind === "hit" ? undefined : o?.host);
      }
      frame.values[task.out] = value;
      for (let w = plan.waitingStart[task.out]!; w < plan.waitingStart[task.out + 1]!; w++) {
        const t = plan.waitingTasks[w]!;
        if ((pending[t] = pending[t]! - 1) === 0) queue.push(t);
      }
    }
  }

  fill(frame: Frame, slot: number, value: unknown): void {
    frame.values[slot] = value;
    const { waitingStart, waitingTasks } = frame.plan;
    const pending = frame.pending;
    for (let k = waitingStart[slot]!, end = waitingStart[slot + 1]!; k < end; k++) {
      const t = waitingTasks[k]!;
      if ((pending[t] = pending[t]! - 1) === 0) {
        this.#readyFrames.push(frame);
        this.#readyTasks.push(t);
      }
    }
  }

  taskDone(frame: Frame): void {
    // The top frame has no block: the loop sees it done.
    if (--frame.remaining === 0) this.#itemDone(frame);
  }

  #itemDone(frame: Frame): void {
    if (frame.block === undefined) return;
    // In a keep-going run an item whose node failed still ends here: its task failed.
    this.#tasks?.itemEnded(frame, frame.failedSlots === undefined, undefined);
    frame.block.itemDone(frame);
  }

  taskFailed(frame: Frame, task: number, cause: unknown): void {
    // A keep-going run lists the failure and goes on, unless the node's block collects item errors itself; an
    // item that goes on ends (and tells task hooks) when its last task is done.
    if (this.#ctx.keepGoing !== undefined && frame.block?.collectsItemErrors !== true) {
      this.recordFailure(frame, task, cause);
      const done = frame.plan.tasks[task]!;
      if (done.kind === "node") this.#fillFailed(frame, done.out);
      // A block whose items are not iterable (a block that started reports its failures itself): no channel exists yet.
      else for (const slot of done.outs) this.#fillFailed(frame, slot);
      this.taskDone(frame);
    } else {
      if (this.#tasks !== undefined && frame.block !== undefined) this.#tasks.itemEnded(frame, false, cause);
      if (!frame.block?.itemFailed(frame, cause)) this.#failure ??= { frame, task, cause };
    }
    this.#wakeUp();
  }

  get keepGoing(): KeepGoing | undefined {
    return this.#ctx.keepGoing;
  }

  recordFailure(frame: Frame, task: number, cause: unknown): void {
    const { node } = frame.plan.tasks[task]!;
    this.#ctx.keepGoing!.failures.push(new NodeExecutionError(node.name, pathToOutput(this.#plan, node.id), cause, frame.itemPath()));
  }

  failSlot(frame: Frame, slot: number): void {
    (frame.failedSlots ??= new Uint8Array(frame.plan.slotCount))[slot] = 1;
    // Never a wrong value: what reads a sentinel is not cached, however the sentinel fingerprints.
    this.#interceptor?.failed?.(frame, slot);
  }

  #fillFailed(frame: Frame, slot: number): void {
    this.failSlot(frame, slot);
    this.fill(frame, slot, this.#ctx.keepGoing!.sentinel);
  }

  /**
   * Keep-going runs: a task that reads a failed slot is not started (its values are the sentinel), unless it is a
   * node that accepts error sentinels. True when it was skipped.
   */
  #skip(frame: Frame, task: FrameTask): boolean {
    const input = failedInput(frame, task);
    if (input === undefined || (task.kind === "node" && task.node.options.acceptErrorSentinels === true)) return false;
    frame.release(task.readSlots);
    if (task.kind === "node") {
      this.#fillFailed(frame, task.out);
      this.#ctx.keepGoing!.skipped.push({ node: task.node.name, items: frame.itemPath(), input });
    } else for (const slot of task.outs) this.#fillFailed(frame, slot);
    this.taskDone(frame);
    return true;
  }

  requestPump(block: BlockRun): void {
    this.#pumps.push(block);
    this.#wakeUp();
  }

  blockExpanded(block: BlockRun, count: number): void {
    this.#tasks?.expanded(block.parent, block.task.node, count);
  }

  // A task hook threw: task events come from the loop, from completions and from a block's async pulls, so they
  // report here rather than throw.
  #hookFailed(cause: unknown): void {
    this.#failure ??= { frame: this.top, task: -1, cause };
    this.#wakeUp();
  }

  blockEnded(block: BlockRun): void {
    if (this.#blocks.delete(block)) block.parent.release(block.task.readSlots);
  }

  // Values computed in this run (not the caller's inputs, overrides or config) may be transferred.
  readonly #computed = (slot: number): boolean => {
    const { given, graph } = this.#plan;
    return given[slot] !== 1 && (slot >= graph.nodes.length || graph.nodes[slot]!.kind === "function");
  };

  #hasWork(): boolean {
    return this.#readyTasks.length > 0 || this.#pumps.length > 0 || this.top.remaining === 0 || this.#failure !== undefined;
  }

  #wakeUp(): void {
    if (this.#wake !== undefined && this.#hasWork()) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake(Effect.void);
    }
  }

  #end(): void {
    this.#ended = true;
    for (const block of this.#blocks) block.close();
  }

  #fail(failure: Failure): Effect.Effect<never, NodeExecutionError> {
    if (failure.task < 0) return Effect.die(failure.cause);
    const { node } = failure.frame.plan.tasks[failure.task]!;
    const error = new NodeExecutionError(node.name, pathToOutput(this.#plan, node.id), failure.cause, failure.frame.itemPath());
    this.#ctx.controller.abort(error);
    return Effect.fail(error);
  }

  #results(): Record<string, unknown> {
    const { graph, outputs, values, extra } = this.#plan;
    const results: Record<string, unknown> = {};
    for (const name of outputs) {
      const node = graph.byName.get(name);
      setOwn(results, name, node ? values[node.id] : extra.get(name));
    }
    return results;
  }
}

/** Why a node of an item whose block failed elsewhere was not stored, though it ended well. */
const NOT_STORED_ITEM_FAILED = "not stored (another node of its item failed, in a block job)";

/** The path from a requested output down to node `id`, found by a breadth-first walk over dependents. */
export function pathToOutput(plan: Plan, id: number): string[] {
  const { graph, inPlan } = plan;
  const outputs = new Set(plan.outputs);
  const parent = new Map<number, number>([[id, -1]]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    if (outputs.has(graph.nodes[cur]!.name)) {
      const path: string[] = [];
      for (let p = cur; p !== -1; p = parent.get(p)!) path.push(graph.nodes[p]!.name);
      return path;
    }
    for (const d of graph.dependents[cur]!) {
      if (inPlan[d] === 1 && !parent.has(d)) {
        parent.set(d, cur);
        queue.push(d);
      }
    }
  }
  return [graph.nodes[id]!.name];
}
