/**
 * What the plan worker runs (loaded by URL in a worker thread of its own,
 * ended after each plan; see task-worker.ts): a recorded run's request
 * planned against the code on disk now. It imports the run's module files
 * afresh (a query string on each URL, and a new worker, so the module's own
 * relative imports are fresh too), builds a driver with the request's config
 * and cache settings over the server's database (its cache, and its run
 * history for the estimate), and asks `driver.plan()`. Nothing runs: worker
 * nodes get an executor that refuses every task. Every way it can go wrong
 * is an outcome with words, never an exception for the page.
 *
 * @module
 */
import { openCache } from "../cache/open-cache.ts";
import { syntaxErrorOf } from "../cache/code/syntax-error.ts";
import { openSqliteRunStore } from "../history/open-sqlite-run-store.ts";
import { Builder } from "../lib/driver/builder.ts";
import type { DriverPlan } from "../lib/driver/plan.ts";
import { isWeftError, type UnknownNodeError } from "../lib/errors.ts";
import { node } from "../lib/model/node.ts";
import type { Executor } from "../lib/ports/executor.ts";
import type { RequestValues, RunRequest } from "../lib/ports/run-store.ts";
import { loadPlatform } from "../runtime/current.ts";

/** What the server asks the worker: a replayable request (every module with its file) and the database. */
export interface PlanJob {
  /** The server's SQLite file: its cache is what a run would use, its history gives the estimate. */
  readonly db: string;
  readonly outputs: readonly string[];
  readonly request: RunRequest & { readonly values: RequestValues };
  /** Makes the module URLs new to the module loader. */
  readonly stamp: string;
}

/** A plan, with the warnings the build gave (a node not fully tracked), or why there is none. */
export type PlanOutcome =
  | { readonly plan: DriverPlan; readonly warnings: readonly string[] }
  | { readonly problem: string };

/** Worker nodes of a plan: never called (a plan calls nothing), refused if they were. */
const PLAN_ONLY: Executor = {
  name: "plan",
  init: async () => {},
  submit: () => Promise.reject(new Error("A plan runs no node")),
  dispose: async () => {},
};

/** Plans `job`; never throws. */
export async function planJobOf(job: PlanJob): Promise<PlanOutcome> {
  const drivers = await (await loadPlatform()).cacheDrivers();
  const { request } = job;
  const modules: { name: string; exports: object; url: string }[] = [];
  for (const m of request.modules) {
    const url = m.url!;
    const path = decodeURIComponent(new URL(url).pathname);
    const bytes = drivers.fs.readFile(path);
    if (bytes === undefined) return { problem: `Cannot plan this run: its module "${m.name}" was read from ${path}, which is no longer there` };
    let exports: object;
    try {
      exports = (await import(`${url}${url.includes("?") ? "&" : "?"}weft-plan=${job.stamp}`)) as object;
    } catch (e) {
      const syntax = await syntaxErrorOf(path, new TextDecoder().decode(bytes));
      const name = path.slice(path.lastIndexOf("/") + 1);
      if (syntax !== undefined) return { problem: `Cannot plan this run: ${name}:${syntax.line}:${syntax.column}: ${syntax.message} (in ${path})` };
      return { problem: `Cannot plan this run: module ${path} cannot be imported: ${(e as Error)?.message ?? String(e)}` };
    }
    // The URL without the query: code versions read the file from disk.
    modules.push({ name: m.name, exports, url });
  }
  const warnings: string[] = [];
  const cacheSetting = request.cache;
  let builder = new Builder().withModules(...modules).withConfig(request.values.config).withExecutor(PLAN_ONLY)
    .withWarnings((w) => void warnings.push(w.message));
  if (request.allowModuleOverrides) builder = builder.allowModuleOverrides();
  if (request.concurrency !== undefined) builder = builder.withConcurrency(request.concurrency);
  let driver;
  const opened: { close(): void }[] = [];
  try {
    if (cacheSetting.kind === "file") {
      let unavailable = "";
      const store = openCache({ path: job.db }, drivers, (m) => void (unavailable = m));
      // Planned without the cache, every node would read "computed": not what a run of this request would do.
      if (store === undefined) return { problem: `Cannot plan this run: ${unavailable.replace(/^Caching is off for this driver: /, "the cache cannot be opened: ")}` };
      opened.push(store);
      const { kind: _, ...behaviours } = cacheSetting;
      builder = builder.withCache({ store, ...behaviours });
    }
    const history = openSqliteRunStore(job.db, drivers, { alive: () => true, existing: true });
    if (history.status === "open") {
      opened.push(history.store);
      builder = builder.withTracking({ store: history.store });
    }
    driver = await (builder as Builder).build();
  } catch (e) {
    for (const o of opened) o.close();
    return { problem: `Cannot plan this run: the flow on disk does not build: ${(e as Error)?.message ?? String(e)}` };
  }
  try {
    return { plan: driver.plan(job.outputs, { inputs: request.values.inputs, overrides: request.values.overrides }), warnings };
  } catch (e) {
    if (isWeftError(e, "unknown-node")) {
      const { node: name, suggestion } = e as UnknownNodeError;
      return { problem: `Cannot plan this run: "${name}" is no longer a node or input of the flow${suggestion ? `; did you mean "${suggestion}"?` : ""}` };
    }
    return { problem: `Cannot plan this run: ${(e as Error)?.message ?? String(e)}` };
  } finally {
    await driver.close();
  }
}

/** {@link planJobOf} as the worker calls it: explicit deps, so no parameter is read from source in the worker. */
export const planRequest = node(planJobOf, { deps: ["job"] });
