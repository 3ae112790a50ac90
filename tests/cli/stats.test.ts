/** `weft stats`: node statistics across the runs of a database, as a table and as JSON. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-stats");
afterAll(tmp.remove);

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "flow.ts"), [
    "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
    "export const total = (raw: number[]) => raw.reduce((a, b) => a + b, 0);",
    "export const checked = (total: number) => { if (total > 10) throw new Error(`too big: ${total}`); return total; };",
    "",
  ].join("\n"));
  for (const n of [3, 3, 4, 6]) await weft(tmp.dir, "run", "flow.ts", "-o", "checked", "-i", `n=${n}`, "--cache", "--json");
});

describe("weft stats", () => {
  test("prints a row per node: executions, durations, hit rate, failures, bytes stored", async () => {
    const res = await weft(tmp.dir, "stats");
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^node\s+executions\s+p50\s+p95\s+hit rate\s+failures\s+stored\s+trend$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["checked", "raw", "total"]);
    // "checked" threw once on its own (n=6: total 15): 1 of its 4 executions.
    expect(lines.find((l) => l.startsWith("checked"))).toMatch(/\s1 \(25 %\)\s/);
    expect(lines.find((l) => l.startsWith("raw"))).toMatch(/^raw\s+4\s.*\s25 %\s+0\s+\d+ B$/);
  });

  test("--node and --json give one node's statistics", async () => {
    const res = await weft(tmp.dir, "stats", "--node", "raw", "--json");
    expect(res.code).toBe(0);
    const [raw] = JSON.parse(res.stdout);
    expect(raw).toMatchObject({ node: "raw", executions: 4, computed: 3, hits: 1, failures: 0, regression: false });
    expect(raw.durations).toHaveLength(3);
    expect(raw.bytes).toBeGreaterThan(0);
  });

  test("an unknown node and bad --samples are usage errors (exit 2)", async () => {
    const unknown = await weft(tmp.dir, "stats", "--node", "rwa");
    expect([unknown.code, unknown.stderr]).toEqual([2, 'weft: No execution of "rwa" is recorded in ".weft/weft.db"; did you mean "raw"?\n']);
    expect((await weft(tmp.dir, "stats", "--node", "zzzzzzzz")).stderr).toBe('weft: No execution of "zzzzzzzz" is recorded in ".weft/weft.db"; check the name, or run the flow first\n');
    const bad = await weft(tmp.dir, "stats", "--samples", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('weft: Option "--samples" must be a whole number from 1 to 10000, got "0"\n');
  });
});
