/**
 * Starts the run-history web view on the current runtime: opens the history
 * (read side) in the SQLite file, makes the app (drawing DAGs on a worker
 * thread), serves it on 127.0.0.1:4319 unless told otherwise, and warns when
 * it listens beyond this machine.
 *
 * @module
 */
import { openSqliteRunStore } from "../history/open-sqlite-run-store.ts";
import { DEFAULT_DATABASE_PATH } from "../sqlite/default-path.ts";
import type { RunHistory } from "../lib/ports/run-store.ts";
import { isPostgresUrl } from "../lib/ports/postgres.ts";
import type { CacheRecordsReader } from "../lib/history/run-diff.ts";
import { livenessFor } from "../lib/history/liveness.ts";
import { loadPlatform, loadServeHttp } from "../runtime/current.ts";
import { currentProcess, pidIsAlive } from "../runtime/shared/processes.ts";
import { createHistoryApp } from "./app.tsx";
import type { DrawOutcome } from "./draw-task.ts";
import type { PlanJob, PlanOutcome } from "./plan-task.ts";
import { RunPlans } from "./run-plans.ts";
import { DRAW_TASK, PLAN_TASK, TaskWorker } from "./task-worker.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "./defaults.ts";
import { HostAllowList, LOOPBACK_HOSTS } from "./host-check.ts";
import { plainResponse } from "./security-headers.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import { StoreCache } from "../cache/store-cache.ts";
import { startWeftProcess } from "../runtime/shared/weft-process.ts";
import { RerunAccess } from "./rerun-access.ts";
import { CliReruns } from "./reruns.ts";

export { DEFAULT_HOST, DEFAULT_PORT };

/** Options of {@link startHistoryServer}. */
export interface HistoryServerOptions {
  /** The database: a SQLite file (default `.weft/weft.db`) or the postgres:// URL of a team store (weft/postgres). */
  readonly path?: string;
  /** Show this history instead of opening `path` (give `path` too for the "what would run now" panel). */
  readonly history?: RunHistory;
  /** Default 4319; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Anything else is reachable from other machines, and warned about. */
  readonly hostname?: string;
  /**
   * More names the server answers to (the `Host` header; a name, optionally with `:port`), besides
   * {@link LOOPBACK_HOSTS} and the address it is bound to. Bound to 0.0.0.0 or `::`, list the machine's
   * own names and addresses that others use to reach it: any other `Host` is refused (403), which stops
   * DNS rebinding.
   */
  readonly allowedHosts?: readonly string[];
  /** Where the warning goes; default console.warn. */
  readonly warn?: (message: string) => void;
  /** How often live views look for changes, in ms; default 250. */
  readonly pollMs?: number;
  /**
   * Allow re-runs from the web view (`weft ui --allow-run`), each in a `weft rerun` child process, by a POST
   * that carries the session token ({@link HistoryServer.token}) from the server's own origin. Needs `path`.
   */
  readonly allowRun?: boolean;
}

/** A running web view. */
export interface HistoryServer {
  readonly url: string;
  readonly port: number;
  readonly hostname: string;
  /** Why there is no history to show (missing or damaged file): the pages say it too. */
  readonly problem: string | undefined;
  /** With `allowRun`: the session token every POST must carry (open `url` + `?token=` once to hold it). */
  readonly token?: string;
  close(): Promise<void>;
}

/** Whether `hostname` is this machine only. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A plan whose modules take longer than this to import and plan is stopped (a top level that never ends). */
const PLAN_LIMIT_MS = 120_000;

/** What the runtime answers when it cannot read a request or the app throws: words, never a stack. */
const fallback = (status: 400 | 500) => plainResponse(status, status === 400 ? "Bad request" : "Internal server error");

/** Whether `hostname` is every address of the machine (it names none that a request could use). */
function isWildcard(hostname: string): boolean {
  return hostname === "0.0.0.0" || hostname === "::" || hostname === "[::]" || hostname === "";
}

/**
 * Starts the web view.
 *
 * @throws {TypeError} for `allowRun` with `history` but no `path`
 * @throws {Error} when the port is taken: `Cannot start the run history server on 127.0.0.1:4319: the port is in use; pass another port`
 * @example
 * ```ts
 * const server = await startHistoryServer({ path: ".weft/weft.db" });
 * console.log(`run history at ${server.url}`);
 * ```
 */
