/**
 * The engine: runs a {@link Plan} as one Effect. A task starts as soon as the
 * slots it reads are filled. Sync nodes run inline in the scheduling loop (no
 * fiber per node: per-node overhead stays near a function call); a Promise
 * result is awaited without blocking the loop; Effect results, and nodes with
 * a timeout, a retry policy or a concurrency limit, run as fibers in the run's
 * scope, so that a failure or a cancellation interrupts them all at once.
 * Map/reduce blocks run one frame per item (see block-run.ts).
 *
 * @module
 */
import { Effect, Semaphore } from "effect";
import { BlockRun, Frame, type EngineLink } from "./block-run.ts";
import { NodeExecutionError, type ItemRef } from "../errors.ts";
import type { NodeTask } from "./compile.ts";
import type { Hook, NodeStartEvent } from "../hooks.ts";
import {
  afterNode, beforeNode, buildArgs, call, fiberNode, lastReaderBuffers, NO_BUFFERS, settle, submit, type CallContext,
} from "./invoke.ts";
import { setOwn } from "../own-property.ts";
import { recordName, type CacheDecision, type CacheOutcome, type CacheInterceptor } from "./cache-interceptor.ts";
import type { Plan } from "./planner.ts";

/** What a run needs besides its plan. */
export interface RunContext extends CallContext {
  readonly hooks: readonly Hook[];
  /** In-process limit on nodes running at once; undefined means unbounded. */
  readonly concurrency: number | undefined;
  /** Resource-pool semaphores by node id (see lib/resource-pools.ts). */
  readonly pools?: readonly (readonly Semaphore.Semaphore[] | undefined)[] | undefined;
  /** Fires when the run fails fast or is cancelled; nodes reach it through `abortSignal`. */
  readonly controller: AbortController;
  /** The run's use of the cache, when caching is on. */
  readonly caching: CacheInterceptor | undefined;
}

const NO_ITEMS: readonly ItemRef[] = Object.freeze([]);
const HIT: CacheOutcome = Object.freeze({ status: "hit" });

function itemsOf(frame: Frame): readonly ItemRef[] {
  return frame.block === undefined ? NO_ITEMS : frame.itemPath();
}

