/**
 * Independent async nodes, each awaiting a 50 ms timer, feeding one sum:
 * wall time of a run over the 50 ms ideal, and over the same timers started
 * by hand with Promise.all in the same process. Each figure is the median
 * over rounds, with the range (min–max) in parentheses; a round is the median
 * of 7 timed runs after 2 warm-ups.
 *
 *   npx bun bench/async-fanout.ts [rounds]
 */
import { Builder, node } from "../mod.ts";
import { medianMs, rounds, spread } from "./_measure.ts";

const DELAY = 50;
const ROUNDS = Number(process.argv[2] ?? 5);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function fanOut(width: number) {
  const mod: Record<string, (...args: any[]) => unknown> = {};
  const fns: (() => Promise<number>)[] = [];
  for (let i = 0; i < width; i++) {
    const f = async () => {
      await sleep(DELAY);
      return 1;
    };
    mod[`t${i}`] = node(f, { deps: [] });
    fns.push(f);
  }
  const names = Object.keys(mod);
  mod.total = node((...xs: number[]) => xs.reduce((a, b) => a + b, 0), { deps: names });
  const dr = await new Builder().withModules(mod).build();
  const check = await dr.execute(["total"]);
  if (check.total !== width) throw new Error("fan-out computed a wrong result");
  return rounds(ROUNDS, async () => {
    const baseline = await medianMs(async () => (await Promise.all(fns.map((f) => f()))).length, 7, 2);
    const weft = await medianMs(() => dr.execute(["total"]), 7, 2);
    return { baseline, weft };
  });
}

console.log(`${ROUNDS} rounds; median (min–max) over rounds`);
console.log("| async nodes | Promise.all ms | weft ms | weft / 50 ms ideal | weft / Promise.all |");
console.log("|---|---|---|---|---|");
for (const width of [100, 10_000]) {
  const rs = await fanOut(width);
  console.log(`| ${width} | ${spread(rs.map((r) => r.baseline), 1)} | ${spread(rs.map((r) => r.weft), 1)} | ` +
    `${spread(rs.map((r) => r.weft / DELAY), 3)} | ${spread(rs.map((r) => r.weft / r.baseline), 3)} |`);
}
