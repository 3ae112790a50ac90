/**
 * `npx bun examples/distributed/main.ts`: a map/reduce over three local
 * `weft worker` processes. Uses the Redis at REDIS_URL, or starts a
 * throw-away redis-server on a free loopback port (Debian: apt-get install
 * redis-server). On several machines, start the workers there instead (see
 * the README, "Distributed execution"); the driver code stays the same.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Builder } from "../../mod.ts";
import { bullmqExecutor } from "../../bullmq.ts";
import * as flow from "./flow.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const runtime = process.versions.bun ? process.execPath : "bun";

/** Starts a process and resolves once it prints a line matching `ready`. */
function start(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(args[0]!, args.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${out}`)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const scratch = mkdtempSync(join(tmpdir(), "weft-distributed-"));
const children: ChildProcess[] = [];
try {
  let redis = process.env.REDIS_URL;
  if (redis === undefined) {
    const port = await freePort();
    children.push(await start(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch], /Ready to accept/));
    redis = `redis://127.0.0.1:${port}`;
  }
  // The cache large values travel through: one SQLite file for the processes of one machine.
  const cache = join(scratch, "weft.db");
  const worker = [runtime, here("../../bin/weft.mjs"), "worker", "--modules", here("./flow.ts"), "--redis", redis, "--concurrency", "1", "--cache", cache];
  children.push(...(await Promise.all([1, 2, 3].map(() => start(worker, /ready: queue/)))));
  console.log(`3 workers on ${redis}`);

  const executor = bullmqExecutor({ connection: redis });
  await using dr = await new Builder().withModules(flow).withCache({ path: cache }).withExecutor(executor).build();
  const t = performance.now();
  const { estimate } = await dr.execute(["estimate"], { inputs: { count: 12, samplesPerChunk: 2_000_000 } });
  console.log(`pi ~ ${estimate.pi.toFixed(4)} from 12 chunks in ${(performance.now() - t).toFixed(0)} ms`);
  for (const [pid, n] of estimate.perWorker) console.log(`worker process ${pid}: ${n} chunks`);
} finally {
  for (const child of children.reverse()) {
    child.kill("SIGTERM");
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
  }
  rmSync(scratch, { recursive: true, force: true });
}