/** Runs `plan`, succeeding with the requested outputs by name. */
export function runPlan(plan: Plan, ctx: RunContext): Effect.Effect<Record<string, unknown>, NodeExecutionError> {
  return Effect.scoped(
    Effect.gen(function* () {
      const scope = yield* Effect.scope;
      const semaphore = ctx.concurrency === undefined ? undefined : Semaphore.makeUnsafe(ctx.concurrency);
      const hooks = ctx.hooks.length > 0 ? ctx.hooks : undefined;
      const signal = ctx.controller.signal;
      const { refs, graph } = plan;
      const nodes = graph.nodes;
      const top = new Frame(plan.frame, plan.values, undefined, -1);
      const caching = ctx.caching;
      if (caching !== undefined) top.versions = new Array(plan.frame.slotCount);

      // Ready tasks: parallel stacks of frames and task indices.
      const readyFrames: Frame[] = [];
      const readyTasks: number[] = [];
      const pumps: BlockRun[] = [];
      const blocks = new Set<BlockRun>();
      // A failure seen by a completion callback: a node's (task >= 0) or a hook's (task -1).
      let failure: { readonly frame: Frame; readonly task: number; readonly cause: unknown } | undefined;
      // Set when the run is over, however it ended: late completions then change nothing.
      let ended = false;
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          ended = true;
          for (const b of blocks) b.close();
        })
      );

      const link: EngineLink = {
        start(frame) {
          const r = frame.plan.ready;
          for (let i = 0; i < r.length; i++) {
            readyFrames.push(frame);
            readyTasks.push(r[i]!);
          }
          if (frame.remaining === 0) frameDone(frame);
        },
        fill,
        taskDone,
        pump(block) {
          pumps.push(block);
          wakeUp();
        },
        fail(frame, task, cause) {
          failure ??= { frame, task, cause };
          wakeUp();
        },
        blockEnded(block) {
          if (blocks.delete(block) && block.parent === top) release(block.task.readSlots);
        },
      };

      function fill(frame: Frame, slot: number, value: unknown): void {
        frame.values[slot] = value;
        const waiting = frame.plan.waiting[slot]!;
        const pending = frame.pending;
        for (let k = 0; k < waiting.length; k++) {
          const t = waiting[k]!;
          if ((pending[t] = pending[t]! - 1) === 0) {
            readyFrames.push(frame);
            readyTasks.push(t);
          }
        }
      }
      function taskDone(frame: Frame): void {
        if (--frame.remaining === 0) frameDone(frame);
      }
      function frameDone(frame: Frame): void {
        if (frame !== top) frame.block!.itemDone(frame);
      }
      /** Releases top-frame values no pending task still reads. */
      function release(slots: Int32Array): void {
        for (let j = 0; j < slots.length; j++) {
          const s = slots[j]!;
          if ((refs[s] = refs[s]! - 1) === 0) plan.values[s] = undefined;
        }
      }
      // Values computed in this run (not the caller's inputs, overrides or config) may be transferred.
      const computed = (slot: number) => plan.given[slot] !== 1 && (slot >= nodes.length || nodes[slot]!.kind === "function");

      // The loop sleeps here while asynchronous work runs. Completions are
      // applied in their own callbacks; the loop is woken only when one of
      // them makes work ready, ends the run or fails it, so a wide fan-out of
      // async nodes costs one resume, not one per node.
      let wake: ((effect: Effect.Effect<void>) => void) | undefined;
      const hasWork = () => readyTasks.length > 0 || pumps.length > 0 || top.remaining === 0 || failure !== undefined;
      const idle = Effect.callback<void>((resume) => {
        if (hasWork()) resume(Effect.void);
        else wake = resume;
      });
      function wakeUp(): void {
        if (wake !== undefined && hasWork()) {
          const w = wake;
          wake = undefined;
          w(Effect.void);
        }
      }
      const settled = (
        frame: Frame, t: number, ok: boolean, value: unknown, event: NodeStartEvent | undefined, decision: CacheDecision | undefined,
      ): void => {
        if (ended || failure !== undefined || frame.dead()) return;
        const task = frame.plan.tasks[t] as NodeTask;
        try {
          // A failed or timed-out node stores nothing.
          const outcome = ok && decision !== undefined ? caching!.after(decision, frame, task.out, value) : undefined;
          if (event) afterNode(hooks!, ctx, event, ok, value, outcome);
          if (ok) {
            fill(frame, task.out, value);
            taskDone(frame);
          } else nodeFailed(frame, t, value);
        } catch (e) {
          failure = { frame, task: -1, cause: e };
        }
        wakeUp();
      };
      /** A node failed: an item of a keep-going block records it; anything else fails the run. */
      function nodeFailed(frame: Frame, t: number, cause: unknown): void {
        const handled = frame.block?.itemFailed(frame, (frame.plan.tasks[t] as NodeTask).node.name, cause);
        if (!handled) failure ??= { frame, task: t, cause };
      }
      const fail = (f: NonNullable<typeof failure>): Effect.Effect<never, NodeExecutionError> => {
        if (f.task < 0) return Effect.die(f.cause);
        const { node } = f.frame.plan.tasks[f.task]!;
        const error = new NodeExecutionError(node.name, pathToOutput(plan, node.id), f.cause, f.frame.itemPath());
        ctx.controller.abort(error);
        return Effect.fail(error);
      };

      link.start(top);
      while (true) {
        while (readyTasks.length > 0) {
          const frame = readyFrames.pop()!;
          const t = readyTasks.pop()!;
          if (frame.dead()) continue;
          const task = frame.plan.tasks[t]!;
          if (task.kind === "block") {
            const block = BlockRun.start(link, frame, task, t);
            if (block) blocks.add(block);
            continue;
          }
          const node = task.node;
          // Looked up before the arguments are released: a key reads its inputs' data versions.
          const decision = caching?.before(frame, task, recordName(node, frame));
          if (decision?.kind === "hit") {
            if (hooks) {
              const args = buildArgs(task, frame.values, undefined);
              afterNode(hooks, ctx, beforeNode(hooks, ctx, node, args, itemsOf(frame)), true, decision.value, HIT);
            }
            if (frame === top) release(task.readSlots);
            frame.versions![task.out] = decision.dataVersion;
            fill(frame, task.out, decision.value);
            taskDone(frame);
            continue;
          }
          const worker = node.options.worker === true;
          const args = buildArgs(task, frame.values, worker ? undefined : signal);
          if (frame === top) release(task.readSlots);
          // A worker may take over buffers no other node reads; a retried node must keep its inputs
          // intact, and so must a cached run (results wait in a batch before they are written).
          const transfer = worker && frame === top && node.options.retry === undefined && caching === undefined
            ? lastReaderBuffers(task, args, refs, computed)
            : NO_BUFFERS;
          const event = hooks ? beforeNode(hooks, ctx, node, args, itemsOf(frame)) : undefined;
          const pools = ctx.pools?.[node.id];
          if (semaphore !== undefined || pools !== undefined || node.options.timeout !== undefined || node.options.retry !== undefined) {
            const effect = fiberNode(node, args, semaphore, ctx, transfer, pools);
            yield* Effect.forkIn(settle(effect, (ok, value) => settled(frame, t, ok, value, event, decision)), scope);
            continue;
          }
          let result: unknown;
          try {
            result = worker ? submit(ctx, node, args, transfer, signal) : call(node, args);
          } catch (e) {
            if (event) afterNode(hooks!, ctx, event, false, e);
            nodeFailed(frame, t, e);
            if (failure !== undefined) return yield* fail(failure);
            continue;
          }
          if (result !== null && (typeof result === "object" || typeof result === "function")) {
            if (Effect.isEffect(result)) {
              const effect = result as Effect.Effect<unknown, unknown>;
              yield* Effect.forkIn(settle(effect, (ok, value) => settled(frame, t, ok, value, event, decision)), scope);
              continue;
            }
            if (typeof (result as PromiseLike<unknown>).then === "function") {
              // Both handlers always attached: a promise that rejects after the run ended is never unhandled.
              (result as PromiseLike<unknown>).then(
                (value) => settled(frame, t, true, value, event, decision),
                (error) => settled(frame, t, false, error, event, decision),
              );
              continue;
            }
          }
          const outcome = decision !== undefined ? caching!.after(decision, frame, task.out, result) : undefined;
          if (event) afterNode(hooks!, ctx, event, true, result, outcome);
          fill(frame, task.out, result);
          taskDone(frame);
        }
        if (failure !== undefined) return yield* fail(failure);
        if (pumps.length > 0) {
          for (const block of pumps.splice(0)) block.pump();
          continue;
        }
        if (top.remaining === 0) break;
        yield* idle;
      }

      const results: Record<string, unknown> = {};
      for (const name of plan.outputs) {
        const node = graph.byName.get(name);
        setOwn(results, name, node ? plan.values[node.id] : plan.extra.get(name));
      }
      return results;
    }),
  ).pipe(
    Effect.onInterrupt(() => Effect.sync(() => ctx.controller.abort(new DOMException("The run was cancelled", "AbortError")))),
  );
}

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
