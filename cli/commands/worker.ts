/**
 * `weft worker`: a process that runs the jobs of the BullMQ executor. It
 * imports the given modules (the same code as the driver's), takes jobs from
 * the queue and runs each on one of its worker threads. Start as many as you
 * like, on any machine that reaches Redis (and the drivers' cache, through
 * which large values travel).
 *
 * @module
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { weftCommand } from "../cli-error.ts";
import { isPostgresUrl } from "../../lib/ports/postgres.ts";

interface WorkerFlags {
  readonly modules: string[];
  readonly redis: string;
  readonly concurrency?: number;
  readonly queue: string;
  readonly cache?: string;
  readonly cacheDirectory?: string;
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
 * weft worker --modules ./flow.ts --redis redis://10.0.0.5:6379 --concurrency 4 --cache .weft/weft.db
 * ```
 */
export function workerCommand(host: CliHost): Command {
  return weftCommand(host, "worker")
    .description("run jobs of bullmqExecutor(): worker nodes and map/reduce items of drivers sharing the queue")
    .requiredOption("--modules <paths...>", "modules that define the nodes, the same code as the driver's")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379")
    .option("--concurrency <n>", "jobs run at once, each on its own thread (default: the cores)", count(1))
    .option("--queue <name>", "queue name, as bullmqExecutor({ queue })", "weft")
    .option("--cache <path|url>", "the drivers' cache, through which large values travel: a SQLite file (withCache({ path })) or the team store's postgres:// URL")
    .option("--cache-directory <dir>", "with a postgres:// cache: the team store's shared results directory, as postgres(url, { directory })")
    .addOption(new Option("--store <dir>", "removed: use --cache").hideHelp())
    .option("--lock-duration <ms>", "after this long without news from a worker, its job goes to another", count(1), 30_000)
    .option("--stalled-interval <ms>", "how often to look for such jobs", count(1), 30_000)
    .option("--max-stalled <n>", "how many times a job may go to another worker before it fails", count(0), 1)
    .option("--connect-timeout <ms>", "how long to wait for Redis at start", count(1), 5_000)
    .action((flags: WorkerFlags) => runWorker(host, flags));
}

async function runWorker(host: CliHost, flags: WorkerFlags): Promise<void> {
  // Loaded here, not at the top: `weft --help` and the other commands start without BullMQ.
  if (flags.store !== undefined) {
    console.error("weft worker: --store was removed: large values now travel through the cache's result store; pass --cache naming the drivers' cache (withCache({ path })) instead");
    return host.exit(1);
  }
  const [{ nodeCodeVersioner }, { startBullmqWorker }, { WorkerPoolExecutor }, { openCacheAt, loadPlatform, runtimeName }] = await Promise.all([
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
  let cache;
  try {
    if (flags.cacheDirectory !== undefined && flags.cache === undefined) throw new TypeError("--cache-directory goes with --cache postgres://…: pass the team store's URL too");
    cache = flags.cache === undefined ? undefined : await openCacheAt(
      isPostgresUrl(flags.cache) ? flags.cache : host.resolvePath(flags.cache),
      undefined,
      flags.cacheDirectory === undefined ? {} : { directory: host.resolvePath(flags.cacheDirectory) },
    );
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
      ...(cache === undefined ? {} : { cache }),
      // Map items' blocks run on this process's engine, their worker nodes on its threads (the pool stays the worker's).
      blocks: async (modules, config, hook) => {
        // Imported with the first block job: a worker of worker nodes alone starts without the Builder.
        const { Builder } = await import("../../mod.ts");
        const shared = { name: local.name, init: async () => {}, submit: (task: Parameters<typeof local.submit>[0]) => local.submit(task), dispose: async () => {} };
        const dr = await new Builder().withModules(...modules).withConfig(config).withExecutor(shared).withHooks(hook).build();
        return {
          execute: (outputs, inputs, signal) => dr.execute(outputs as never[], { inputs, signal }) as Promise<Record<string, unknown>>,
          close: () => dr.close(),
        };
      },
    });
  } catch (e) {
    cache?.close();
    await local.dispose();
    console.error(`weft worker: ${(e as Error).message}`);
    return host.exit(1);
  }
  console.log(`weft worker ${name} ready: queue "${flags.queue}" (code set ${worker.setHash}) on ${worker.url}, ${concurrency} thread${concurrency === 1 ? "" : "s"}, modules ${flags.modules.join(", ")}`);
  // The command runs until a shutdown signal: the CLI exits when its action settles.
  await new Promise<never>(() => {
    host.onShutdown((signal) => {
      console.log(`weft worker ${name}: ${signal}, finishing running jobs (send it again to stop at once)`);
      void worker.close().then(() => {
        cache?.close();
        host.exit(0);
      });
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
