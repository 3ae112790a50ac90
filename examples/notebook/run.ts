/**
 * The notebook example as a script. Run it under watch mode and edit flow.ts:
 *
 *   npx bun --watch examples/notebook/run.ts
 *
 * Each save re-runs the script: it prints the plan (which nodes will compute
 * and why), then runs; the cache (.weft/weft.db) makes only the edited node
 * and its dependents compute again. Each line says which.
 */
import { Builder, formatPlan, type NodeEndEvent } from "../../mod.ts";
import * as flow from "./flow.ts";

const events: NodeEndEvent[] = [];
await using dr = await new Builder()
  .withModules({ name: "flow", exports: flow })
  .withCache()
  .withTracking() // the history the plan's estimates come from, in the same file
  .withHooks({ afterNode: (e) => void events.push(e) })
  .build();

const inputs = { days: 30 };
console.log(formatPlan(dr.plan(["summary"], { inputs })));
const started = performance.now();
const { summary } = await dr.execute(["summary"], { inputs });
console.log(`${summary} in ${(performance.now() - started).toFixed(0)} ms`);
for (const e of events) {
  const how = e.cache?.status === "hit" ? "from cache" : `computed (${e.cache?.reason ?? "not cached"})`;
  console.log(`  ${e.node.padEnd(9)} ${how}`);
}
