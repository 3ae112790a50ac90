/**
 * Real processes for the BullMQ tests: a redis-server on a free loopback port
 * (no persistence, its own temp dir) and `weft worker` processes. Every wait
 * is for an event (a line printed, a process exit), bounded in time.
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const REDIS = Bun.which("redis-server");

// Whatever happens to the test run, the processes it started end with it.
const spawned = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
});
function spawn(args: string[], cwd?: string): Subprocess<"ignore", "pipe", "pipe"> {
  const proc = Bun.spawn(args, { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  spawned.add(proc);
  void proc.exited.then(() => spawned.delete(proc));
  return proc;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Drains a process's stdout and stderr for its whole life (a pipe nobody
 * reads would block it), and resolves when a line matches, within `ms`.
 */
function waitForLine(proc: Subprocess<"ignore", "pipe", "pipe">, pattern: RegExp, ms: number, what: string): Promise<string> {
  let out = "";
  let err = "";
  let matched: (() => void) | undefined;
  const drain = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const stdoutDone = drain(proc.stdout, (t) => {
    out += t;
    if (pattern.test(out)) matched?.();
  }).catch(() => {});
  void drain(proc.stderr, (t) => void (err += t)).catch(() => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: no ready line in ${ms} ms:\n${out}${err}`)), ms);
    matched = () => {
      clearTimeout(timer);
      matched = undefined;
      resolve(out);
    };
    void proc.exited.then(async (code) => {
      await stdoutDone;
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${out}${err}`));
    });
  });
}

/** A redis-server that a test starts, stops and restarts on the same port. */
export class RedisServer {
  readonly port: number;
  readonly url: string;
  readonly #dir = mkdtempSync(join(tmpdir(), "weft-redis-"));
  #proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;

  private constructor(port: number) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** Starts redis-server; fails with the way to install it when it is missing (CI installs it). */
  static async start(): Promise<RedisServer> {
    if (REDIS === null) {
      throw new Error("redis-server is not installed: the BullMQ executor tests need a real Redis; install it with `apt-get install -y redis-server` (.ci/run does this)");
    }
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    const args = [REDIS!, "--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.#dir];
    this.#proc = spawn(args);
    await waitForLine(this.#proc, /Ready to accept connections/, 10_000, "redis-server");
  }

  /**
   * Stops the server and waits for it to exit: SIGTERM, as a service manager would, or SIGKILL (also of a
   * paused server), whose connections close at once, as when its machine dies.
   */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    proc.kill(signal);
    await proc.exited;
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing, until killed or continued. */
  pause(): void {
    this.#proc?.kill("SIGSTOP");
  }

  /** Stops the server for good and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A running `weft worker` process. */
export interface WorkerProcess {
  readonly pid: number;
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything it printed up to its ready line. */
  readonly banner: string;
  /** The BullMQ queue it takes jobs from: `<queue>.<code set hash>`, from its ready line. */
  readonly bullQueue: string;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts `weft worker` (cli/weft.ts on Bun) and waits for its ready line. */
export async function startWorker(redis: string, flags: readonly string[] = []): Promise<WorkerProcess> {
  const args = [process.execPath, join(root, "cli/weft.ts"), "worker", "--redis", redis, ...flags];
  const proc = spawn(args, root);
  const banner = await waitForLine(proc, /ready: queue/, 15_000, "weft worker");
  return {
    pid: proc.pid,
    proc,
    banner,
    bullQueue: bullQueueOf(banner),
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      // A worker finishes its running jobs before it exits: bounded, so a stuck job cannot hold the suite.
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The BullMQ queue named by a worker's ready line. */
function bullQueueOf(banner: string): string {
  const m = /ready: queue "([^"]+)" \(code set ([0-9a-f]+)\)/.exec(banner);
  if (m === null) throw new Error(`No queue and code set in the worker's ready line:\n${banner}`);
  return `${m[1]}.${m[2]}`;
}

/** Runs `weft` (cli/weft.ts) to completion and returns its exit code and output. */
export async function runCli(args: readonly string[], timeoutMs = 15_000): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, join(root, "cli/weft.ts"), ...args], { cwd: root, stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out, err };
}

export const fixture = (name: string): string => join(root, "tests/fixtures", name);
