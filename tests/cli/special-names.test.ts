/** Issue 10, part 6: `weft run --inputs` and `--inputs-file` take names that are keys of `Object.prototype` like any other. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-names");
const flow = join(tmp.dir, "names.ts");
beforeAll(() => {
  writeFileSync(flow, [
    "export function doubled(constructor: number) { return constructor * 2; }",
    "export function echoed(__proto__: unknown) { return __proto__; }",
    "export function toString(valueOf: string) { return `${valueOf}!`; }",
    "",
  ].join("\n"));
  writeFileSync(join(tmp.dir, "inputs.json"), '{ "__proto__": { "a": 1 }, "valueOf": "v" }');
});
afterAll(tmp.remove);

describe("weft run with special names", () => {
  test("--inputs constructor=21 reaches the node as 21", async () => {
    const res = await weft(tmp.dir, "run", flow, "--outputs", "doubled", "--inputs", "constructor=21");
    expect([res.code, JSON.parse(res.stdout)]).toEqual([0, { doubled: 42 }]);
  });

  test("--inputs __proto__=7 reaches the node as 7", async () => {
    const res = await weft(tmp.dir, "run", flow, "-o", "echoed", "-i", "__proto__=7");
    expect([res.code, JSON.parse(res.stdout)]).toEqual([0, { echoed: 7 }]);
  });

  test("--inputs-file gives inputs named __proto__ and valueOf", async () => {
    const res = await weft(tmp.dir, "run", flow, "-o", "echoed,toString", "--inputs-file", "inputs.json");
    expect([res.code, JSON.parse(res.stdout)]).toEqual([0, { echoed: { a: 1 }, toString: "v!" }]);
  });

  test("a missing input named constructor is reported by name", async () => {
    const res = await weft(tmp.dir, "run", flow, "-o", "doubled");
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('input "constructor" (needed by "doubled") is missing');
  });

  test("--cache hits on a re-run with the same --inputs constructor=21", async () => {
    await weft(tmp.dir, "run", flow, "-o", "doubled", "-i", "constructor=21", "--cache");
    const again = await weft(tmp.dir, "run", flow, "-o", "doubled", "-i", "constructor=21", "--cache");
    expect(again.stderr).toContain("(cache hit)");
  });
});
