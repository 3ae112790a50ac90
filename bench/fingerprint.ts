/**
 * fingerprint() on the value shapes of a typical graph: ns per value, median
 * of interleaved rounds. With `--against <dir>` it also times the
 * fingerprint.ts found in `<dir>/cache/` (an older checkout) in the same
 * process and prints new/old ratios with their spread over rounds.
 *
 *   npx bun bench/fingerprint.ts [--against /path/to/old/checkout]
 */
import { fingerprint } from "../cache/fingerprint.ts";
import { bunHasher } from "../runtime/bun/mod.ts";

type Fp = (v: unknown, h: typeof bunHasher) => unknown;
const against = process.argv.indexOf("--against");
const old: Fp | undefined = against > 0 ? (await import(`${process.argv[against + 1]}/cache/fingerprint.ts`)).fingerprint : undefined;

const row = (i: number) => ({ id: i, name: `row ${i}`, score: i / 7, ok: i % 3 === 0, tags: ["a", "b"] });
const workloads: [string, unknown, number][] = [
  ["number", 42, 200_000],
  ["short string", "data/2024-01.csv", 200_000],
  ["object, 5 keys", row(1), 100_000],
  ["config object, nested", { model: "gpt", params: { temperature: 0.2, topK: 40, stop: ["\n"] }, retries: 3, tags: { team: "x" } }, 50_000],
  ["array, 1,000 numbers", Array.from({ length: 1000 }, (_, i) => i * 1.5), 1_000],
  ["array, 1,000 objects", Array.from({ length: 1000 }, (_, i) => row(i)), 100],
  ["Float64Array, 100,000", new Float64Array(100_000).map((_, i) => i), 200],
];

function time(fp: Fp, value: unknown, reps: number): number {
  const t = performance.now();
  for (let i = 0; i < reps; i++) fp(value, bunHasher);
  return ((performance.now() - t) * 1e6) / reps;
}

const ROUNDS = 9;
console.log(old ? "| value | new ns | old ns | new/old median | spread (min–max) |\n|---|---|---|---|---|" : "| value | ns |\n|---|---|");
for (const [name, value, reps] of workloads) {
  const fresh: number[] = [], prior: number[] = [], ratios: number[] = [];
  time(fingerprint, value, reps);
  if (old) time(old, value, reps);
  for (let r = 0; r < ROUNDS; r++) {
    const a = time(fingerprint, value, reps);
    fresh.push(a);
    if (old) {
      const b = time(old, value, reps);
      prior.push(b);
      ratios.push(a / b);
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  if (!old) console.log(`| ${name} | ${med(fresh).toFixed(0)} |`);
  else console.log(`| ${name} | ${med(fresh).toFixed(0)} | ${med(prior).toFixed(0)} | ${med(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`);
}
