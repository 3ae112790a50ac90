/** `weft rerun`: a recorded run's request run again, from a node, with inputs over its own; recorded as a new run. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-rerun");
afterAll(tmp.remove);
let first = "";

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "flow.ts"), [
    "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
    "export const doubled = (raw: number[]) => raw.map((x) => x * 2);",
    "export const report = (doubled: number[], unit: string) => `${doubled.reduce((a, b) => a + b, 0)} ${unit}`;",
    "",
  ].join("\n"));
  const res = await weft(tmp.dir, "run", "flow.ts", "-o", "report", "-i", "n=3", "--config", "unit=EUR", "--cache");
  expect(res.code).toBe(0);
  first = /run ([0-9a-f-]{36}) succeeded/.exec(res.stderr)![1]!;
});

/** What the cache says each node of the last run did. */
async function lastRun(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const node of ["raw", "doubled", "report"]) out[node] = JSON.parse((await weft(tmp.dir, "cache", "explain", node, "--json")).stdout).message;
  return out;
}

describe("weft rerun", () => {
  test("--from recomputes the node and what depends on it; the rest comes from the cache; a new run is recorded", async () => {
    const res = await weft(tmp.dir, "rerun", first, "--from", "doubled", "--json");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ report: "6 EUR" });
    const did = await lastRun();
    expect(did.raw).toMatch(/^hit: /);
    expect(did.doubled).toBe('miss: recomputed on request (cache behaviour "recompute")');
    expect(did.report).toBe('miss: recomputed on request (cache behaviour "recompute")');
    const runs = JSON.parse((await weft(tmp.dir, "history", "table", "--json")).stdout).rows;
    expect(runs).toHaveLength(2);
  });

  test("--input and --config go over the run's own values", async () => {
    const res = await weft(tmp.dir, "rerun", first, "--input", "n=4", "--config", "unit=USD", "--json");
    expect(JSON.parse(res.stdout)).toEqual({ report: "12 USD" });
  });

  test("an unknown run, an unknown --from node and a run of a module without a file are usage errors (exit 2)", async () => {
    expect(await weft(tmp.dir, "rerun", "nope")).toMatchObject({ code: 2, stderr: 'weft: There is no run "nope" in ".weft/weft.db"; list the runs with weft ui --db .weft/weft.db\n' });
    expect(await weft(tmp.dir, "rerun", first, "--from", "dubled")).toMatchObject({ code: 2, stderr: 'weft: Cannot rerun from "dubled": the flow has no node of that name; did you mean "doubled"?\n' });
    let id = "";
    {
      await using dr = await new Builder().withModules({ x: (n: number) => n + 1 }).withTracking({ path: join(tmp.dir, ".weft", "weft.db") })
        .withHooks({ beforeGraph: (e) => void (id = e.runId) }).build();
      await dr.execute(["x"], { inputs: { n: 1 } });
    }
    const res = await weft(tmp.dir, "rerun", id);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`weft: Cannot rerun run ${id}: its module "module 1" was given without a file; only flows read from module files can run again\n`);
  });
});
