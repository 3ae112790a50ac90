import { describe, expect, test } from "bun:test";
import {
  Builder,
  isWeftError,
  NodeExecutionError,
  SerializationError,
  TimeoutError,
  WorkerError,
  WorkerPoolExecutor,
} from "../../mod.ts";
import type { WorkerFactory } from "../../lib/ports/worker-factory.ts";
import { BunWorkerFactory } from "../../runtime/bun/worker-factory.ts";
import { executorContract } from "./executor-contract.ts";
import * as workers from "../fixtures/workers.ts";

executorContract("WorkerPoolExecutor", () => new WorkerPoolExecutor(new BunWorkerFactory(), { size: 2 }));

/** A factory that counts the workers it starts. */
function countingFactory(): WorkerFactory & { started: number } {
  const inner = new BunWorkerFactory();
  const f = { started: 0, start: () => (f.started++, inner.start()) };
  return f;
}

describe("worker nodes", () => {
  test("run on another thread, which imports the node's module by URL", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const { threadToken } = await dr.execute(["threadToken"]);
    expect(typeof threadToken).toBe("number");
    expect(threadToken).not.toBe(workers._threadToken);
  });

  test("start their workers once per driver, not per node or per run", async () => {
    const factory = countingFactory();
    await using dr = await new Builder().withModules(workers).withExecutor(new WorkerPoolExecutor(factory, { size: 2 })).build();
    for (let i = 0; i < 3; i++) await dr.execute(["asyncSum", "effectful", "threadToken"], { inputs: { a: 1, b: 2 } });
    expect(factory.started).toBe(2);
  });

  test("run concurrently up to the pool size", async () => {
    const counter = new Int32Array(new SharedArrayBuffer(8));
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 2 }).build();
    await Promise.all([1, 2, 3, 4].map(() => dr.execute(["probe"], { inputs: { counter, target: 2 } })));
    expect(Atomics.load(counter, 1)).toBe(2);
  });

  test("transfer a computed buffer that no other node reads, and copy one that another node reads", async () => {
    const made: Float64Array[] = [];
    const producer = { samples: () => (made.push(new Float64Array([1, 2, 3])), made.at(-1)!), doubled: workers.doubled };
    await using dr = await new Builder().withModules({ name: "p", exports: producer }).withWorkers({ size: 1 }).build();
    const r = await dr.execute(["doubled"]);
    expect([...r.doubled]).toEqual([2, 4, 6]);
    expect(made[0]!.length).toBe(0); // moved to the worker, not copied
    const both = await dr.execute(["doubled", "samples"]);
    expect([...both.doubled]).toEqual([2, 4, 6]);
    expect([...both.samples]).toEqual([1, 2, 3]); // still read by the caller: copied
  });

  test("never transfer the caller's inputs", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const samples = new Float64Array([1, 2]);
    const r = await dr.execute(["doubled"], { inputs: { samples } });
    expect([...r.doubled]).toEqual([2, 4]);
    expect([...samples]).toEqual([1, 2]);
  });

  test("reject an input that cannot be cloned with SerializationError naming the node and path, before running", async () => {
    class Parser { parse() { return 1; } }
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const e1 = await dr.execute(["asyncSum"], { inputs: { a: { nested: [1, () => 2] }, b: 1 } }).catch((e) => e);
    expect(e1).toBeInstanceOf(NodeExecutionError);
    expect(e1.cause).toBeInstanceOf(SerializationError);
    expect(e1.cause.node).toBe("asyncSum");
    expect(e1.cause.path).toBe("a.nested[1]");
    expect(e1.cause.message).toBe('Cannot serialize the value of "asyncSum" at a.nested[1]: a function (anonymous) cannot be cloned (in the inputs sent to a worker)');
    const e2 = await dr.execute(["doubled"], { inputs: { samples: new Parser() } }).catch((e) => e);
    expect(e2.cause.message).toContain("<argument 0>: an instance of Parser would lose its prototype and methods");
  });

  test("reject a result that cannot be cloned with SerializationError naming the path", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["returnsFunction"], { inputs: { a: 1 } }).catch((e) => e);
    expect(isWeftError(error.cause, "serialization")).toBe(true);
    expect(error.cause.path).toBe(".parse");
  });

  test("keep the error's name, message and kind across the boundary", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["fails"], { inputs: { a: 3 } }).catch((e) => e);
    expect(error.node).toBe("fails");
    expect(error.cause.name).toBe("RangeError");
    expect(error.cause.message).toBe("bad a 3");
  });

  test("a worker that exits fails its node with WorkerError; the pool replaces it and the next run works", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["exits"], { inputs: { code: 7 } }).catch((e) => e);
    expect(error.cause).toBeInstanceOf(WorkerError);
    expect(error.cause.message).toBe('The worker running node "exits" died: the worker exited with code 7; the pool replaced it');
    expect(await dr.execute(["asyncSum"], { inputs: { a: 1, b: 1 } })).toEqual({ asyncSum: 2 });
  });

  test("a module that cannot be imported in a worker fails with an error naming the module", async () => {
    (globalThis as { __weftTestMainThread?: boolean }).__weftTestMainThread = true;
    const mod = await import("../fixtures/main-thread-only.ts");
    await using dr = await new Builder().withModules(mod).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["needsSetup"], { inputs: { a: 1 } }).catch((e) => e);
    expect(error.cause).toBeInstanceOf(Error);
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toContain(`Cannot import module "${new URL("../fixtures/main-thread-only.ts", import.meta.url).href}" in a worker for node "needsSetup": this module needs the main thread's setup`);
  });

  test("a CPU-bound node past its timeout fails with TimeoutError, its worker is replaced, and the pool still works", async () => {
    await using dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["spinForever"], { inputs: { go: true } }).catch((e) => e);
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(await dr.execute(["asyncSum"], { inputs: { a: 2, b: 2 } })).toEqual({ asyncSum: 4 });
  });

  test("a worker node's abortSignal fires inside the worker when the run fails", async () => {
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const bad = async () => {
      // Fail only once the worker node is running.
      while (Atomics.load(flag, 1) === 0) await new Promise((r) => setTimeout(r, 2));
      throw new Error("sibling failed");
    };
    const both = (raisesFlagOnAbort: string, bad: number) => [raisesFlagOnAbort, bad];
    await using dr = await new Builder().withModules(workers, { bad, both }).withWorkers({ size: 1 }).build();
    const error = await dr.execute(["both"], { inputs: { flag } }).catch((e) => e);
    expect(error.node).toBe("bad");
    for (let i = 0; i < 100 && Atomics.load(flag, 0) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(Atomics.load(flag, 0)).toBe(1);
  });

  test("a worker node must be exported by the module where node() was called", async () => {
    const error = await new Builder().withModules({ stray: workers.spin }).build().catch((e) => e);
    expect(error.message).toMatch(/^Cannot build the graph: worker node "stray" must be exported as "stray" by module "file:.*workers\.ts", where node\(\) was called; pass that module \(import \* as flow\) to withModules$/);
  });

  test("close() stops the workers; a later run fails clearly", async () => {
    const dr = await new Builder().withModules(workers).withWorkers({ size: 1 }).build();
    await dr.close();
    const error = await dr.execute(["threadToken"]).catch((e) => e);
    expect(error.cause.message).toBe("The worker pool was closed; build a new driver");
  });

  test("withWorkers() rejects a bad size", () => {
    expect(() => new Builder().withWorkers({ size: 0 })).toThrow(RangeError);
  });
});

