/** The RunStore contract: every implementation (memory, SQLite) must pass it. */
import { describe, expect, test } from "bun:test";
import type { Liveness, NodeRecord, RunBatch, RunStartRecord, RunStore } from "../../lib/ports/run-store.ts";
import { RUN_STATUSES } from "../../lib/ports/run-store.ts";

/** A run start record with defaults. */
export function startOf(id: string, start: number, extra: Partial<RunStartRecord> = {}): RunStartRecord {
  return {
    id, start, outputs: ["out"], nodes: 2, inputs: { day: '"2026-11-22"' }, overrides: {}, config: {},
    graph: '{"nodes":[{"name":"a","roles":["function"],"modifiers":[],"namespace":""}],"edges":[]}', pid: 1, host: "h", ...extra,
  };
}

const empty: RunBatch = { starts: [], nodes: [], progress: [], ends: [] };
const batch = (b: Partial<RunBatch>): RunBatch => ({ ...empty, ...b });
const nodeOf = (runId: string, node: string, batchNo: number, extra: Partial<NodeRecord> = {}): NodeRecord => ({
  runId, node, item: "", status: "succeeded", start: 10, end: 15, duration: 5, executor: "in-process", batch: batchNo, ...extra,
});

const DAY = 86_400_000;
const runId = (i: number) => `run-${String(i).padStart(3, "0")}`;

/** `count` finished runs, run i started at i * `step` ms, each with nodes "a" and "b". */
export function writeFinishedRuns(store: RunStore, count: number, step: number, prefix = ""): void {
  for (let i = 0; i < count; i++) {
    const id = prefix + runId(i);
    const start = i * step;
    store.write(batch({
      starts: [startOf(id, start)],
      nodes: [nodeOf(id, "a", 1, { start, end: start + 1 }), nodeOf(id, "b", 1, { start: start + 1, end: start + 2 })],
      progress: [{ id, at: start + 2, batch: 1, done: 2, failed: 0, hits: 0 }],
      ends: [{ id, end: start + 2, status: "succeeded" }],
    }));
  }
}

