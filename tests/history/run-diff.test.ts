/** driver.history.diff(): what changed between two runs, and the frontier where an output's change starts. */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import { moduleFile, tempDir } from "../cache/_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const FLOW = `let calls = 0;
export function raw(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
export function doubled(raw: number[]): number[] {
  return raw.map((x) => x * 2);
}
export function total(doubled: number[]): number {
  return doubled.reduce((a, b) => a + b, 0);
}
export function stamp(): number {
  return ++calls;
}
export function report(total: number, stamp: number, label = "sum"): { label: string; total: number; stamp: number } {
  return { label, total, stamp };
}
`;

/** The flow in a temp dir, imported fresh after each edit; removed after the test. */
function flowFile() {
  const m = moduleFile("diff", FLOW);
  cleanups.push(m.remove);
  return m;
}

/** Runs `report` once on a fresh driver; returns the run id. */
async function runOnce(module: object, db: string, inputs: Record<string, unknown>, cache: Record<string, unknown> = {}): Promise<string> {
  let id = "";
  await using dr = await new Builder().withModules(module).withCache({ path: db, ...cache }).withTracking()
    .withHooks({ beforeGraph: (e) => void (id = e.runId) }).withWarnings(() => {}).build();
  await dr.execute(["report"], { inputs });
  return id;
}

async function diffOf(db: string, module: object, a: string, b: string) {
  await using dr = await new Builder().withModules(module).withCache({ path: db }).withTracking().withWarnings(() => {}).build();
  return dr.history!.diff(a, b);
}

describe("driver.history.diff()", () => {
  test("a code edit: the edited node is the frontier, labelled with the source-level reason; the output's values differ by path", async () => {
    const flow = flowFile();
    const a = await runOnce(await flow.load(), flow.db, { n: 3 });
    const edited = await flow.load((t) => t.replace("x * 2", "x * 3"));
    const b = await runOnce(edited, flow.db, { n: 3 });
    const d = await diffOf(flow.db, edited, a, b);
    expect(d.inputs).toEqual([]);
    expect(d.code).toEqual([{ node: "doubled", reason: expect.stringMatching(/^code of "doubled" changed \(flow\.ts:5\)$/) }]);
    const [report] = d.outputs;
    expect(report).toMatchObject({ output: "report", changed: true });
    expect(report!.frontier).toEqual([{ node: "doubled", cause: "code changed", reason: expect.stringMatching(/^code of "doubled" changed/) }]);
    expect(report!.paths).toEqual([{ path: ".total", before: "6", after: "9" }]);
    const byName = Object.fromEntries(d.nodes.map((n) => [n.node, n]));
    expect(byName.raw!.valueChanged).toBe(false);
    expect(byName.total!.valueChanged).toBe(true);
    expect(byName.raw!.after).toMatchObject({ status: "succeeded", cache: "hit" });
    expect(typeof byName.doubled!.after!.durationMs).toBe("number");
  });

  test("a node recomputed to another value from the same code and inputs is non-deterministic", async () => {
    const flow = flowFile();
    const module = await flow.load();
    const a = await runOnce(module, flow.db, { n: 3 });
    const b = await runOnce(module, flow.db, { n: 3 }, { recompute: ["stamp"] });
    const d = await diffOf(flow.db, module, a, b);
    expect(d.code).toEqual([]);
    expect(d.outputs[0]!.frontier).toEqual([{ node: "stamp", cause: "non-deterministic", reason: "same code and inputs, different value" }]);
    expect(d.outputs[0]!.paths).toEqual([{ path: ".stamp", before: "1", after: "2" }]);
  });

  test("a changed input is listed, and is not a frontier: the nodes below it changed because their inputs did", async () => {
    const flow = flowFile();
    const module = await flow.load();
    const a = await runOnce(module, flow.db, { n: 3 });
    const b = await runOnce(module, flow.db, { n: 4 });
    const d = await diffOf(flow.db, module, a, b);
    expect(d.inputs).toEqual([{ name: "n", before: "3", after: "4" }]);
    expect(d.outputs[0]).toMatchObject({ output: "report", changed: true, frontier: [] });
    // The same run against itself: nothing changed.
    const same = await diffOf(flow.db, module, b, b);
    expect(same.outputs[0]).toEqual({ output: "report", changed: false, frontier: [] });
    expect(same.nodes.every((n) => !n.valueChanged)).toBe(true);
  });

  test("runs without the cache have no data versions: said in a note; an unknown run is a RangeError", async () => {
    const { dir, remove } = tempDir("diff-nocache");
    cleanups.push(remove);
    const ids: string[] = [];
    await using dr = await new Builder().withModules({ x: (n: number) => n + 1 }).withTracking({ path: join(dir, "h.db") })
      .withHooks({ beforeGraph: (e) => void ids.push(e.runId) }).build();
    await dr.execute(["x"], { inputs: { n: 1 } });
    await dr.execute(["x"], { inputs: { n: 2 } });
    const d = dr.history!.diff(ids[0]!, ids[1]!);
    expect(d.inputs).toEqual([{ name: "n", before: "1", after: "2" }]);
    expect(d.note).toMatch(/has no cache records/);
    expect(d.outputs[0]!.note).toMatch(/no data version/);
    expect(() => dr.history!.diff(ids[0]!, "nope")).toThrow(new RangeError('Cannot diff: there is no run "nope" in the history; list the runs with weft ui or driver.history.listRuns()'));
    // Every other method is the store's own.
    expect(dr.history!.listRuns().total).toBe(2);
  });
});
