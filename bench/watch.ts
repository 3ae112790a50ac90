/**
 * Watch-loop latency: from the save of a flow file to the run's record, for a
 * 200-node flow (99 leaves, each with a node after it, a report over all, an
 * input) where one leaf's code changed, so that the leaf, its node and the
 * report are computed and 196 nodes come from the cache. With the default
 * debounce (80 ms, part of the figure) and with none (the reload, rebuild, code
 * versions and run alone); `weft watch` in a child process, from the save to
 * the outputs on its stdout; against `weft run` of the same edit in a new
 * process, which is what watching saves.
 *
 *   npx bun bench/watch.ts [saves]
 *   deno run -A bench/watch.ts [saves]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Builder } from "../mod.ts";
import type { WatchRun } from "../lib/driver/watch.ts";
import { spread } from "./_measure.ts";

const SAVES = Number(process.argv[2] ?? 15);
const LEAVES = 99;
const EDITED = 50;

/** The flow, with leaf `EDITED` adding `k`: every save a new code version, never a hit on an older one. */
function flowText(k: number): string {
  const lines = [`import { bump } from "./helper.ts";`];
  for (let i = 0; i < LEAVES; i++) {
    lines.push(`export function leaf${i}(n: number): number {\n  return bump(n) + ${i === EDITED ? `${i} + ${k}` : i};\n}`);
    lines.push(`export function mid${i}(leaf${i}: number): number {\n  return leaf${i} * 2;\n}`);
  }
  const mids = Array.from({ length: LEAVES }, (_, i) => `mid${i}`);
  lines.push(`export function report(${mids.map((m) => `${m}: number`).join(", ")}): number {\n  return ${mids.join(" + ")};\n}`);
  return `${lines.join("\n")}\n`;
}

const dir = mkdtempSync(join(tmpdir(), "weft-bench-watch-"));
const flowFile = join(dir, "flow.ts");
const db = join(dir, "weft.db");
writeFileSync(join(dir, "helper.ts"), "export function bump(n: number): number {\n  return n + 1;\n}\n");
writeFileSync(flowFile, flowText(0));
let k = 0;

async function latencies(debounceMs: number | undefined): Promise<number[]> {
  const url = pathToFileURL(flowFile).href;
  const dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withCache({ path: db }).withTracking({ path: db }).build();
  const it = dr.watch(["report"], { inputs: { n: 1 }, ...(debounceMs === undefined ? {} : { debounceMs }) });
  const next = async (): Promise<WatchRun> => {
    const r = await it.next();
    if (r.done || !r.value.ok) throw new Error(`the watch gave ${JSON.stringify(r)}`);
    return r.value;
  };
  const out: number[] = [];
  try {
    await next();
    for (let i = 0; i < SAVES + 2; i++) {
      const t = performance.now();
      writeFileSync(flowFile, flowText(++k));
      const run = await next();
      const computed = run.nodes.filter((n) => n.status === "computed").map((n) => n.node).sort();
      if (computed.join() !== `leaf${EDITED},mid${EDITED},report`) throw new Error(`computed: ${computed.join(", ")}`);
      if (i >= 2) out.push(performance.now() - t); // the first two warm the parser and the loader
    }
  } finally {
    await it.return();
    await dr.close();
  }
  return out;
}

/** `weft watch` in a child process (Bun's CLI): from the save to the printed outputs on its stdout. */
async function cliLatencies(): Promise<number[]> {
  const here = import.meta.dirname ?? new URL(".", import.meta.url).pathname;
  const child = spawn(join(here, "../node_modules/.bin/bun"), [join(here, "../cli/weft.ts"), "watch", "flow.ts", "-o", "report", "-i", "n=1", "--db", db], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let waiter: (() => void) | undefined;
  child.stdout.on("data", (chunk) => {
    out += String(chunk);
    waiter?.();
  });
  const printed = (marker: string) => new Promise<void>((resolve) => {
    waiter = () => out.includes(marker) && resolve();
    waiter();
  });
  // The report of the flow with leaf EDITED adding k: the sum over the leaves of 2 * (bump(1) + i), plus 2k.
  const report = (k: number) => 2 * (LEAVES * 2 + (LEAVES * (LEAVES - 1)) / 2) + 2 * k;
  const times: number[] = [];
  try {
    await printed(`"report": ${report(k)}\n`);
    for (let i = 0; i < SAVES + 2; i++) {
      const t = performance.now();
      writeFileSync(flowFile, flowText(++k));
      await printed(`"report": ${report(k)}\n`);
      if (i >= 2) times.push(performance.now() - t);
    }
  } finally {
    child.kill("SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  return times;
}

/** `weft run` of the same edit in a new process (Bun's CLI on the TypeScript source). */
function restarts(): number[] {
  const cli = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../cli/weft.ts");
  const bun = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../node_modules/.bin/bun");
  const out: number[] = [];
  for (let i = 0; i < Math.min(SAVES, 7) + 1; i++) {
    writeFileSync(flowFile, flowText(++k));
    const t = performance.now();
    const p = spawnSync(bun, [cli, "run", "flow.ts", "-o", "report", "-i", "n=1", "--cache", "--db", db, "--json"], { cwd: dir, encoding: "utf8" });
    if (p.status !== 0) throw new Error(p.stderr);
    if (i >= 1) out.push(performance.now() - t);
  }
  return out;
}

try {
  const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
  console.log(`watch latency, save to record, 200-node flow, one leaf changed (${runtime}, ${SAVES} saves):`);
  console.log(`  default debounce (80 ms): ${spread(await latencies(undefined), 1)} ms`);
  console.log(`  debounceMs: 0:            ${spread(await latencies(0), 1)} ms`);
  console.log(`  weft watch (bun cli/weft.ts), to the printed outputs: ${spread(await cliLatencies(), 1)} ms`);
  console.log(`  weft run in a new process (bun cli/weft.ts): ${spread(restarts(), 1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
