/**
 * `weft worker`: a process that runs the jobs of the BullMQ executor. It
 * imports the given modules (the same code as the driver's), takes jobs from
 * the queue and runs each on one of its worker threads. Start as many as you
 * like, on any machine that reaches Redis (and the shared directory, when
 * the driver uses one).
 *
 * @module
 */
import { type Command, InvalidArgumentError } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { weftCommand } from "../cli-error.ts";

interface WorkerFlags {
  readonly modules: string[];
  readonly redis: string;
  readonly concurrency?: number;
  readonly queue: string;
  readonly store?: string;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalled: number;
  readonly connectTimeout: number;
}

/**
 * The `worker` command.
 *
 * @example
 * ```sh
 * weft worker --modules ./flow.ts --redis redis://10.0.0.5:6379 --concurrency 4 --store /mnt/weft
 * ```
 */
export function workerCommand(host: CliHost): Command {
  return weftCommand(host, "worker")
    .description("run jobs of bullmqExecutor(): worker nodes and map/reduce items of drivers sharing the queue")
    .requiredOption("--modules <paths...>", "modules that define the nodes, the same code as the driver's")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379")
    .option("--concurrency <n>", "jobs run at once, each on its own thread (default: the cores)", count(1))
    .option("--queue <name>", "queue name, as bullmqExecutor({ queue })", "weft")
    .option("--store <dir>", "shared directory for large values, as bullmqExecutor({ sharedDirectory })")
    .option("--lock-duration <ms>", "after this long without news from a worker, its job goes to another", count(1), 30_000)
    .option("--stalled-interval <ms>", "how often to look for such jobs", count(1), 30_000)
    .option("--max-stalled <n>", "how many times a job may go to another worker before it fails", count(0), 1)
    .option("--connect-timeout <ms>", "how long to wait for Redis at start", count(1), 5_000)
    .action((flags: WorkerFlags) => runWorker(host, flags));
}

async function runWorker(host: CliHost, flags: WorkerFlags): Promise<void> {
  // Loaded here, not at the top: `weft --help` and the other commands start without BullMQ.
  const [{ nodeCodeVersioner }, { startBullmqWorker }, { WorkerPoolExecutor }, { loadDirectoryStore, loadPlatform, runtimeName }] = await Promise.all([
    import("../../cache/node-code-version.ts"),
    import("../../executors/bullmq-worker.ts"),
    import("../../executors/worker-pool.ts"),
    import("../../runtime/current.ts"),
  ]);
  const platform = await loadPlatform();
  const concurrency = flags.concurrency ?? platform.cpuCount();
  const local = new WorkerPoolExecutor(platform.workers, { size: concurrency });
  const name = `${host.hostname}:${host.pid}`;
  let worker;
  try {
    worker = await startBullmqWorker({
      codeVersion: nodeCodeVersioner(() => platform.cacheDrivers()),
      redis: flags.redis,
      modules: flags.modules.map((m) => host.moduleUrl(m)),
      local,
      concurrency,
      queue: flags.queue,
      name,
      runtime: runtimeName(),
      lockDuration: flags.lockDuration,
      stalledInterval: flags.stalledInterval,
      maxStalledCount: flags.maxStalled,
      connectTimeout: flags.connectTimeout,
      ...(flags.store === undefined ? {} : { store: await loadDirectoryStore(host.resolvePath(flags.store)) }),
    });
  } catch (e) {
    await local.dispose();
    console.error(`weft worker: ${(e as Error).message}`);
    return host.exit(1);
  }
  console.log(`weft worker ${name} ready: queue "${flags.queue}" (code set ${worker.setHash}) on ${worker.url}, ${concurrency} thread${concurrency === 1 ? "" : "s"}, modules ${flags.modules.join(", ")}`);
  // The command runs until a shutdown signal: the CLI exits when its action settles.
  await new Promise<never>(() => {
    host.onShutdown((signal) => {
      console.log(`weft worker ${name}: ${signal}, finishing running jobs (send it again to stop at once)`);
      void worker.close().then(() => host.exit(0));
    });
  });
}

/** A commander parser for integers of at least `min`. */
function count(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer of at least ${min}, got "${text}"`);
    return n;
  };
}