export async function startHistoryServer(options: HistoryServerOptions = {}): Promise<HistoryServer> {
  const hostname = options.hostname ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Port must be an integer from 0 to 65535, got ${String(port)}`);
  if (options.allowRun && options.history !== undefined && options.path === undefined) throw new TypeError("allowRun needs the database file that re-runs record into: pass path too");
  const team = options.path !== undefined && isPostgresUrl(options.path);
  if (options.allowRun && team) throw new TypeError("allowRun needs a SQLite database file that re-runs record into; a PostgreSQL team store cannot re-run from the web view yet");
  // Checked before anything is opened: a bad name is the caller's mistake, not the server's.
  const hosts = new HostAllowList([...LOOPBACK_HOSTS, ...(isWildcard(hostname) ? [] : [hostname]), ...(options.allowedHosts ?? [])]);
  let history = options.history;
  let problem: string | undefined;
  /** The team store, when `path` is a postgres:// URL: history and the cache of the diff in one. */
  let teamCache: CacheRecordsReader | undefined;
  if (history === undefined && team) {
    try {
      const { PostgresStore } = await import("../runtime/shared/postgres-store.ts");
      await (await import("../runtime/shared/postgres-connection.ts")).checkPostgresInstalled();
      const store = new PostgresStore(options.path!, { warn: () => {} });
      history = teamCache = store;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
  } else if (history === undefined) {
    const self = currentProcess();
    const opened = openSqliteRunStore(options.path ?? DEFAULT_DATABASE_PATH, await (await loadPlatform()).cacheDrivers(), {
      alive: livenessFor(self, pidIsAlive),
      existing: true,
    });
    if (opened.status === "open") history = opened.store;
    else problem = opened.reason;
  }
  if (!isLoopback(hostname)) {
    (options.warn ?? console.warn)(
      `Warning: the run history server listens on ${hostname}:${port}, where other machines can reach it; it has no login, so bind it to ${DEFAULT_HOST} (the default) unless you mean to share it; it answers only to the host names ${hosts.entries.join(", ")} (list more with --allow-host or allowedHosts)`,
    );
  }
  // One drawing worker per server, started by the first drawing: Graphviz never runs on the thread that answers requests.
  const workers = (await loadPlatform()).workers;
  const drawer = new TaskWorker(workers, DRAW_TASK);
  // Plans import the user's modules: a worker of their own for each, ended after it, so none pile up here.
  const planner = new TaskWorker(workers, PLAN_TASK, { fresh: true, limitMs: PLAN_LIMIT_MS });
  // Plans and re-runs open a SQLite file: a team store has none.
  const db = team ? undefined : options.history === undefined || options.path !== undefined ? options.path ?? DEFAULT_DATABASE_PATH : undefined;
  // The cache of the same file, once per server: the diff reads its records beside the history.
  const fileCache = history === undefined || db === undefined ? undefined : await openCache(db);
  const cache = teamCache ?? fileCache;
  const reruns = options.allowRun && history !== undefined ? new CliReruns(db!, new RerunAccess(), startWeftProcess) : undefined;
  const { app, close } = createHistoryApp({
    history: history ?? { error: problem! },
    allowedHosts: hosts.entries,
    draw: (dot) => drawer.run(dot) as Promise<DrawOutcome>,
    ...(db === undefined ? {} : { plans: new RunPlans(db, (job: PlanJob) => planner.run(job) as Promise<PlanOutcome>) }),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    ...(cache === undefined ? {} : { cache }),
    ...(reruns === undefined ? {} : { reruns }),
  });
  const closeAll = async () => {
    close();
    await reruns?.close();
    await drawer.close();
    await planner.close();
    fileCache?.close();
  };
  const serve = await loadServeHttp();
  let server;
  try {
    server = await serve({ fetch: app.fetch, hostname, port, fallback });
  } catch (e) {
    await closeAll();
    if (options.history === undefined) history?.close();
    const inUse = (e as { code?: string }).code === "EADDRINUSE" || /in use|EADDRINUSE/i.test(String((e as Error)?.message));
    throw new Error(`Cannot start the run history server on ${hostname}:${port}: ${inUse ? "the port is in use; pass another port" : (e as Error)?.message ?? String(e)}`, { cause: e });
  }
  const shown = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  return {
    url: `http://${shown}:${server.port}/`,
    port: server.port,
    hostname,
    problem,
    ...(reruns === undefined ? {} : { token: reruns.access.token }),
    close: async () => {
      await closeAll();
      await server.close();
      if (options.history === undefined) history?.close();
    },
  };
}

/** The cache in the database `path`, for reading; `undefined` when it cannot be opened (the diff then says so). */
async function openCache(path: string): Promise<StoreCache | undefined> {
  const drivers = await (await loadPlatform()).cacheDrivers();
  try {
    const opened = openSqliteCache(path, drivers);
    if (opened.status !== "open") return undefined;
    return new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: drivers.hasher, warn: () => {} });
  } catch {
    return undefined;
  }
}
