// One runtime's smoke test of the team store (run by scripts/postgres-smoke.ts):
//   <runtime> scripts/postgres-smoke-client.mjs <postgres url> <weft/postgres entry> <weft entry>
// runs a two-node flow twice through one store (the second run all hits) and prints what it saw as JSON.
const [url, entry, mod] = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
const { postgres } = await import(entry);
const { Builder } = await import(mod);
const team = postgres(url);
let calls = 0;
const flow = { rows: (n) => (calls++, Array.from({ length: n }, (_, i) => i)), total: (rows) => rows.reduce((a, b) => a + b, 0) };
const run = async () => {
  const dr = await new Builder().withModules(flow).withWarnings(() => {}).withCache({ store: team }).withTracking({ store: team, flushMs: 5 }).build();
  const out = await dr.execute(["total"], { inputs: { n: 1000 } });
  await dr.close();
  return out.total;
};
const totals = [await run(), await run()];
const again = postgres(url);
const runs = again.listRuns().total;
again.close();
console.log(JSON.stringify({ totals, calls, runs }));
