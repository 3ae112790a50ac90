import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import { Builder, type DriverPlan, formatPlan, MemoryRunStore, type NodeEndEvent, UnknownNodeError, MissingInputError } from "../../mod.ts";
import type { NodeRecord } from "../../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { moduleFile, tempDir } from "./_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A flow file in a temp dir, imported fresh after each edit; removed after the test. */
function flowFile(text: string) {
  const m = moduleFile("plan", text);
  cleanups.push(m.remove);
  return m;
}

interface Step {
  readonly plan: DriverPlan;
  /** What the run then did, by record name (`counted[2]`). */
  readonly ran: ReadonlyMap<string, "hit" | "miss" | "uncacheable">;
  readonly results: Record<string, unknown>;
  readonly calls: number;
}

/** Plans, checks the plan called nothing, then runs on the same driver and reports what each node did. */
async function planThenRun(
  module: object,
  db: string,
  outputs: string[],
  options: { inputs?: Record<string, unknown>; overrides?: Record<string, unknown>; config?: Record<string, unknown>; cache?: Record<string, unknown> } = {},
): Promise<Step> {
  const events: NodeEndEvent[] = [];
  let calls = 0;
  await using dr = await new Builder()
    .withModules(module)
    .withConfig(options.config ?? {})
    .withCache({ path: db, ...options.cache })
    .withHooks({ beforeNode: () => void calls++, afterNode: (e) => void events.push(e) })
    .withWarnings(() => {})
    .build();
  const run = { inputs: options.inputs ?? {}, overrides: options.overrides ?? {} };
  const plan = dr.plan(outputs, run);
  expect(calls).toBe(0);
  const results = await dr.execute(outputs, run);
  const ran = new Map(events.map((e) => [e.node + e.items.map((i) => `[${i.index}]`).join(""), e.cache!.status]));
  return { plan, ran, results, calls };
}

/** Every planned call happened as predicted: hit → hit, miss/recompute → miss, uncacheable/disabled → uncacheable; pending → either. */
function expectPredicted(step: Step): void {
  const predicted = step.plan.nodes.filter((n) => !n.node.includes("[*]"));
  const exact = step.plan.nodes.every((n) => !n.node.includes("[*]"));
  if (exact) expect(predicted.map((n) => n.node).sort()).toEqual([...step.ran.keys()].sort());
  for (const n of predicted) {
    const did = step.ran.get(n.node);
    const expected = { hit: ["hit"], miss: ["miss"], recompute: ["miss"], uncacheable: ["uncacheable"], disabled: ["uncacheable"], pending: ["hit", "miss"] }[n.status];
    expect({ node: n.node, did }).toEqual({ node: n.node, did: expected.includes(did!) ? did : `${did} (planned ${n.status})` as never });
  }
}

const statuses = (plan: DriverPlan) => Object.fromEntries(plan.nodes.map((n) => [n.node, n.status]));

const CHAIN = `import { node } from "WEFT";
export function raw(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
export function doubled(raw: number[]): number[] {
  return raw.map((x) => x * 2);
}
export function scaled(doubled: number[], factor: number): number[] {
  return doubled.map((x) => x * factor);
}
export function total(scaled: number[]): number {
  return scaled.reduce((a, b) => a + b, 0);
}
export function report(total: number, label = "sum"): string {
  return \`\${label}: \${total}\`;
}
export const side = node((raw: number[]) => raw.length, { cache: "disable" });
`;

