/**
 * What code versions cost at build(): a 1,000-node module (a chain; each node
 * calls a non-exported helper that reads a module constant), built
 *
 *   - with the cache off, and with it on (memory stores, then SQLite), in one
 *     process, each cache-on build starting from nothing analysed (what a
 *     first build costs);
 *   - in a new process (first build there: cold JIT), with the cache off, on a
 *     SQLite cache that already holds the file's analysis (the second run of
 *     a script), and on one that does not.
 *
 * Prints the median and the range (min–max) over several runs.
 *
 *   npx bun bench/code-versions.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgetAnalyses } from "../cache/code/module-analysis.ts";
import { Builder } from "../mod.ts";
import { fmt } from "./_measure.ts";

const NODES = 1_000;
const RUNS = 7;

function moduleText(): string {
  const lines = ["const RATE = 2;", "", "function scaled(x: number): number {", "  return x * RATE;", "}", "", "export function n0(seed: number): number {", "  return scaled(seed);", "}"];
  for (let i = 1; i < NODES; i++) {
    lines.push(`export function n${i}(n${i - 1}: number): number {`, `  const y = n${i - 1} + ${i};`, "  return scaled(y) / 2;", "}");
  }
  return lines.join("\n") + "\n";
}

/** Milliseconds of one build() of the module at `file`. */
async function buildMs(file: string, cache: "off" | "memory" | { path: string }): Promise<number> {
  const mod = (await import(file)) as Record<string, unknown>;
  const url = Bun.pathToFileURL(file).href;
  const t = performance.now();
  let b = new Builder().withModules({ name: "chain", exports: mod, url });
  if (cache === "memory") b = b.withCache({ memory: true });
  else if (cache !== "off") b = b.withCache({ path: cache.path });
  const dr = await b.build();
  const ms = performance.now() - t;
  await dr.close();
  return ms;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(times: number[]): Spread {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

const show = (s: Spread) => `${fmt(s.median, 1)} ms (${fmt(s.min, 1)}–${fmt(s.max, 1)})`;

if (process.argv[2] === "--child") {
  // One build in this fresh process: prints its milliseconds.
  const db = process.argv[4]!;
  console.log(await buildMs(process.argv[3]!, db === "off" ? "off" : { path: db }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "weft-bench-code-"));
try {
  const file = join(dir, "chain.ts");
  writeFileSync(file, moduleText());
  // Warm-up: the parser's native addon, the engine's own modules, the JIT.
  await buildMs(file, "off");
  await buildMs(file, "memory");

  const off: number[] = [];
  const memory: number[] = [];
  const sqlite: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    off.push(await buildMs(file, "off"));
    forgetAnalyses();
    memory.push(await buildMs(file, "memory"));
    forgetAnalyses();
    sqlite.push(await buildMs(file, { path: join(dir, `first-${i}.db`) }));
  }
  const child = (db: string) => {
    const out = spawnSync(process.execPath, [import.meta.path, "--child", file, db], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(out.stderr);
    return Number(out.stdout.trim());
  };
  const warmDb = join(dir, "warm.db");
  child(warmDb); // stores the file's analysis
  const newOff: number[] = [];
  const newWarm: number[] = [];
  const newCold: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    newOff.push(child("off"));
    newWarm.push(child(warmDb));
    newCold.push(child(join(dir, `cold-${i}.db`)));
  }

  const [o, m, s] = [spread(off), spread(memory), spread(sqlite)];
  console.log(`build() of a ${NODES}-node module, median (min–max) of ${RUNS} runs`);
  console.log(`  cache off                                   ${show(o)}`);
  console.log(`  cache on, memory stores, first build        ${show(m)}   ratio to off ${fmt(m.median / o.median, 1)}x`);
  console.log(`  cache on, SQLite, first build               ${show(s)}   ratio to off ${fmt(s.median / o.median, 1)}x`);
  const [no, nw, nc] = [spread(newOff), spread(newWarm), spread(newCold)];
  console.log(`  new process, cache off                      ${show(no)}`);
  console.log(`  new process, SQLite holding the analysis    ${show(nw)}   ratio to off ${fmt(nw.median / no.median, 1)}x`);
  console.log(`  new process, SQLite without it (parses)     ${show(nc)}   ratio to off ${fmt(nc.median / no.median, 1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
