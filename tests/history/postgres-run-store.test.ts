/** The RunStore contract against the PostgreSQL team store on a real cluster, plus what only a shared store does. */
import { afterAll, describe, expect, test } from "bun:test";
import { PostgresMetadataStore } from "../../cache/postgres/postgres-metadata-store.ts";
import { PostgresRunStore, RUNS_CHANNEL } from "../../history/postgres-run-store.ts";
import type { Liveness } from "../../lib/ports/run-store.ts";
import { migratePostgres } from "../../postgres/migrate.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";
import { openPostgres } from "../../runtime/shared/postgres-connection.ts";
import { PostgresCluster } from "../_postgres.ts";
import { runStoreContract, startOf } from "./run-store.contract.ts";

const cluster = await PostgresCluster.start();
const url = await cluster.database();
afterAll(() => cluster.stop());

/** A store on the shared database; `empty` truncates the history first (each contract test starts empty). */
function store(alive: Liveness, empty = true): PostgresRunStore {
  const db = openPostgres(url, { listen: [RUNS_CHANNEL] });
  migratePostgres(db);
  if (empty) db.query(`TRUNCATE "runs", "run_nodes", "run_graphs", "cache_runs"`);
  return new PostgresRunStore(db, { hasher: bunHasher, alive });
}

/** Waits (bounded) until `check` holds: a notification arrives on the listening thread a moment after the commit. */
function eventually(check: () => boolean): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000 && !check(); i++) Atomics.wait(pause, 0, 0, 10);
  return check();
}

runStoreContract("PostgreSQL", (alive) => store(alive));

describe("PostgresRunStore", () => {
  test("version() sees another connection's commit", () => {
    const writer = store(() => true);
    const reader = store(() => true, false);
    const before = reader.version();
    writer.write({ starts: [startOf("r1", 1)], nodes: [], progress: [], ends: [] });
    expect(eventually(() => reader.version() !== before)).toBe(true);
    expect(reader.getRun("r1")?.status).toBe("running");
    writer.close();
    reader.close();
  });

  test("nodesOf() returns the host a node ran on, when it was recorded", () => {
    const s = store(() => true);
    s.write({
      starts: [startOf("r1", 1)],
      nodes: [
        { runId: "r1", node: "a", item: "", status: "succeeded", start: 1, end: 2, duration: 1, executor: "bullmq", host: "worker-7", batch: 1 },
        { runId: "r1", node: "b", item: "", status: "succeeded", start: 2, end: 3, duration: 1, executor: "in-process", batch: 1 },
      ],
      progress: [],
      ends: [],
    });
    expect(s.nodesOf("r1").map((n) => [n.node, n.host])).toEqual([["a", "worker-7"], ["b", undefined]]);
    s.close();
  });

  test("prune() removes the cache's records of the runs it removes, and a hit list once no run refers to it", () => {
    const s = store(() => true);
    const db = openPostgres(url);
    const cache = new PostgresMetadataStore(db);
    const hits = (runId: string) => Array.from({ length: 20 }, (_, i) => ({ runId, node: `n${i}`, status: "hit" as const, key: `k${i}`, dataVersion: `dv${i}`, at: 1 }));
    for (const [i, id] of ["r1", "r2"].entries()) {
      s.write({ starts: [startOf(id, i + 1)], nodes: [], progress: [], ends: [{ id, end: i + 2, status: "succeeded" }] });
      cache.write({ entries: [], used: [], runs: hits(id), at: i + 1 });
    }
    const lists = () => Number(db.query(`SELECT count(*)::int AS n FROM "cache_runs" WHERE "run_id" LIKE 'hits:%'`).rows[0]!.n);
    expect(s.prune({ keepRuns: 1 })).toMatchObject({ runs: ["r1"], cacheRecords: 1 });
    expect([lists(), cache.runRecords("r2").length]).toEqual([1, 20]);
    expect(s.prune({ keepRuns: 0 })).toMatchObject({ runs: ["r2"], cacheRecords: 1 });
    expect(lists()).toBe(0);
    cache.close();
    db.close();
    s.close();
  });

  test("runs of one graph share one stored drawing", () => {
    const s = store(() => true);
    s.write({ starts: [startOf("r1", 1), startOf("r2", 2)], nodes: [], progress: [], ends: [] });
    s.close();
    const db = openPostgres(url);
    expect(db.query(`SELECT count(*)::int AS n FROM "run_graphs"`).rows).toEqual([{ n: 1 }]);
    db.close();
  });
});
