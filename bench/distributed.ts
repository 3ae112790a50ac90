/**
 * The BullMQ executor on 1, 2 and 3 local `weft worker` processes (one thread
 * each) running the same CPU-bound items (about 250 ms each), as speed-ups
 * against 1 worker measured in the same run. Starts its own redis-server on
 * a free loopback port (Debian: apt-get install redis-server).
 *
 *   npx bun bench/distributed.ts
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { bullmqExecutor } from "../bullmq.ts";
import * as flow from "./_cpu-flow.ts";
import { fmt, medianMs } from "./_measure.ts";

const root = join(import.meta.dir, "..");
const ITEMS = 6; // divisible by 1, 2 and 3

/** Starts a process and resolves once it prints `ready`; its output is read (and dropped) for its whole life. */
async function started(args: string[], ready: RegExp): Promise<Subprocess> {
  const proc = Bun.spawn(args, { cwd: root, stdout: "pipe", stderr: "inherit" });
  let out = "";
  const reader = proc.stdout.getReader();
  while (!ready.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${args.join(" ")} did not start:\n${out}`);
    out += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return proc;
}

const server = createServer().listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const port = (server.address() as { port: number }).port;
await new Promise((r) => server.close(r));
const scratch = mkdtempSync(join(tmpdir(), "weft-bench-"));
const redis = await started(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch], /Ready to accept/);
const url = `redis://127.0.0.1:${port}`;

// Calibrate the work so one item takes about 250 ms on this machine.
const rounds = flow.roundsFor(250);

const rows: [number, number][] = [];
try {
  for (const count of [1, 2, 3]) {
    const queue = `bench-${count}`;
    const args = [process.execPath, "cli/weft.ts", "worker", "--modules", "bench/_cpu-flow.ts", "--redis", url, "--queue", queue, "--concurrency", "1"];
    const workers = await Promise.all(Array.from({ length: count }, () => started(args, /ready: queue/)));
    try {
      await using dr = await new Builder().withModules(flow).withExecutor(bullmqExecutor({ connection: url, queue })).build();
      const { hashes } = await dr.execute(["hashes"], { inputs: { count: ITEMS, rounds: 10 } });
      if (hashes[0] !== flow.burn(10)) throw new Error("a worker computed a different hash");
      rows.push([count, await medianMs(() => dr.execute(["hashes"], { inputs: { count: ITEMS, rounds } }), 3, 1)]);
    } finally {
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map((w) => w.exited));
    }
  }
} finally {
  redis.kill("SIGTERM");
  await redis.exited;
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`| ${ITEMS} CPU-bound items (~250 ms each), ${availableParallelism()} cores | worker processes | ms | speed-up vs 1 worker |`);
console.log("|---|---|---|---|");
for (const [count, ms] of rows) console.log(`| hash rounds ${rounds} | ${count} | ${fmt(ms, 0)} | ${fmt(rows[0]![1] / ms)} |`);
