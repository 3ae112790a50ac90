/** `weft cache explain` on the per-item nodes of map/reduce regions, and on names the cache does not know. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-explain");
const mod = join(import.meta.dir, "..", "..", "mod.ts");
const RUN = /[0-9a-f-]{36}/.source;
let second = "";

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "mr.ts"), [
    `import { collect, parallelizable } from ${JSON.stringify(mod)};`,
    "export const items = parallelizable((values: number[]) => values);",
    "export const work = (items: number) => items * 10;",
    "export const total = collect((work: number[]) => work.reduce((a, b) => a + b, 0));",
    "export const groups = parallelizable((matrix: number[][]) => matrix);",
    "export const cells = parallelizable((groups: number[]) => groups);",
    "export const cell = (cells: number) => cells + 1;",
    "export const row = collect((cell: number[]) => cell.reduce((a, b) => a + b, 0));",
    "export const rows = collect((row: number[]) => row);",
    "",
  ].join("\n"));
  const run = (values: string, matrix: string) =>
    weft(tmp.dir, "run", "mr.ts", "-o", "total,rows", "-i", `values=${values}`, "-i", `matrix=${matrix}`, "--cache", "--json");
  expect((await run("[1,2,3]", "[[1,2],[3]]")).code).toBe(0);
  // The second run changes the last item of each map: the others hit.
  const res = await run("[1,2,4]", "[[1,2],[5]]");
  expect(JSON.parse(res.stdout)).toEqual({ total: 70, rows: [5, 6] });
  const explained = JSON.parse((await weft(tmp.dir, "cache", "explain", "total", "--json")).stdout) as { runId: string };
  second = explained.runId;
});
afterAll(tmp.remove);

const explain = (...args: string[]) => weft(tmp.dir, "cache", "explain", ...args);

describe("weft cache explain of a map/reduce node", () => {
  test("the bare name explains every item, in item order, after a summary", async () => {
    const res = await explain("work");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp([
      `^work in run ${second}: 3 items: 2 hits, 1 miss`,
      `  work\\[0\\]: hit: reused the result computed in run ${RUN}`,
      `  work\\[1\\]: hit: reused the result computed in run ${RUN}`,
      `  work\\[2\\]: miss: input "items" changed from 3 \\(\\w+\\) to 4 \\(\\w+\\)\n$`,
    ].join("\n")));
  });

  test("name[i] and --item i explain one item, the same way", async () => {
    const bracket = await explain("work[2]");
    expect(bracket.stdout).toMatch(new RegExp(`^work\\[2\\] in run ${second}: miss: input "items" changed from 3 \\(\\w+\\) to 4 \\(\\w+\\)\n$`));
    expect(await explain("work", "--item", "2")).toEqual(bracket);
  });

  test("in a nested region, --item 1,0 is cell[1][0], and --item 0 every item of outer item 0", async () => {
    expect((await explain("cell", "--item", "1,0")).stdout).toStartWith(`cell[1][0] in run ${second}: miss: input "cells" changed from 3`);
    const outer = await explain("cell", "--item", "0");
    expect(outer.stdout.split("\n").map((l) => l.replace(/:.*/, ""))).toEqual(["cell[0] in run " + second, "  cell[0][0]", "  cell[0][1]", ""]);
    expect(outer.stdout).toStartWith(`cell[0] in run ${second}: 2 items: 2 hits, 0 misses\n`);
  });

  test("--json gives every item's explanation with its index path and the counts", async () => {
    const res = await explain("work", "--json");
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ node: "work", runId: second, summary: { hit: 2, miss: 1, uncacheable: 0 } });
    expect(doc.items.map((i: { node: string; status: string; item: number[] }) => [i.node, i.status, i.item]))
      .toEqual([["work[0]", "hit", [0]], ["work[1]", "hit", [1]], ["work[2]", "miss", [2]]]);
  });

  test("an item that did not run says which items did", async () => {
    const res = await explain("work[7]");
    expect(res).toEqual({
      code: 0, stderr: "",
      stdout: `work[7] in run ${second}: "work[7]" did not run in run ${second}; it ran as "work[0]", "work[1]", "work[2]"\n`,
    });
  });

  test("a bad --item is a usage error", async () => {
    expect(await explain("work", "--item", "x")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Option "--item" must be an item index such as 3 (or 1,0 in a nested map), got "x"\n',
    });
  });
});

describe("weft cache explain of a name the cache does not know", () => {
  test("prints the closest names and exits 2", async () => {
    expect(await explain("totl")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Cannot explain "totl": the cache has no node of that name; did you mean "total"?\n',
    });
    expect((await explain("wrok")).stderr).toBe('weft: Cannot explain "wrok": the cache has no node of that name; did you mean "row" or "work"?\n');
    expect((await explain("cels")).stderr).toBe('weft: Cannot explain "cels": the cache has no node of that name; did you mean "cell" or "cells"?\n');
  });

  test("with no close name, points to weft cache ls, whose advice works as written", async () => {
    expect(await explain("zzzzzzzz")).toEqual({
      code: 2, stdout: "", stderr: 'weft: Cannot explain "zzzzzzzz": the cache has no node of that name; see the cached nodes with weft cache ls --db .weft/weft.db\n',
    });
    expect((await weft(tmp.dir, "cache", "ls", "--db", ".weft/weft.db")).stdout).toMatch(/^work\[2\] /m);
  });

  test("an unknown --run is a usage error", async () => {
    const res = await explain("work", "--run", "no-such-run");
    expect(res.code).toBe(2);
    expect(res.stderr).toStartWith('weft: Run "no-such-run" left no records in the cache ');
  });
});
