/** `weft history table`: the latest runs side by side, as DVC's exp show: given values and short outputs. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-table");
afterAll(tmp.remove);

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "flow.ts"), [
    "export const total = (n: number, rate: number) => n * rate;",
    "export const rows = (n: number) => Array.from({ length: n * 20 }, (_, i) => `row number ${i}`);",
    "",
  ].join("\n"));
  writeFileSync(join(tmp.dir, "other.ts"), "export const y = (x: number) => x + 1;\n");
  for (const [n, rate] of [[1, 2], [2, 2], [3, 2]]) {
    expect((await weft(tmp.dir, "run", "flow.ts", "-o", "total,rows", "-i", `n=${n}`, "--config", `rate=${rate}`, "--json")).code).toBe(0);
  }
  expect((await weft(tmp.dir, "run", "other.ts", "-o", "y", "-i", "x=1", "--json")).code).toBe(0);
});

describe("weft history table", () => {
  test("a row per run, newest first; a column per given value and per short output (a long one is left out)", async () => {
    const res = await weft(tmp.dir, "history", "table", "--flow", "flow");
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^run\s+start\s+status\s+n\s+config:rate\s+out:total$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(2))).toEqual([["succeeded", "3", "2", "6"], ["succeeded", "2", "2", "4"], ["succeeded", "1", "2", "2"]]);
  });

  test("--only-changed keeps the columns that differ; --last takes the newest; --json gives columns and rows", async () => {
    const res = await weft(tmp.dir, "history", "table", "--flow", "flow", "--only-changed", "--last", "2", "--json");
    const table = JSON.parse(res.stdout);
    expect(table.columns).toEqual([{ kind: "input", name: "n" }, { kind: "output", name: "total" }]);
    expect(table.rows.map((r: { values: string[]; flow: string }) => [r.flow, ...r.values])).toEqual([["flow", "3", "6"], ["flow", "2", "4"]]);
    // Without --flow every flow's runs are rows; a value a run was not given reads "–".
    const all = await weft(tmp.dir, "history", "table", "--last", "1");
    expect(all.stdout).toMatch(/^run\s+start\s+status\s+x\s+out:y\n\w{8}\s.*succeeded\s+1\s+2\n$/);
  });

  test("a bad --last is a usage error (exit 2)", async () => {
    const res = await weft(tmp.dir, "history", "table", "--last", "0");
    expect([res.code, res.stderr]).toEqual([2, 'weft: Option "--last" must be a whole number of runs from 1 to 500, got "0"\n']);
  });
});