describe("WorkerPoolExecutor startup failures", () => {
  test("stops replacing workers that die before saying anything, and fails tasks with the reason", async () => {
    let started = 0;
    const dying: WorkerFactory = {
      start() {
        started++;
        let onExit: ((reason: Error) => void) | undefined;
        queueMicrotask(() => onExit?.(new Error("cannot read the worker script")));
        return { postMessage() {}, onMessage() {}, onExit: (l) => void (onExit = l), terminate: async () => {} };
      },
    };
    const pool = new WorkerPoolExecutor(dying, { size: 1 });
    await pool.init();
    const { taskFor } = await import("./executor-contract.ts");
    const error = (await pool.submit(taskFor("fails", [0])).catch((e) => e)) as Error;
    expect(error.message).toBe("The worker pool cannot start workers: cannot read the worker script");
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(3);
    await pool.dispose();
  });
});

describe("worker nodes under modifiers", () => {
  test("parameterize, tag and config.when alternatives of worker nodes run on workers", async () => {
    const flow = await import("../fixtures/worker-modifiers.ts");
    await using dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).withWorkers({ size: 2 }).build();
    expect(await dr.execute(["double", "triple", "squared", "shifted"], { inputs: { x: 5 } })).toEqual({
      double: 10, triple: 15, squared: 25, shifted: 105,
    });
    expect(dr.listAvailableVariables({ tags: { team: "math" } }).map((v) => v.name)).toEqual(["squared"]);
  });

  test("a schema check on a worker node runs in the worker and fails the node", async () => {
    const flow = await import("../fixtures/worker-modifiers.ts");
    await using dr = await new Builder().withModules(flow).withConfig({ region: "us" }).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["checked", "shifted"], { inputs: { x: 1 } })).toEqual({ checked: 1, shifted: -99 });
    const error = await dr.execute(["checked"], { inputs: { x: -1 } }).catch((e) => e);
    expect(isWeftError(error.cause, "schema")).toBe(true);
    expect(error.cause.message).toContain('The output of "checked" does not match its schema');
  });
});
