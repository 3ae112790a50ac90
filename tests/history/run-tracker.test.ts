/** withTracking(): what a run records, through the Builder exported by "weft". */
import { afterAll, describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { join } from "node:path";
import { Builder, collect, MemoryRunStore, node, parallelizable, type RunBatch, type RunStore } from "../../mod.ts";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("tracking");
afterAll(tmp.remove);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("withTracking()", () => {
  test("names a flow given as a bare namespace by its file, as the cache found it, not \"module 1\"", async () => {
    const flow = await import("../fixtures/history-flow.ts");
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules(flow).withCache({ memory: true }).withTracking({ store }).build();
    await dr.execute(["rates"], { inputs: { slowMs: 0 } });
    expect(store.listRuns().runs[0]!.modules).toEqual(["history-flow"]);
    // A plain object has no file: its name stays.
    await using plain = await new Builder().withModules({ a: () => 1 }).withTracking({ store }).build();
    await plain.execute(["a"]);
    expect(store.listRuns().runs[0]!.modules).toEqual(["module 1"]);
  });

  test("records a run: status, outputs, inputs, each node's timings, where it ran and a preview of its result", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({ a: (x: number) => x + 1, b: async (a: number) => ({ list: Array.from({ length: 1000 }, (_, i) => i + a) }) })
      .withTracking({ store, previewLength: 40 }).build();
    await dr.execute(["b"], { inputs: { x: 1 } });
    const [run] = store.listRuns().runs;
    expect(run).toMatchObject({ status: "succeeded", outputs: ["b"], nodes: 2, done: 2, failed: 0, hits: 0 });
    expect(store.getRun(run!.id)!.inputs).toEqual({ x: "1" });
    const nodes = store.nodesOf(run!.id);
    expect(nodes.map((n) => [n.node, n.status, n.executor])).toEqual([["a", "succeeded", "in-process"], ["b", "succeeded", "in-process"]]);
    expect(nodes[1]!.preview!.length).toBe(40);
    expect(nodes[1]!.preview).toStartWith("{ list: [2, 3, 4");
    expect(nodes[1]!.end! - nodes[1]!.start).toBeCloseTo(nodes[1]!.duration!, 5);
  });

  test("records this machine's host name as where in-process nodes and cache hits ran, and with the run", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({ a: (x: number) => x + 1, b: (a: number) => a * 2 }).withCache({ memory: true }).withTracking({ store }).build();
    await dr.execute(["b"], { inputs: { x: 1 } });
    await dr.execute(["b"], { inputs: { x: 1 } });
    const [hits, first] = store.listRuns().runs;
    expect(first!.host).toBe(hostname());
    expect(store.nodesOf(first!.id).map((n) => [n.node, n.host])).toEqual([["a", hostname()], ["b", hostname()]]);
    expect(store.nodesOf(hits!.id).map((n) => [n.node, n.cache?.status, n.host])).toEqual([["a", "hit", hostname()], ["b", "hit", hostname()]]);
  });

  test("records a failed run with the error and its stack, and the failing node", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({ a: () => 1, bad: (a: number) => { throw new RangeError(`<script>alert(${a})</script>`); } })
      .withTracking({ store }).build();
    await expect(dr.execute(["bad"])).rejects.toThrow("alert(1)");
    const run = store.getRun(store.listRuns().runs[0]!.id)!;
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ name: "NodeExecutionError", kind: "node-execution", message: 'Node "bad" failed: <script>alert(1)</script>' });
    const bad = store.nodesOf(run.id).find((n) => n.node === "bad")!;
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatchObject({ name: "RangeError", message: "<script>alert(1)</script>" });
    expect(bad.error!.stack).toContain("RangeError: <script>alert(1)</script>");
  });

  test("records a run cancelled by the caller's signal, its running nodes cancelled", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({ slow: async (abortSignal: AbortSignal) => { await sleep(200); return abortSignal.aborted; } })
      .withTracking({ store }).build();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop now")), 20);
    await expect(dr.execute(["slow"], { signal: controller.signal })).rejects.toThrow("stop now");
    const run = store.getRun(store.listRuns().runs[0]!.id)!;
    expect(run.status).toBe("cancelled");
    expect(run.error?.message).toBe("stop now");
    expect(store.nodesOf(run.id).map((n) => n.status)).toEqual(["cancelled"]);
  });

  test("marks nodes still running when a sibling fails as cancelled", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({
      slow: async () => { await sleep(300); return 1; },
      bad: async () => { await sleep(5); throw new Error("no"); },
      both: (slow: number, bad: number) => slow + bad,
    }).withTracking({ store }).build();
    await expect(dr.execute(["both"])).rejects.toThrow("no");
    const id = store.listRuns().runs[0]!.id;
    expect(Object.fromEntries(store.nodesOf(id).map((n) => [n.node, n.status]))).toEqual({ slow: "cancelled", bad: "failed" });
  });

  test("records map/reduce items one execution each, and counts the node once", async () => {
    const store = new MemoryRunStore();
    await using dr = await new Builder().withModules({
      xs: parallelizable(() => [1, 2, 3]),
      sq: (xs: number) => xs * xs,
      sum: collect((sq: number[]) => sq.reduce((a, b) => a + b, 0)),
    }).withTracking({ store }).build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 14 });
    const [run] = store.listRuns().runs;
    expect(run!.done).toBe(3);
    expect(store.nodesOf(run!.id).filter((n) => n.node === "sq").map((n) => n.item).sort()).toEqual(["xs[0]", "xs[1]", "xs[2]"]);
  });

  test("with the cache, records hits and the reason a node missed, in the cache's file", async () => {
    const path = join(tmp.dir, "shared", "weft.db");
    let code = 2;
    const build = () => new Builder().withModules({ a: (x: number) => x * code, b: node((a: number) => a + 1, { version: String(code) }) }).withCache({ path }).withTracking().build();
    {
      await using dr = await build();
      await dr.execute(["b"], { inputs: { x: 1 } });
      await dr.execute(["b"], { inputs: { x: 1 } });
      await dr.execute(["b"], { inputs: { x: 2 } });
    }
    code = 3;
    await using dr = await build();
    await dr.execute(["b"], { inputs: { x: 2 } });
    const runs = dr.history!.listRuns().runs;
    // "a" closes over `code`, which code versions do not track (a manual version is the fix, as "b" has): it hits.
    expect(runs.map((r) => r.hits)).toEqual([1, 0, 2, 0]);
    const cache = (i: number) => Object.fromEntries(dr.history!.nodesOf(runs[i]!.id).map((n) => [n.node, n.cache]));
    expect(cache(2)).toEqual({ a: { status: "hit" }, b: { status: "hit" } });
    expect(cache(1).a).toEqual({ status: "miss", reason: expect.stringContaining('input "x" changed') });
    expect(cache(0).b).toEqual({ status: "miss", reason: expect.stringContaining("version") });
  });

  test("works with the cache off, in its own file", async () => {
    const path = join(tmp.dir, "alone", "history.db");
    await using dr = await new Builder().withModules({ a: () => 1 }).withTracking({ path }).build();
    await dr.execute(["a"]);
    expect(dr.cache).toBeUndefined();
    expect(dr.history!.listRuns().runs.map((r) => r.status)).toEqual(["succeeded"]);
  });

  test("writes a short run in one batch: start, nodes and end together", async () => {
    const batches: RunBatch[] = [];
    const store = new MemoryRunStore();
    const spy: RunStore = Object.assign(Object.create(store) as RunStore, { write: (b: RunBatch) => { batches.push(b); store.write(b); } });
    const mod = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`n${i}`, i === 0 ? () => 0 : new Function(`n${i - 1}`, `return n${i - 1} + 1`)]));
    await using dr = await new Builder().withModules(mod).withTracking({ store: spy }).build();
    await dr.execute(["n199" as never]);
    expect(batches.length).toBe(1);
    expect(batches[0]).toMatchObject({ starts: [{ nodes: 200 }], ends: [{ status: "succeeded" }] });
    expect(batches[0]!.nodes.length).toBe(200);
  });

  test("a store that fails to write warns once and never fails the run", async () => {
    const warnings: string[] = [];
    const broken: RunStore = Object.assign(new MemoryRunStore(), { write: () => { throw new Error("disk full"); } });
    await using dr = await new Builder().withModules({ a: () => 1 }).withTracking({ store: broken }).withWarnings((w) => warnings.push(w.message)).build();
    expect(await dr.execute(["a"])).toEqual({ a: 1 });
    expect(await dr.execute(["a"])).toEqual({ a: 1 });
    expect(warnings).toEqual(["Run tracking is off for this driver: disk full"]);
  });

  test("rejects bad options with a TypeError or RangeError", () => {
    expect(() => new Builder().withTracking({ path: "" })).toThrow('withTracking() option "path" must be a non-empty string');
    expect(() => new Builder().withTracking({ flushMs: -1 })).toThrow(RangeError);
  });
});
