/**
 * The Executor contract, run against every implementation
 * (tests/executors/*.test.ts call `executorContract`).
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Executor, ExecutorTask } from "../../lib/ports/executor.ts";
import { nodeSpecsOf } from "../../lib/model/node-specs.ts";
import * as workers from "../fixtures/workers.ts";

/** A task for export `name` of tests/fixtures/workers.ts. */
export function taskFor(name: keyof typeof workers, args: unknown, signal = new AbortController().signal): ExecutorTask {
  const spec = nodeSpecsOf(name, workers[name], { module: "workers", config: {} })[0]!;
  return {
    locator: { moduleUrl: spec.moduleUrl!, exportName: name, nodeName: spec.name, config: {} },
    fn: spec.fn, style: spec.style, args, transfer: [], signal,
  };
}

/** Options of {@link executorContract}. */
export interface ContractOptions {
  /**
   * Tasks run in other processes, where no memory is shared with the test: the
   * capacity test then has each task report when it ran and counts overlaps,
   * instead of counting through a SharedArrayBuffer.
   */
  readonly crossProcess?: boolean;
}

/** The most intervals that overlap at one instant. */
export function maxOverlap(spans: readonly (readonly [number, number])[]): number {
  const edges = spans.flatMap(([start, end]) => [[start, 1], [end, -1]] as const);
  // An end and a start at the same instant do not overlap: ends first.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (now += delta));
  return max;
}

/** The limit every executor under contract is made with: `make` gives capacity (or size) 2. */
const CAPACITY = 2;

/** Runs the contract against executors made by `make` (capacity 2). */
export function executorContract(label: string, make: () => Executor, options: ContractOptions = {}): void {
  describe(`${label} (Executor contract)`, () => {
    const executor = make();
    const ready = executor.init();
    afterAll(() => executor.dispose());

    test("submit() runs a positional task and resolves with its result", async () => {
      await ready;
      expect(await executor.submit(taskFor("fails", [0]))).toBe(0);
    });

    test("submit() runs an object-form async task", async () => {
      await ready;
      expect(await executor.submit(taskFor("asyncSum", { a: 2, b: 3 }))).toBe(5);
    });

    test("submit() runs a task that returns an Effect", async () => {
      await ready;
      expect(await executor.submit(taskFor("effectful", [4]))).toBe(40);
    });

    test("submit() rejects with the node's error, name and message kept", async () => {
      await ready;
      const error = (await executor.submit(taskFor("fails", [2])).catch((e) => e)) as Error;
      expect(error.name).toBe("RangeError");
      expect(error.message).toBe("bad a 2");
    });

    test("submit() runs at most `capacity` tasks at once", async () => {
      await ready;
      if (options.crossProcess) {
        // Long enough that tasks picked up by different processes overlap for sure.
        const spans = await Promise.all(Array.from({ length: 6 }, () => executor.submit(taskFor("probeSpan", [150])))) as [number, number][];
        expect(maxOverlap(spans)).toBe(CAPACITY);
        return;
      }
      const counter = new Int32Array(new SharedArrayBuffer(8));
      const limit = CAPACITY;
      await Promise.all(Array.from({ length: 6 }, () => executor.submit(taskFor("probe", [counter, limit]))));
      expect(Atomics.load(counter, 1)).toBe(limit);
      expect(Atomics.load(counter, 0)).toBe(0);
    });

    test("submit() rejects with the signal's reason when the run no longer wants the task", async () => {
      await ready;
      const controller = new AbortController();
      const pending = executor.submit(taskFor("waitsForSignal", [5_000], controller.signal));
      controller.abort(new Error("not needed"));
      await expect(pending).rejects.toThrow("not needed");
    });

    test("dispose() can be called twice", async () => {
      const other = make();
      await other.init();
      await other.dispose();
      await other.dispose();
      await expect(other.submit(taskFor("fails", [0]))).rejects.toThrow();
    });
  });
}
