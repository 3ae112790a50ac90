/** `weft diff`: two runs of the history compared, with the frontier of each output, as text and JSON. */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../cache/_helpers.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-diff");
afterAll(tmp.remove);
const FLOW = [
  "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
  "export const doubled = (raw: number[]) => raw.map((x) => x * 2);",
  "export const report = (doubled: number[]) => ({ total: doubled.reduce((a, b) => a + b, 0), count: doubled.length });",
  "",
].join("\n");

/**
 * Runs the flow with the cache in a process of its own, as a user does (an in-process run would import the edited
 * flow.ts from the module cache: old code, which the cache refuses to store); returns the run's id.
 */
async function run(n: number): Promise<string> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../cli/weft.ts"), "run", "flow.ts", "-o", "report", "-i", `n=${n}`, "--cache"], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  expect({ code, stderr }).toMatchObject({ code: 0 });
  return /run ([0-9a-f-]{36}) succeeded/.exec(stderr)![1]!;
}

describe("weft diff", () => {
  test("a code edit: the edited node is where the output's change starts; the values differ by path", async () => {
    writeFileSync(join(tmp.dir, "flow.ts"), FLOW);
    const a = await run(3);
    writeFileSync(join(tmp.dir, "flow.ts"), FLOW.replace("x * 2", "x * 5"));
    const b = await run(3);
    const res = await weft(tmp.dir, "diff", a, b);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`run ${a} → run ${b}\ngiven values: the same\n`);
    expect(res.stdout).toMatch(/^code: doubled: code of "doubled" changed \(flow\.ts:2\)$/m);
    expect(res.stdout).toMatch(/^output report: changed\n {2}starts at doubled: code changed \(code of "doubled" changed \(flow\.ts:2\)\)\n {2}\.total: 6 → 15$/m);

    const json = JSON.parse((await weft(tmp.dir, "diff", a, b, "--json")).stdout);
    expect(json.outputs[0].frontier).toEqual([{ node: "doubled", cause: "code changed", reason: 'code of "doubled" changed (flow.ts:2)' }]);

    const c = await run(4);
    const inputs = await weft(tmp.dir, "diff", b, c, "--output", "report");
    expect(inputs.stdout).toContain("inputs: n: 3 → 4\n");
    expect(inputs.stdout).toContain("output report: changed\n  starts at: the given values above (no node changed on its own)\n  .total: 15 → 30\n  .count: 3 → 4");
  });

  test("an unknown run is a usage error (exit 2)", async () => {
    const res = await weft(tmp.dir, "diff", "nope", "nada");
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('weft: Cannot diff: there is no run "nope" in the history; list the runs with weft ui or driver.history.listRuns()\n');
  });
});