describe("driver.plan() predicts the next run", () => {
  test("over a scripted sequence of edits: fresh, unchanged, a leaf, a root with the same value, an input, a config value", async () => {
    const flow = flowFile(CHAIN);
    const out = ["report", "side"];
    const config = { factor: 2 };
    const inputs = { n: 4 };

    let step = await planThenRun(await flow.load(), flow.db, out, { inputs, config });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ raw: "miss", doubled: "pending", scaled: "pending", total: "pending", report: "pending", side: "disabled" });
    expect(step.plan.nodes.find((n) => n.node === "raw")!.reason).toBe('no cached result for "raw" yet');
    expect(step.results.report).toBe("sum: 24");

    step = await planThenRun(await flow.load(), flow.db, out, { inputs, config });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ raw: "hit", doubled: "hit", scaled: "hit", total: "hit", report: "hit", side: "disabled" });
    expect(step.plan.counts).toMatchObject({ hit: 5, disabled: 1, miss: 0, pending: 0 });

    // A leaf: only it misses, with explain's reason in source terms.
    step = await planThenRun(await flow.load((t) => t.replace("`${label}: ${total}`", "`${label} = ${total}`")), flow.db, out, { inputs, config });
    expectPredicted(step);
    expect(statuses(step.plan)).toMatchObject({ raw: "hit", total: "hit", report: "miss" });
    expect(step.plan.nodes.find((n) => n.node === "report")!.reason).toMatch(/^code of "report" changed \(flow\.ts:\d+\)$/);
    expect(step.results.report).toBe("sum = 24");

    // A root rewritten to the same value: it misses, what is below is pending, and the run hits there (early cut-off).
    step = await planThenRun(await flow.load((t) => t.replace("Array.from({ length: n }, (_, i) => i)", "[...Array(n).keys()]")), flow.db, out, { inputs, config });
    expectPredicted(step);
    expect(statuses(step.plan)).toMatchObject({ raw: "miss", doubled: "pending", scaled: "pending", total: "pending", report: "pending" });
    expect(step.plan.nodes.find((n) => n.node === "doubled")!.reason).toBe('a hit if input "raw" comes out the same');
    expect(Object.fromEntries(step.ran)).toMatchObject({ raw: "miss", doubled: "hit", scaled: "hit", total: "hit", report: "hit" });

    // An input.
    step = await planThenRun(await flow.load(), flow.db, out, { inputs: { n: 5 }, config });
    expectPredicted(step);
    expect(step.plan.nodes.find((n) => n.node === "raw")!.reason).toMatch(/^input "n" changed from 4 \([0-9a-f]{8}\) to 5 \([0-9a-f]{8}\)$/);
    expect(Object.fromEntries(step.ran)).toMatchObject({ raw: "miss", doubled: "miss", report: "miss" });

    // A config value: only the node that reads it misses; below it is pending.
    step = await planThenRun(await flow.load(), flow.db, out, { inputs: { n: 5 }, config: { factor: 3 } });
    expectPredicted(step);
    expect(statuses(step.plan)).toMatchObject({ raw: "hit", doubled: "hit", scaled: "miss", total: "pending", report: "pending" });
    expect(step.plan.nodes.find((n) => n.node === "scaled")!.reason).toMatch(/^input "factor" changed from 2 \(/);

    // An override replaces a node: it is not planned, and what reads it is keyed by the given value.
    step = await planThenRun(await flow.load(), flow.db, ["report"], { inputs: { n: 5 }, config: { factor: 3 }, overrides: { total: 61 } });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ report: "miss" });
    expect(step.results.report).toBe("sum = 61");
    // The value the run computed last time (5 items, doubled, tripled: 60) given as an override: the same key.
    step = await planThenRun(await flow.load(), flow.db, ["report"], { inputs: { n: 5 }, config: { factor: 3 }, overrides: { total: 60 } });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ report: "hit" });
  });

  test("behaviours: recompute, ignore and disable are planned as the run treats them", async () => {
    const flow = flowFile(CHAIN);
    const inputs = { n: 3 };
    const config = { factor: 1 };
    await planThenRun(await flow.load(), flow.db, ["report"], { inputs, config });
    let step = await planThenRun(await flow.load(), flow.db, ["report"], { inputs, config, cache: { recompute: ["doubled"] } });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ raw: "hit", doubled: "recompute", scaled: "pending", total: "pending", report: "pending" });
    expect(Object.fromEntries(step.ran)).toEqual({ raw: "hit", doubled: "miss", scaled: "hit", total: "hit", report: "hit" });

    step = await planThenRun(await flow.load(), flow.db, ["report"], { inputs, config, cache: { ignore: ["doubled"] } });
    expectPredicted(step);
    expect(step.plan.nodes.find((n) => n.node === "doubled")).toMatchObject({ status: "uncacheable", reason: 'its cache behaviour is "ignore"' });

    step = await planThenRun(await flow.load(), flow.db, ["report"], { inputs, config, cache: { disable: ["doubled"] } });
    expectPredicted(step);
    expect(statuses(step.plan)).toMatchObject({ doubled: "disabled", scaled: "uncacheable", report: "uncacheable" });
    expect(step.plan.nodes.find((n) => n.node === "scaled")!.reason).toBe('input "doubled" has no data version');
  });

  const BLOCK = `import { parallelizable, collect } from "WEFT";
export const words = parallelizable((text: string) => text.split(" "));
export function counted(words: string): number {
  return words.length;
}
export function loud(counted: number, words: string): string {
  return words.toUpperCase() + counted;
}
export const longest = collect((loud: string[]) => loud.reduce((a, b) => (b.length > a.length ? b : a), ""));
`;

  test("a map/reduce block is planned item by item when its items are known, as one entry per node when not", async () => {
    const flow = flowFile(BLOCK);
    let step = await planThenRun(await flow.load(), flow.db, ["longest"], { inputs: { text: "a bb ccc" } });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ words: "miss", "counted[*]": "pending", "loud[*]": "pending", longest: "pending" });
    expect(step.plan.nodes.find((n) => n.node === "counted[*]")!.reason).toBe('runs once per item of "words", whose items are not known before the run');
    expect(step.results.longest).toBe("CCC3");

    step = await planThenRun(await flow.load(), flow.db, ["longest"], { inputs: { text: "a bb ccc" } });
    expectPredicted(step);
    expect(step.plan.nodes.map((n) => `${n.node}:${n.status}`)).toEqual([
      "words:hit", "counted[0]:hit", "loud[0]:hit", "counted[1]:hit", "loud[1]:hit", "counted[2]:hit", "loud[2]:hit", "longest:hit",
    ]);

    // A per-item node's code: every item misses, and what is below each is pending.
    step = await planThenRun(await flow.load((t) => t.replace("return words.length;", "return words.length * 10;")), flow.db, ["longest"], { inputs: { text: "a bb ccc" } });
    expectPredicted(step);
    expect(statuses(step.plan)).toMatchObject({ words: "hit", "counted[0]": "miss", "counted[2]": "miss", "loud[1]": "pending", longest: "pending" });
    expect(step.plan.nodes.find((n) => n.node === "counted[1]")!.reason).toMatch(/^code of "counted\[1\]" changed \(flow\.ts:\d+\)$/);
    expect(step.results.longest).toBe("CCC30");

    // Items given as an override are known: each item is planned.
    step = await planThenRun(await flow.load(), flow.db, ["longest"], { overrides: { words: ["a", "zz"] } });
    expectPredicted(step);
    expect(statuses(step.plan)).toEqual({ "counted[0]": "hit", "loud[0]": "hit", "counted[1]": "miss", "loud[1]": "pending", longest: "pending" });
  });

  test("without a cache every node computes, and the plan says why", async () => {
    await using dr = await new Builder().withModules({ a: () => 1, b: (a: number) => a + 1 }).build();
    const plan = dr.plan(["b"]);
    expect(plan.nodes.map((n) => [n.node, n.status, n.reason])).toEqual([
      ["a", "uncacheable", "the driver has no cache (withCache() was not called)"],
      ["b", "uncacheable", "the driver has no cache (withCache() was not called)"],
    ]);
    expect(plan.estimate.message).toBe("no history");
  });

  test("bad requests throw what execute would reject with, before anything is read", async () => {
    await using dr = await new Builder().withModules({ a: (x: number) => x, b: (a: number) => a + 1 }).withCache({ memory: true }).build();
    expect(() => dr.plan(["c" as never])).toThrow(UnknownNodeError);
    expect(() => dr.plan(["b"])).toThrow(MissingInputError);
    expect(() => dr.plan("b" as never)).toThrow(TypeError);
  });
});

