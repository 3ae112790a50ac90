/** `weft plan`: what a cached run would do, as a table and as JSON, from the flow on disk and the database. */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-plan");
afterAll(tmp.remove);
const FLOW = [
  "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
  "export const total = (raw: number[]) => raw.reduce((a, b) => a + b, 0);",
  "export const report = (total: number) => `total ${total}`;",
  "",
].join("\n");
writeFileSync(join(tmp.dir, "flow.ts"), FLOW);

describe("weft plan", () => {
  test("before any run: the first node misses and the rest is pending; after a run, all hit; an edit misses with its reason", async () => {
    const first = await weft(tmp.dir, "plan", "flow.ts", "-o", "report", "-i", "n=4");
    expect(first.code).toBe(0);
    expect(first.stdout.split("\n")).toEqual([
      "node    status   reason                                     estimate",
      'raw     miss     no cached result for "raw" yet',
      'total   pending  a hit if input "raw" comes out the same',
      'report  pending  a hit if input "total" comes out the same',
      "1 miss, 2 pending; no history",
      "",
    ]);
    expect((await weft(tmp.dir, "run", "flow.ts", "-o", "report", "-i", "n=4", "--cache", "--json")).stdout).toContain('"total 6"');

    const json = await weft(tmp.dir, "plan", "flow.ts", "-o", "report", "-i", "n=4", "--json");
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { nodes: { node: string; status: string; estimateMs?: number }[]; counts: Record<string, number>; estimate: { message: string } };
    expect(plan.nodes.map((n) => [n.node, n.status])).toEqual([["raw", "hit"], ["total", "hit"], ["report", "hit"]]);
    // The run recorded each node's duration: the history gives estimates.
    expect(plan.nodes.every((n) => typeof n.estimateMs === "number")).toBe(true);
    expect(plan.estimate.message).toBe("nothing to compute");

    writeFileSync(join(tmp.dir, "flow.ts"), FLOW.replace("`total ${total}`", "`sum ${total}`"));
    // A process of its own, as a user runs it: this one holds the flow it imported before the edit (old code).
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../cli/weft.ts"), "plan", "flow.ts", "-o", "report", "-i", "n=4"], { cwd: tmp.dir, stdout: "pipe" });
    const edited = { stdout: await new Response(proc.stdout).text(), code: await proc.exited };
    expect(edited.code).toBe(0);
    expect(edited.stdout).toMatch(/^report\s+miss\s+code of "report" changed \(flow\.ts:3\)\s+[\d.]+ ms$/m);
    expect(edited.stdout).toMatch(/^2 hit, 1 miss; about [\d.]+ ms \(1 node may compute\)$/m);
  });

  test("an unknown output or a missing input is a usage error (exit 2) that says which", async () => {
    const unknown = await weft(tmp.dir, "plan", "flow.ts", "-o", "reprot", "-i", "n=4");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"reprot" is not a node or input of the graph; did you mean "report"?');
    const missing = await weft(tmp.dir, "plan", "flow.ts", "-o", "report");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^weft: .*"n"/);
  });
});
