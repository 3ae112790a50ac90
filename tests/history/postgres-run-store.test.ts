/** The RunStore contract against the PostgreSQL team store on a real cluster, plus what only a shared store does. */
import { afterAll, describe, expect, test } from "bun:test";
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

  test("runs of one graph share one stored drawing", () => {
    const s = store(() => true);
    s.write({ starts: [startOf("r1", 1), startOf("r2", 2)], nodes: [], progress: [], ends: [] });
    s.close();
    const db = openPostgres(url);
    expect(db.query(`SELECT count(*)::int AS n FROM "run_graphs"`).rows).toEqual([{ n: 1 }]);
    db.close();
  });
});