describe("driver.plan() reads, never writes", () => {
  test("nothing is written to the cache file, and all lookups of a plan are in one read transaction", async () => {
    const flow = flowFile(CHAIN);
    const module: object = await flow.load();
    await planThenRun(module, flow.db, ["report"], { inputs: { n: 3 }, config: { factor: 1 } });
    const counts = () => {
      const db = new Database(flow.db, { readonly: true });
      try {
        return ["cache_entries", "cache_results", "cache_runs"].map((t) => (db.query(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
      } finally {
        db.close();
      }
    };
    const before = counts();
    await using dr = await new Builder().withModules(module).withConfig<Record<string, unknown>>({ factor: 2 }).withCache({ path: flow.db }).withWarnings(() => {}).build();
    const lastRun = dr.cache!.lastRunId;
    for (let i = 0; i < 3; i++) dr.plan(["report"], { inputs: { n: 3 + i } });
    expect(counts()).toEqual(before);
    expect(dr.cache!.lastRunId).toBe(lastRun);

    // A metadata store that counts read transactions and the lookups made inside and outside them.
    const seen = { transactions: 0, inside: 0, outside: 0 };
    let open = false;
    class Counting extends MemoryMetadataStore {
      read<T>(fn: () => T): T {
        seen.transactions++;
        open = true;
        try {
          return fn();
        } finally {
          open = false;
        }
      }
      override lookup(key: string) {
        if (open) seen.inside++;
        else seen.outside++;
        return super.lookup(key);
      }
    }
    // Without the warm set (memoryBytes 0), every probe reads the store.
    const store = new StoreCache({ metadata: new Counting(), results: new MemoryResultStore(), hasher: bunCacheDrivers.hasher, warn: () => {}, memoryBytes: 0 });
    await using mem = await new Builder().withModules(module).withConfig<Record<string, unknown>>({ factor: 1 }).withCache({ store }).build();
    await mem.execute(["report"], { inputs: { n: 3 } });
    seen.outside = 0;
    const plan = mem.plan(["report"], { inputs: { n: 3 } });
    expect(plan.counts.hit).toBe(5);
    expect(seen).toEqual({ transactions: 1, inside: 5, outside: 0 });
    // With it, a plan after a run finds the results in memory: no lookup at all.
    const warmStore = new StoreCache({ metadata: new Counting(), results: new MemoryResultStore(), hasher: bunCacheDrivers.hasher, warn: () => {} });
    await using warm = await new Builder().withModules(module).withConfig<Record<string, unknown>>({ factor: 1 }).withCache({ store: warmStore }).build();
    await warm.execute(["report"], { inputs: { n: 3 } });
    Object.assign(seen, { transactions: 0, inside: 0, outside: 0 });
    expect(warm.plan(["report"], { inputs: { n: 3 } }).counts.hit).toBe(5);
    expect(seen).toEqual({ transactions: 1, inside: 0, outside: 0 });
  });
});

describe("the estimate", () => {
  /** A history where each node computed once, taking the given milliseconds. */
  function historyOf(durations: Record<string, number>): MemoryRunStore {
    const store = new MemoryRunStore({ alive: () => true });
    const nodes: NodeRecord[] = Object.entries(durations).map(([name, duration], i) => ({
      runId: "r1", node: name, item: "", status: "succeeded", start: i, end: i + duration, duration, executor: "in-process",
    }));
    store.write({
      starts: [{ id: "r1", start: 0, outputs: [], nodes: nodes.length, inputs: {}, overrides: {}, config: {}, graph: "{}", pid: 1, host: "h" }],
      nodes, progress: [], ends: [{ id: "r1", end: 100, status: "succeeded" }],
    });
    return store;
  }
  // a → (b, c) → d: b and c can run side by side.
  const diamond = { a: () => 1, b: (a: number) => a + 1, c: (a: number) => a + 2, d: (b: number, c: number) => b + c };

  test("is the critical path when concurrency is unbounded, and the list schedule under withConcurrency", async () => {
    const history = historyOf({ a: 10, b: 30, c: 20, d: 5 });
    await using wide = await new Builder().withModules(diamond).withCache({ memory: true }).withTracking({ store: history }).build();
    const plan = wide.plan(["d"]);
    expect(plan.nodes.map((n) => [n.node, n.estimateMs])).toEqual([["a", 10], ["b", 30], ["c", 20], ["d", 5]]);
    expect(plan.estimate).toMatchObject({ wallMs: 45, workMs: 65, withoutHistory: 0 });
    expect(plan.estimate.message).toBe("about 45 ms (4 nodes may compute)");

    await using narrow = await new Builder().withModules(diamond).withCache({ memory: true }).withConcurrency(1).withTracking({ store: historyOf({ a: 10, b: 30, c: 20, d: 5 }) }).build();
    expect(narrow.plan(["d"]).estimate).toMatchObject({ wallMs: 65, workMs: 65 });
  });

  test("counts hits as free, says which nodes have no history, and is 'no history' with none", async () => {
    await using dr = await new Builder().withModules(diamond).withCache({ memory: true }).withTracking({ store: historyOf({ a: 10, b: 30 }) }).build();
    expect(dr.plan(["d"]).estimate).toMatchObject({ wallMs: 40, withoutHistory: 2, message: "about 40 ms (4 nodes may compute; 2 without history)" });
    await dr.execute(["d"]);
    // All hits now: nothing to compute.
    expect(dr.plan(["d"]).estimate.message).toBe("nothing to compute");
    await using none = await new Builder().withModules(diamond).withCache({ memory: true }).withTracking({ memory: true }).build();
    expect(none.plan(["d"]).estimate).toEqual({ withoutHistory: 4, message: "no history" });
  });

  test("medians come from computed runs only: cache hits and failures do not count", async () => {
    await using dr = await new Builder().withModules({ slow: async () => { await Bun.sleep(30); return 1; } }).withCache({ memory: true }).withTracking({ memory: true }).build();
    await dr.execute(["slow"]);
    await dr.execute(["slow"]); // a hit: about 0 ms, not a sample
    dr.cache!.clear();
    const est = dr.plan(["slow"]).nodes[0]!.estimateMs!;
    expect(est).toBeGreaterThanOrEqual(25);
  });
});

describe("formatPlan()", () => {
  test("prints a table with every node and a last line of counts and the estimate", async () => {
    await using dr = await new Builder().withModules({ a: () => 1, b: (a: number) => a + 1 }).withCache({ memory: true }).build();
    await dr.execute(["a"]);
    const text = formatPlan(dr.plan(["b"]));
    expect(text.split("\n")).toEqual([
      "node  status  reason                        estimate",
      "a     hit",
      "b     miss    no cached result for \"b\" yet",
      "1 hit, 1 miss; no history",
    ]);
  });
});

describe("driver.plan() as a property", () => {
  /**
   * A random DAG of arithmetic nodes (each reads some earlier ones and an
   * input), then random edits: a node's constant changed (a new value), a
   * node rewritten to the same value (new code, same result), the input
   * changed, or nothing. Before every run, the plan must say what the run
   * then does.
   */
  test("predictions equal what each next run does, over random DAGs and edit sequences", async () => {
    const fc = await import("fast-check");
    const dag = fc.integer({ min: 2, max: 8 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
        fc.array(fc.oneof(fc.record({ kind: fc.constant("value" as const), at: fc.nat(n - 1), by: fc.integer({ min: 1, max: 5 }) }),
          fc.record({ kind: fc.constant("same" as const), at: fc.nat(n - 1) }),
          fc.record({ kind: fc.constant("input" as const), to: fc.integer({ min: 0, max: 3 }) }),
          fc.constant({ kind: "none" as const })), { minLength: 1, maxLength: 4 }),
      ));
    const seen = { hit: 0, miss: 0, pendingHit: 0, pendingMiss: 0 };
    await fc.assert(fc.asyncProperty(dag, async ([n, edges, edits]) => {
      const { dir, remove } = tempDir("plan-prop");
      try {
        const consts = Array.from({ length: n }, (_, i) => i + 1);
        const spelled = Array.from({ length: n }, () => 0); // how many times each node was rewritten to the same value
        let input = 1;
        const module = () => {
          const m: Record<string, unknown> = {};
          for (let i = 0; i < n; i++) {
            const deps = ["x", ...Array.from({ length: i }, (_, j) => `n${j}`).filter((_, j) => edges[i]![j])];
            // `% 7` keeps values small and makes equal values common (cut-offs); `+ 0 * k` rewrites the code only.
            m[`n${i}`] = new Function(...deps, `return (${deps.join(" + ")} + ${consts[i]} + 0 * ${spelled[i]}) % 7;`);
          }
          return { name: "flow", exports: m };
        };
        const outputs = [`n${n - 1}`];
        const steps = [{ kind: "none" as const }, ...edits];
        for (const edit of steps) {
          if (edit.kind === "value") consts[edit.at] = consts[edit.at]! + edit.by;
          if (edit.kind === "same") spelled[edit.at] = spelled[edit.at]! + 1;
          if (edit.kind === "input") input = edit.to;
          const step = await planThenRun(module(), join(dir, "weft.db"), outputs, { inputs: { x: input } });
          expectPredicted(step);
          for (const p of step.plan.nodes) {
            if (p.status === "hit" || p.status === "miss") seen[p.status]++;
            if (p.status === "pending") seen[step.ran.get(p.node) === "hit" ? "pendingHit" : "pendingMiss"]++;
          }
        }
      } finally {
        remove();
      }
    }), { numRuns: 25 });
    // The sequences reach every case: hits, misses, and pending nodes that then hit (a cut-off) or miss.
    expect(Math.min(seen.hit, seen.miss, seen.pendingHit, seen.pendingMiss)).toBeGreaterThan(0);
  }, 120_000);
});
