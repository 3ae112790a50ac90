/**
 * The team store on Bun, Node and Deno: starts a PostgreSQL cluster (tests/_postgres.ts) and runs
 * scripts/postgres-smoke-client.mjs on each runtime against a database of its own (Node runs the build in
 * dist/: `npm run build` first). Prints one line per runtime; exits 1 when one did not see
 * {"totals":[499500,499500],"calls":1,"runs":2}.
 *
 *   npx bun scripts/postgres-smoke.ts
 */
import { join, resolve } from "node:path";
import { PostgresCluster } from "../tests/_postgres.ts";

const root = resolve(import.meta.dir, "..");
const client = join(root, "scripts/postgres-smoke-client.mjs");
const expected = JSON.stringify({ totals: [499500, 499500], calls: 1, runs: 2 });
const cluster = await PostgresCluster.start();
let failed = false;
try {
  for (const [name, argv, entries] of [
    ["bun", [process.execPath, client], ["postgres.ts", "mod.ts"]],
    ["node", ["node", client], ["dist/postgres.js", "dist/mod.js"]],
    ["deno", [join(root, "node_modules/.bin/deno"), "run", "-A", "--config", join(root, "deno.json"), client], ["postgres.ts", "mod.ts"]],
  ] as const) {
    const p = Bun.spawnSync([...argv, await cluster.database(), ...entries.map((e) => join(root, e))], { cwd: root, stdout: "pipe", stderr: "pipe", timeout: 120_000 });
    const out = p.stdout.toString().trim();
    const ok = p.exitCode === 0 && out === expected;
    failed ||= !ok;
    console.log(`${name}: ${ok ? "ok" : "FAILED"} ${out}${ok ? "" : ` ${p.stderr.toString().trim()}`}`);
  }
} finally {
  cluster.stop();
}
process.exit(failed ? 1 : 0);