/** Runs the contract against stores made by `make` (`alive` decides which "running" runs still run). */
export function runStoreContract(name: string, make: (alive: Liveness) => RunStore): void {
  describe(`RunStore contract: ${name}`, () => {
    test("listRuns() lists runs newest first with their counters", () => {
      const store = make(() => true);
      store.write(batch({ starts: [startOf("r1", 100), startOf("r2", 200)] }));
      store.write(batch({ nodes: [nodeOf("r1", "a", 1, { cache: { status: "hit" } })], progress: [{ id: "r1", at: 150, batch: 1, done: 1, failed: 0, hits: 1 }] }));
      store.write(batch({ ends: [{ id: "r1", end: 160, status: "succeeded" }] }));
      const page = store.listRuns();
      expect(page.total).toBe(2);
      expect(page.runs.map((r) => [r.id, r.status])).toEqual([["r2", "running"], ["r1", "succeeded"]]);
      expect(page.runs[1]).toMatchObject({ start: 100, end: 160, done: 1, hits: 1, failed: 0, nodes: 2, outputs: ["out"], batch: 1 });
      store.close();
    });

    test("listRuns() filters by status and pages", () => {
      const store = make(() => true);
      const starts = Array.from({ length: 7 }, (_, i) => startOf(`r${i}`, 1000 + i));
      store.write(batch({ starts, ends: starts.filter((_, i) => i % 2 === 0).map((s) => ({ id: s.id, end: s.start + 1, status: "failed" as const })) }));
      const failed = store.listRuns({ status: "failed", limit: 2, offset: 1 });
      expect(failed.total).toBe(4);
      expect(failed.runs.map((r) => r.id)).toEqual(["r4", "r2"]);
      expect(store.listRuns({ status: "running" }).runs.map((r) => r.id)).toEqual(["r5", "r3", "r1"]);
      expect(store.listRuns({ limit: 10_000 }).limit).toBe(500);
      store.close();
    });

    test("getRun() returns details, the error and undefined for an unknown id", () => {
      const store = make(() => true);
      store.write(batch({ starts: [startOf("r1", 100, { config: { mode: '"fast"' } })], ends: [{ id: "r1", end: 120, status: "failed", error: { name: "Error", message: "<b>boom</b>", stack: "Error: <b>boom</b>\n at x" } }] }));
      const run = store.getRun("r1")!;
      expect(run).toMatchObject({ status: "failed", inputs: { day: '"2026-11-22"' }, config: { mode: '"fast"' }, error: { message: "<b>boom</b>" } });
      expect(JSON.parse(run.graph).nodes[0].name).toBe("a");
      expect(store.getRun("nope")).toBeUndefined();
      store.close();
    });

    test("getRun() returns the request a run recorded, exactly, and none for a run that recorded none", () => {
      const store = make(() => true);
      const values = { inputs: { day: "2026-11-22", rows: [1, { a: null, "b c": [true, 2.5] }] }, overrides: { x: -1 }, config: JSON.parse('{"__proto__":"own","mode":"fast"}') as Record<string, unknown> };
      const replayable = { modules: [{ name: "flow", url: "file:///app/flow.ts" }, { name: "module 2" }], cache: { kind: "file" as const, recompute: ["a"] }, concurrency: 4, values };
      const not = { modules: [{ name: "flow", url: "file:///app/flow.ts" }], cache: { kind: "memory" as const }, notReplayable: 'input "when" is a Date, which JSON cannot hold exactly' };
      store.write(batch({ starts: [startOf("r1", 100, { request: replayable }), startOf("r2", 200, { request: not }), startOf("r3", 300)] }));
      expect(store.getRun("r1")!.request).toEqual(replayable);
      expect(Object.hasOwn((store.getRun("r1")!.request as unknown as { values: typeof values }).values.config, "__proto__")).toBe(true);
      expect(store.getRun("r2")!.request).toEqual(not);
      expect(store.getRun("r3")!.request).toBeUndefined();
      expect(store.listRuns().runs.every((r) => !("request" in r))).toBe(true);
      store.close();
    });

    test("nodesOf() returns executions in start order, the latest record of each, and only later batches with since", () => {
      const store = make(() => true);
      store.write(batch({ starts: [startOf("r1", 0)] }));
      store.write(batch({ nodes: [nodeOf("r1", "b", 1, { status: "running", start: 20, end: undefined, duration: undefined }), nodeOf("r1", "a", 1, { start: 5 })] }));
      store.write(batch({ nodes: [nodeOf("r1", "b", 2, { start: 20, end: 30, error: { name: "Error", message: "x" }, status: "failed" }), nodeOf("r1", "m", 2, { item: "xs[1]", start: 25, preview: "[1, 2]" })] }));
      expect(store.nodesOf("r1").map((n) => `${n.node}${n.item}:${n.status}`)).toEqual(["a:succeeded", "b:failed", "mxs[1]:succeeded"]);
      expect(store.nodesOf("r1", { since: 1 }).map((n) => n.node)).toEqual(["b", "m"]);
      expect(store.nodesOf("r1").find((n) => n.node === "m")).toMatchObject({ item: "xs[1]", preview: "[1, 2]", executor: "in-process" });
      expect(store.nodesOf("nope")).toEqual([]);
      store.close();
    });

    test("nodesOf() gives each execution's host as written, and none for a record written without one", () => {
      const store = make(() => true);
      store.write(batch({ starts: [startOf("r1", 0)] }));
      store.write(batch({ nodes: [nodeOf("r1", "a", 1, { status: "running", end: undefined, duration: undefined }), nodeOf("r1", "w", 1, { executor: "bullmq", host: "box-2:4242" })] }));
      expect(store.nodesOf("r1").find((n) => n.node === "a")!.host).toBeUndefined();
      store.write(batch({ nodes: [nodeOf("r1", "a", 2, { host: "driver-box" })] }));
      expect(Object.fromEntries(store.nodesOf("r1").map((n) => [n.node, n.host]))).toEqual({ a: "driver-box", w: "box-2:4242" });
      store.close();
    });

    test("a running run whose process is gone reads as interrupted, with its running nodes", () => {
      const store = make((run) => run.pid !== 666);
      store.write(batch({ starts: [startOf("dead", 100, { pid: 666 }), startOf("live", 200, { pid: 7 })] }));
      store.write(batch({ nodes: [nodeOf("dead", "a", 1, { status: "running", end: undefined, duration: undefined })] }));
      expect(store.getRun("dead")!.status).toBe("interrupted");
      expect(store.nodesOf("dead")[0]!.status).toBe("interrupted");
      expect(store.listRuns({ status: "interrupted" }).runs.map((r) => r.id)).toEqual(["dead"]);
      expect(store.listRuns({ status: "running" }).runs.map((r) => r.id)).toEqual(["live"]);
      expect(store.listRuns().runs.map((r) => r.status)).toEqual(["running", "interrupted"]);
      store.close();
    });

    test("prune() keeps the newest keepRuns runs and removes the rest with their node records", () => {
      const store = make(() => true);
      writeFinishedRuns(store, 50, DAY);
      const report = store.prune({ keepRuns: 10 });
      expect(report.runs).toEqual(Array.from({ length: 40 }, (_, i) => runId(39 - i)));
      expect(report.nodes).toBe(80);
      expect(report.inFlight).toEqual([]);
      expect(store.listRuns({ limit: 500 }).runs.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => runId(49 - i)));
      expect(store.nodesOf(runId(0))).toEqual([]);
      expect(store.getRun(runId(0))).toBeUndefined();
      expect(store.nodesOf(runId(49)).map((n) => n.node)).toEqual(["a", "b"]);
      store.close();
    });

    test("prune() removes runs started longer ago than olderThanMs, measured from now", () => {
      const store = make(() => true);
      writeFinishedRuns(store, 50, DAY);
      // Run i started on day i; "now" is day 50, so runs 0..19 started more than 30 days ago.
      const report = store.prune({ olderThanMs: 30 * DAY, now: 50 * DAY });
      expect(report.runs.length).toBe(20);
      expect(store.listRuns({ limit: 500 }).total).toBe(30);
      expect(store.getRun(runId(19))).toBeUndefined();
      expect(store.getRun(runId(20))).toBeDefined();
      store.close();
    });

    test("prune() with both limits removes a run when either says so", () => {
      const store = make(() => true);
      writeFinishedRuns(store, 50, DAY);
      expect(store.prune({ keepRuns: 40, olderThanMs: 30 * DAY, now: 50 * DAY }).runs.length).toBe(20);
      expect(store.prune({ keepRuns: 5, olderThanMs: 30 * DAY, now: 50 * DAY }).runs.length).toBe(25);
      expect(store.listRuns().runs.map((r) => r.id)).toEqual([49, 48, 47, 46, 45].map(runId));
      store.close();
    });

    test("prune() never removes a run still running, and reports it; a run whose process is gone goes", () => {
      const store = make((run) => run.pid !== 666);
      writeFinishedRuns(store, 5, DAY);
      store.write(batch({ starts: [startOf("live", 0.5 * DAY, { pid: 7 }), startOf("dead", 0.6 * DAY, { pid: 666 })] }));
      const report = store.prune({ keepRuns: 0 });
      expect(report.inFlight).toEqual(["live"]);
      expect(report.runs).toContain("dead");
      expect(report.runs.length).toBe(6);
      expect(store.listRuns().runs.map((r) => r.id)).toEqual(["live"]);
      store.close();
    });

    test("prune() with dryRun reports what would go and removes nothing", () => {
      const store = make(() => true);
      writeFinishedRuns(store, 20, DAY);
      const v = store.version();
      const dry = store.prune({ keepRuns: 5, dryRun: true });
      expect(dry.runs.length).toBe(15);
      expect(dry.nodes).toBe(30);
      expect(dry.bytes).toBe(0);
      expect(store.listRuns().total).toBe(20);
      expect(store.version()).toBe(v);
      const real = store.prune({ keepRuns: 5 });
      expect({ ...real, bytes: 0, graphs: dry.graphs }).toEqual(dry);
      store.close();
    });

    test("prune() rejects a call without a limit and malformed limits", () => {
      const store = make(() => true);
      expect(() => store.prune({})).toThrow(new RangeError("Cannot prune the run history: no limit given; pass keepRuns, olderThanMs or both"));
      expect(() => store.prune({ keepRuns: -1 })).toThrow(RangeError);
      expect(() => store.prune({ keepRuns: 1.5 })).toThrow(RangeError);
      expect(() => store.prune({ olderThanMs: Number.NaN })).toThrow(RangeError);
      store.close();
    });

    test("countRuns() gives listRuns()'s total for all runs and for each status, a dead process's run as interrupted", () => {
      const store = make((o) => o.pid !== 2);
      store.write(batch({
        starts: [startOf("r1", 1), startOf("r2", 2, { pid: 2 }), startOf("r3", 3), startOf("r4", 4), startOf("r5", 5)],
        ends: [{ id: "r1", end: 9, status: "succeeded" }, { id: "r3", end: 9, status: "failed" }, { id: "r4", end: 9, status: "failed" }],
      }));
      const totals = Object.fromEntries([["all", store.listRuns().total], ...RUN_STATUSES.map((s) => [s, store.listRuns({ status: s }).total])]);
      expect(store.countRuns()).toEqual(totals);
      expect(store.countRuns()).toEqual({ all: 5, running: 1, succeeded: 1, failed: 2, cancelled: 0, interrupted: 1 });
      store.write(batch({ ends: [{ id: "r5", end: 9, status: "cancelled" }] }));
      expect(store.countRuns()).toEqual({ all: 5, running: 0, succeeded: 1, failed: 2, cancelled: 1, interrupted: 1 });
      store.close();
    });

    test("nodeDurations() is the median over each node's latest computed executions, items one by one", () => {
      const store = make(() => true);
      const rec = (run: string, node: string, start: number, duration: number, extra: Partial<NodeRecord> = {}) =>
        nodeOf(run, node, 1, { start, end: start + duration, duration, ...extra });
      store.write(batch({
        starts: [startOf("r1", 1), startOf("r2", 2), startOf("r3", 3)],
        nodes: [
          rec("r1", "a", 10, 100), rec("r2", "a", 20, 10), rec("r3", "a", 30, 30),
          // Not samples: a cache hit, a failure, one still running.
          rec("r3", "b", 31, 0.1, { cache: { status: "hit" } }), rec("r2", "b", 21, 7, { status: "failed" }), rec("r1", "b", 11, 40),
          rec("r1", "c", 12, 5, { status: "running", duration: undefined, end: undefined } as never),
          // Items count one by one: 2, 4, 6, 8 → 5.
          ...[2, 4, 6, 8].map((d, i) => rec("r1", "per", 40 + i, d, { item: `xs[${i}]` })),
          // Special names are names.
          rec("r1", "__proto__", 50, 3),
        ],
      }));
      const all = store.nodeDurations(["a", "b", "c", "per", "__proto__", "missing"]);
      expect(Object.fromEntries(all)).toEqual({ a: 30, b: 40, per: 5, ["__proto__"]: 3 });
      // The latest `samples` only: r3 (30) and r2 (10).
      expect(store.nodeDurations(["a"], { samples: 2 }).get("a")).toBe(20);
      expect(store.nodeDurations([]).size).toBe(0);
      store.close();
    });

    test("nodeStats() per node: percentiles of computed durations, hit rate, own failures apart from stopped executions, a regression flag", () => {
      const store = make(() => true);
      const recs: NodeRecord[] = [];
      // "a": 10 computed runs, the latest 5 twice as slow; 2 hits; 1 failure; 1 stopped by a sibling's failure.
      for (let i = 0; i < 10; i++) recs.push(nodeOf(`r${i}`, "a", 1, { start: 100 + i, duration: i < 5 ? 10 + i : 30 + i, cache: { status: "miss" } }));
      recs.push(nodeOf("r10", "a", 1, { start: 110, duration: 0.1, cache: { status: "hit" } }), nodeOf("r11", "a", 1, { start: 111, duration: 0.1, cache: { status: "hit" } }));
      recs.push(nodeOf("r12", "a", 1, { start: 112, status: "failed", duration: 3 }), nodeOf("r13", "a", 1, { start: 113, status: "cancelled", duration: 1 }));
      // "b": items count one by one; no cache.
      recs.push(...[4, 2, 6].map((d, i) => nodeOf("r0", "b", 1, { item: `xs[${i}]`, start: 200 + i, duration: d })));
      store.write(batch({ starts: Array.from({ length: 14 }, (_, i) => startOf(`r${i}`, i)), nodes: recs }));
      const [a, b] = store.nodeStats();
      expect(a).toMatchObject({
        node: "a", executions: 14, computed: 10, hits: 2, hitRate: 2 / 12, failures: 1, stopped: 1, failureRate: 1 / 14,
        p50Ms: 14, p95Ms: 39, recentMs: 37, earlierMs: 12, regression: true,
      });
      expect(a!.durations).toEqual([10, 11, 12, 13, 14, 35, 36, 37, 38, 39]);
      expect(a!.lastAt).toBe(113);
      expect(b).toMatchObject({ node: "b", executions: 3, computed: 3, hits: 0, failures: 0, p50Ms: 4, regression: false, durations: [4, 2, 6] });
      expect(b!.hitRate).toBeUndefined();
      // One node, and fewer samples: the latest ones.
      expect(store.nodeStats({ node: "a", samples: 4 }).map((s) => [s.executions, s.hits, s.failures, s.computed])).toEqual([[4, 2, 1, 0]]);
      expect(store.nodeStats({ node: "nope" })).toEqual([]);
      expect(() => store.nodeStats({ samples: 0 })).toThrow(RangeError);
      expect(() => store.nodeStats({ samples: 1.5 })).toThrow('nodeStats() option "samples" must be a whole number from 1 to 10,000, got 1.5');
      store.close();
    });

    test("version() changes with every write", () => {
      const store = make(() => true);
      const v0 = store.version();
      store.write(batch({ starts: [startOf("r1", 0)] }));
      const v1 = store.version();
      expect(v1).not.toBe(v0);
      expect(store.version()).toBe(v1);
      store.close();
    });
  });
}
