/**
 * Per-node overhead of the driver on trivial sync nodes, against a
 * hand-written baseline that calls the same functions in the same process.
 * Each figure is the median over rounds, with the range (min–max) in
 * parentheses; a round is the median of 15 timed runs after 5 warm-ups.
 *
 *   npx bun bench/overhead.ts [rounds]
 */
import { Builder, node } from "../mod.ts";
import { medianMs, rounds, spread } from "./_measure.ts";

type Fn = (...args: number[]) => number;
const ROUNDS = Number(process.argv[2] ?? 5);

async function chain(n: number) {
  const mod: Record<string, Fn> = { n0: () => 0 };
  const fns: Fn[] = [mod.n0!];
  for (let i = 1; i < n; i++) {
    const f = new Function(`n${i - 1}`, `return n${i - 1} + 1`) as Fn;
    mod[`n${i}`] = f;
    fns.push(f);
  }
  const dr = await new Builder().withModules(mod).build();
  const last = `n${n - 1}`;
  const check = await dr.execute([last]);
  if (check[last] !== n - 1) throw new Error("chain computed a wrong result");
  return rounds(ROUNDS, async () => {
    const baseline = await medianMs(() => {
      let v = fns[0]!();
      for (let i = 1; i < n; i++) v = fns[i]!(v);
      return v;
    });
    const weft = await medianMs(() => dr.execute([last]));
    return { baseline, weft, nodes: n };
  });
}

async function fanIn(width: number) {
  const mod: Record<string, Fn> = {};
  const fns: Fn[] = [];
  for (let i = 0; i < width; i++) {
    const f = new Function(`return ${i}`) as Fn;
    mod[`s${i}`] = f;
    fns.push(f);
  }
  const names = Object.keys(mod);
  const sink = (...xs: number[]) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  };
  mod.sink = node(sink, { deps: names });
  const dr = await new Builder().withModules(mod).build();
  const check = await dr.execute(["sink"]);
  if (check.sink !== (width * (width - 1)) / 2) throw new Error("fan-in computed a wrong result");
  return rounds(ROUNDS, async () => {
    const baseline = await medianMs(() => {
      const xs = new Array(width);
      for (let i = 0; i < width; i++) xs[i] = fns[i]!();
      return sink(...xs);
    });
    const weft = await medianMs(() => dr.execute(["sink"]));
    return { baseline, weft, nodes: width + 1 };
  });
}

type Round = { baseline: number; weft: number; nodes: number };
const row = (label: string, rs: Round[]) => {
  const n = rs[0]!.nodes;
  return `| ${label} | ${n} | ${spread(rs.map((r) => r.baseline), 3)} | ${spread(rs.map((r) => r.weft), 3)} | ` +
    `${spread(rs.map((r) => ((r.weft - r.baseline) * 1000) / n))} | ${spread(rs.map((r) => r.weft / r.baseline), 1)} |`;
};
const c = await chain(10_000);
const f = await fanIn(2_000);
console.log(`${ROUNDS} rounds; median (min–max) over rounds`);
console.log("| graph | nodes | baseline ms | weft ms | overhead µs/node | weft / baseline |");
console.log("|---|---|---|---|---|---|");
console.log(row("chain", c));
console.log(row("fan-in", f));
