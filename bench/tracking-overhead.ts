/**
 * What run tracking costs a run: the same flows untracked and tracked (SQLite
 * file, memory store), medians in one process. Three shapes: a 200-node chain
 * of trivial sync nodes (the worst case: the nodes do nothing, so only
 * overhead shows), one trivial node (a run's fixed cost: one commit), and 10
 * async nodes of 5 ms side by side (a small real run).
 *
 *   npx bun bench/tracking-overhead.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt, medianMs } from "./_measure.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-bench-tracking-"));
const N = 200;
const chain: Record<string, (...xs: number[]) => number> = { n0: () => 1 };
for (let i = 1; i < N; i++) chain[`n${i}`] = new Function(`n${i - 1}`, `return n${i - 1} + 1`) as (...xs: number[]) => number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fan: Record<string, (...xs: number[]) => unknown> = { sum: new Function(...Array.from({ length: 10 }, (_, i) => `a${i}`), "return a0 + a9") as never };
for (let i = 0; i < 10; i++) fan[`a${i}`] = async () => { await sleep(5); return i; };

type Setup = (b: Builder) => Builder;
const setups: [string, Setup][] = [
  ["untracked", (b) => b],
  ["tracked, SQLite file", (b) => b.withTracking({ path: join(dir, `t-${Math.random()}.db`) })],
  ["tracked, memory", (b) => b.withTracking({ memory: true })],
];

async function measure(mod: Record<string, unknown>, output: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (const [, setup] of setups) {
    await using dr = await setup(new Builder().withModules(mod)).build();
    out.push(await medianMs(() => dr.execute([output as never]), runs, 10));
  }
  return out;
}

try {
  console.log("| flow | untracked ms | tracked (SQLite) ms | tracked (memory) ms | SQLite overhead | per node µs |");
  console.log("|---|---|---|---|---|---|");
  const [u, s, m] = await measure(chain, `n${N - 1}`, 101);
  console.log(`| chain of ${N} trivial sync nodes | ${fmt(u!, 3)} | ${fmt(s!, 3)} | ${fmt(m!, 3)} | +${fmt(s! - u!, 3)} ms | ${fmt(((s! - u!) * 1000) / N, 1)} |`);
  const [ou, os, om] = await measure({ one: () => 1 }, "one", 101);
  console.log(`| one trivial node (the fixed cost of a run) | ${fmt(ou!, 3)} | ${fmt(os!, 3)} | ${fmt(om!, 3)} | +${fmt(os! - ou!, 3)} ms | – |`);
  const [fu, fs, fm] = await measure(fan, "sum", 41);
  console.log(`| 10 async nodes of 5 ms, side by side | ${fmt(fu!, 2)} | ${fmt(fs!, 2)} | ${fmt(fm!, 2)} | +${fmt(fs! - fu!, 2)} ms (${fmt(((fs! - fu!) / fu!) * 100, 1)}%) | ${fmt(((fs! - fu!) * 1000) / 11, 1)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
