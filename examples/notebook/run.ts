/**
 * The notebook example as a script. Run it under watch mode and edit flow.ts:
 *
 *   npx bun --watch examples/notebook/run.ts
 *
 * Each save re-runs the script; the cache (.weft/weft.db) makes only the
 * edited node and its dependents compute again. Each line says which.
 */
import { Builder, type NodeEndEvent } from "../../mod.ts";
import * as flow from "./flow.ts";

const events: NodeEndEvent[] = [];
await using dr = await new Builder()
  .withModules({ name: "flow", exports: flow })
  .withCache()
  .withHooks({ afterNode: (e) => void events.push(e) })
  .build();

const started = performance.now();
const { summary } = await dr.execute(["summary"], { inputs: { days: 30 } });
console.log(`${summary} in ${(performance.now() - started).toFixed(0)} ms`);
for (const e of events) {
  const how = e.cache?.status === "hit" ? "from cache" : `computed (${e.cache?.reason ?? "not cached"})`;
  console.log(`  ${e.node.padEnd(9)} ${how}`);
}
