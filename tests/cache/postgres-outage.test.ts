/** The team store when its server goes away mid-session: runs go on uncached and untracked, with a warning. */
import { afterAll, expect, test } from "bun:test";
import { Builder } from "../../mod.ts";
import { postgres } from "../../postgres.ts";
import { PostgresCluster } from "../_postgres.ts";
import * as flow from "./fixtures/team-flow.ts";

const cluster = await PostgresCluster.start();
afterAll(() => cluster.stop());

test("a driver whose PostgreSQL server stopped computes the right values uncached, and warns with PostgreSQL's error", async () => {
  const url = await cluster.database();
  const warnings: string[] = [];
  const team = postgres(url, { timeoutMs: 20_000, warn: (m) => void warnings.push(m) });
  const dr = await new Builder().withModules(flow).withWarnings((w) => void warnings.push(w.message)).withCache({ store: team }).withTracking({ store: team, flushMs: 5 }).build();
  expect(await dr.execute(["total"], { inputs: { n: 4 } })).toEqual({ total: 12 });
  cluster.halt();
  expect(await dr.execute(["total"], { inputs: { n: 5 } })).toEqual({ total: 20 });
  await dr.close();
  const store = `the PostgreSQL store "127.0.0.1:${cluster.port}/`;
  // The cache's lookups, its writes and the history's writes each said what failed.
  expect(warnings.filter((m) => m.includes(store)).length).toBeGreaterThanOrEqual(2);
  expect(warnings.some((m) => m.startsWith("Not caching \"rows\" in this run: Cannot query " + store))).toBe(true);
}, 60_000);
