// Runs flow.mjs twice with the cache and tracking on, then serves the run history, and prints one JSON line.
// Usage: <runtime> run.mjs <directory for the SQLite file>
import { Builder } from "weft";
import { startHistoryServer } from "weft/server";
import * as flow from "./flow.mjs";

const dir = (globalThis.Deno ? Deno.args : process.argv.slice(2))[0];
const path = `${dir}/weft.db`;
const outputs = ["total", "squares", "cubes"];
const inputs = { count: 4, offset: 1 };
const runs = [];
for (let i = 0; i < 2; i++) {
  // Node 20 has no `await using`: close by hand.
  const dr = await new Builder().withModules(flow).withCache({ path }).withTracking({ path }).withWorkers({ size: 1 }).build();
  try {
    const result = await dr.execute(outputs, { inputs });
    runs.push({ result, explain: Object.fromEntries(["numbers", "total", "squares"].map((n) => [n, dr.cache.explain(n).message])) });
  } finally {
    await dr.close();
  }
}
const server = await startHistoryServer({ path, port: 0 });
let history;
try {
  history = await (await fetch(`${server.url}api/runs`)).json();
} finally {
  await server.close();
}
console.log(JSON.stringify({ runs, history: { total: history.total, statuses: history.runs.map((r) => r.status) } }));
