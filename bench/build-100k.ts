/**
 * Build and first execute of a 100,000-node chain, phase by phase. The first
 * two rows are what a user waits for (`build()`, then the first `execute`,
 * which plans and compiles the request shape); the rest break the same work
 * down, each phase on fresh functions so that no phase finds another's work
 * done. A first run pays for the runtime compiling each function on its first
 * call; the hand-written loop over fresh functions shows that floor. Each figure is the median over rounds (one process per round is the
 * honest count: rerun the command), with the range (min–max).
 *
 * The heap holds some 100,000 functions, so a major collection costs 100–300 ms and lands in whichever phase
 * happens to be running; every row after the first execute starts from a collected heap (Bun's `gc`, where
 * there is one), so that a phase pays for its own garbage only. The first two rows are left as a user meets them.
 *
 *   npx bun bench/build-100k.ts [rounds]
 */
import { Effect } from "effect";
import { Builder } from "../mod.ts";
import { runPlan } from "../lib/engine/run.ts";
import { Planner } from "../lib/engine/planner.ts";
import { buildGraph, type ModuleSource } from "../lib/graph/graph.ts";
import { systemClock } from "../lib/hooks.ts";
import { readParams } from "../lib/model/params.ts";
import { rounds, spread } from "./_measure.ts";

const N = 100_000;
const ROUNDS = Number(process.argv[2] ?? 3);
const LAST = `n${N - 1}`;
type Fn = (x: number) => number;

function chain(): Record<string, Fn> {
  const mod: Record<string, Fn> = { n0: () => 0 };
  for (let i = 1; i < N; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `return n${i - 1} + 1`) as Fn;
  return mod;
}

/** A full collection, so that the next phase does not pay for an earlier one's garbage. */
function settle(): void {
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const out = fn();
  return [out, performance.now() - t];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

const results = await rounds(ROUNDS, async () => {
  const [mod, make] = time(chain);
  const [dr, build] = await timeAsync(() => new Builder().withModules(mod).build());
  const [first, execute] = await timeAsync(() => dr.execute([LAST]));
  if (first[LAST] !== N - 1) throw new Error("chain computed a wrong result");
  settle();
  const [, again] = await timeAsync(() => dr.execute([LAST]));

  // The floor of any first run: the runtime compiles each function on its first call.
  const loopFns = Object.values(chain());
  settle();
  const [, floor] = time(() => {
    let v = loopFns[0]!(0);
    for (let i = 1; i < N; i++) v = loopFns[i]!(v);
    return v;
  });

  const fresh = chain();
  settle();
  const [, params] = time(() => {
    for (const fn of Object.values(fresh)) readParams(fn);
  });
  const modules: ModuleSource[] = [{ name: "chain", exports: chain() }];
  settle();
  const [graph, graphTotal] = time(() => buildGraph(modules));
  settle();
  const [plan, planned] = time(() => new Planner(graph).plan({ outputs: [LAST], inputs: {}, overrides: {} }));
  const ctx = { runId: "bench", clock: systemClock, config: {}, executor: undefined, hooks: [], concurrency: undefined, controller: new AbortController(), interceptor: undefined };
  settle();
  const [, run] = await timeAsync(() => Effect.runPromise(runPlan(plan, ctx)));
  return { make, build, execute, total: build + execute, again, floor, params, graph: graphTotal - params, graphTotal, planned, run };
});

const rows: [string, keyof (typeof results)[number]][] = [
  ["build()", "build"],
  ["first execute()", "execute"],
  ["build() + first execute() (target ≤ 1,000 ms)", "total"],
  ["second execute() (plan reused)", "again"],
  ["(floor: hand-written loop, first run over fresh functions)", "floor"],
  ["— reading parameters (readParams × 100,000)", "params"],
  ["— buildGraph() without reading parameters", "graph"],
  ["— plan + compile (first Planner.plan)", "planned"],
  ["— run (runPlan, first)", "run"],
  ["(harness: making 100,000 functions)", "make"],
];
console.log(`${ROUNDS} rounds; median (min–max) over rounds, ms`);
console.log("| phase | ms |");
console.log("|---|---|");
for (const [label, key] of rows) console.log(`| ${label} | ${spread(results.map((r) => r[key]), 0)} |`);
