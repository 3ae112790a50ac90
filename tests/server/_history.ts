/**
 * A real run history for the server, CLI and browser tests: real runs of real
 * flows, recorded by withTracking() into a SQLite file (no mocks), among them
 * a run whose node names, error message, result preview and input values are HTML.
 */
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { SqliteRunStore } from "../../history/sqlite-run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { Builder, node } from "../../mod.ts";
import * as flow from "../fixtures/history-flow.ts";

/** The hostile strings, as a page must show them (as text). */
export const XSS = {
  node: "<script>alert(1)</script>",
  error: "<script>alert(1)</script>",
  preview: "<img src=x onerror=alert(2)>",
  input: "<b onmouseover=alert(3)>bold</b>",
} as const;

/** Ids of the recorded runs. */
export interface RecordedRuns {
  readonly path: string;
  /** Cold run of the sales flow (every node computed). */
  readonly cold: string;
  /** The same run again: every node a cache hit. */
  readonly warm: string;
  /** Another day: the loaders that do not read it hit the cache, the rest is computed. */
  readonly partial: string;
  /** The sales flow with "audit" failing. */
  readonly failed: string;
  /** The hostile run. */
  readonly xss: string;
}

/** Records the runs into `<dir>/weft.db`. */
export async function recordRuns(dir: string): Promise<RecordedRuns> {
  const path = join(dir, "weft.db");
  const ids: string[] = [];
  const hook = { beforeGraph: (e: { runId: string }) => void ids.push(e.runId) };
  {
    await using dr = await new Builder().withModules(flow).withCache({ path }).withTracking().withHooks(hook).build();
    await dr.execute(["report"], { inputs: { day: "2026-11-22" } });
    await dr.execute(["report"], { inputs: { day: "2026-11-22" } });
    await dr.execute(["report"], { inputs: { day: "2026-11-23" } });
    await dr.execute(["report"], { inputs: { day: "2026-11-23", fail: "audit refused the numbers" } }).catch(() => {});
  }
  {
    const hostile = {
      [XSS.node]: (label: string) => `${XSS.preview} ${label.length}`,
      boom: node((_x: string) => { throw new Error(XSS.error); }, { deps: [XSS.node] }),
    };
    await using dr = await new Builder().withModules(hostile).withTracking({ path }).withHooks(hook).build();
    await dr.execute(["boom"], { inputs: { label: XSS.input } }).catch(() => {});
  }
  return { path, cold: ids[0]!, warm: ids[1]!, partial: ids[2]!, failed: ids[3]!, xss: ids[4]! };
}

/** The run history recorded in `path`, opened as the web view reads it (every "running" run taken as alive). */
export function openHistory(path: string): SqliteRunStore {
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened.store;
}
