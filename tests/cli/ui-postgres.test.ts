/** `weft ui --db postgres://…`: the web view of a team store shows a run that another process recorded. */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { PostgresCluster } from "../_postgres.ts";

const cluster = await PostgresCluster.start();
afterAll(() => cluster.stop());
const root = join(import.meta.dir, "../..");

test("weft ui --db postgres://… serves the runs another process recorded in the team store", async () => {
  const url = await cluster.database();
  const writer = Bun.spawnSync([process.execPath, join(root, "tests/cache/fixtures/team-run.ts"), url], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  expect({ code: writer.exitCode, err: writer.stderr.toString() }).toEqual({ code: 0, err: "" });
  const runId = writer.stdout.toString().trim();

  const ui = Bun.spawn([process.execPath, join(root, "cli/weft.ts"), "ui", "--port", "0", "--db", url, "--json"], { stdout: "pipe", stderr: "pipe" });
  try {
    const reader = ui.stdout.getReader();
    let printed = "";
    // Bounded: the first line is the address, printed once the server listens.
    for (let i = 0; i < 600 && !printed.includes("\n"); i++) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`weft ui stopped: ${await new Response(ui.stderr).text()}`);
      printed += new TextDecoder().decode(value);
    }
    const base = (JSON.parse(printed.split("\n")[0]!) as { url: string }).url;
    const runs = (await (await fetch(`${base}api/runs`)).json()) as { runs: { id: string; status: string; host: string }[]; total: number };
    expect(runs.total).toBe(1);
    expect(runs.runs[0]).toMatchObject({ id: runId, status: "succeeded" });
    expect(runs.runs[0]!.host).not.toBe("");
    const nodes = (await (await fetch(`${base}api/runs/${runId}/nodes`)).json()) as { nodes: { node: string; status: string; host?: string }[] };
    expect(nodes.nodes.map((n) => [n.node, n.status]).sort()).toEqual([["rows", "succeeded"], ["total", "succeeded"]]);
    // Where each node ran, as the writer's driver recorded it (its own host for its in-process nodes).
    expect(nodes.nodes.map((n) => n.host)).toEqual([runs.runs[0]!.host, runs.runs[0]!.host]);
    // The page of the run renders from the same store.
    expect((await fetch(`${base}runs/${runId}`)).status).toBe(200);
  } finally {
    ui.kill("SIGINT");
    await ui.exited;
  }
}, 90_000);
