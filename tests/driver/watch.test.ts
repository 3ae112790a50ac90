import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isWeftError, type Hook } from "../../mod.ts";
import type { WatchRun } from "../../lib/driver/watch.ts";
import { FLOW, HANG, HELPER, WatchedProject } from "./_watch-flow.ts";

const projects: WatchedProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.remove();
});

function project(options?: { slow?: string }): WatchedProject {
  const p = new WatchedProject(options);
  projects.push(p);
  return p;
}

/** The next run the watch yields. */
async function nextRun(it: AsyncIterator<WatchRun>): Promise<WatchRun> {
  const r = await it.next();
  if (r.done) throw new Error("the watch ended");
  return r.value;
}

const byStatus = (run: WatchRun) => Object.fromEntries(run.nodes.map((n) => [n.node, n.status]));

describe("driver.watch()", () => {
  test("recomputes only the nodes an edited helper reaches", async () => {
    const p = project();
    const dr = await p.driver();
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      const first = await nextRun(it);
      expect(first.ok && first.results).toEqual({ report: "4/100" });
      expect(byStatus(first)).toEqual({ base: "computed", scaled: "computed", other: "computed", report: "computed" });
      p.write(p.helper, HELPER(3));
      const second = await nextRun(it);
      expect(second.ok && second.results).toEqual({ report: "6/100" });
      expect(byStatus(second)).toEqual({ base: "from cache", other: "from cache", scaled: "computed", report: "computed" });
      expect(second.nodes.find((n) => n.node === "scaled")?.reason).toContain("scale");
      expect(second.changed).toEqual([p.helper]);
      // Each run is in the history the web view reads.
      expect(dr.history?.listRuns().runs.map((r) => r.id).sort()).toEqual([first.runId!, second.runId!].sort());
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("yields the outputs by name whatever the driver's result builder, after a save too", async () => {
    const p = project();
    const dr = await p.driver([], { resultBuilder: () => "built" });
    expect((await dr.execute(["report"], { inputs: { n: 1 } })) as unknown).toBe("built");
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      const first = await nextRun(it);
      expect(first.ok && first.results).toEqual({ report: "4/100" });
      p.write(p.helper, HELPER(3));
      const second = await nextRun(it);
      expect(second.ok && second.results).toEqual({ report: "6/100" });
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("yields a syntax error with its file and line, then the run of the fix", async () => {
    const p = project();
    const dr = await p.driver();
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      await nextRun(it);
      p.write(p.helper, "export function scale(x: number): number {\n  return x *;\n}\n");
      const broken = await nextRun(it);
      expect(broken.ok).toBe(false);
      const error = !broken.ok ? broken.error : undefined;
      expect(isWeftError(error, "module-load")).toBe(true);
      expect(error).toMatchObject({ file: p.helper, line: 2 });
      expect((error as Error).message).toStartWith(`Cannot load the module "${p.helper}:2:`);
      p.write(p.helper, HELPER(5));
      const fixed = await nextRun(it);
      expect(fixed.ok && fixed.results).toEqual({ report: "10/100" });
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("yields a throw at a module's top level with the line it threw at", async () => {
    const p = project();
    const dr = await p.driver();
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      await nextRun(it);
      p.write(p.helper, `${HELPER(3)}throw new Error("no helper today");\n`);
      const broken = await nextRun(it);
      expect(broken.ok ? undefined : broken.error).toMatchObject({ kind: "module-load", file: p.helper, line: 4 });
      expect(broken.ok ? "" : (broken.error as Error).message).toStartWith(`Cannot load the module "${p.helper}:4:`);
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("makes one run of a burst of saves", async () => {
    const p = project();
    let started = 0;
    const dr = await p.driver([{ beforeGraph: () => void started++ }]);
    const it = dr.watch(["report"], { inputs: { n: 1 }, debounceMs: 500 });
    try {
      await nextRun(it);
      for (const factor of [3, 4, 5, 6, 7]) p.write(p.helper, HELPER(factor));
      const run = await nextRun(it);
      expect(run.ok && run.results).toEqual({ report: "14/100" });
      expect(started).toBe(2);
      // Had the burst made a second run, it would come next, before this edit's.
      p.write(p.flow, FLOW().replace("n * 100", "n * 1000"));
      const after = await nextRun(it);
      expect(after.ok && after.results).toEqual({ report: "14/1000" });
      expect(started).toBe(3);
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("cancels a run in flight when a file changes, and runs again", async () => {
    const p = project({ slow: HANG });
    let started = 0;
    let cancelled = 0;
    let reportStarted!: () => void;
    const reportRunning = new Promise<void>((resolve) => (reportStarted = resolve));
    const hook: Hook = {
      beforeGraph: () => void started++,
      beforeNode: (e) => void (e.node === "report" && reportStarted()),
      afterGraph: (e) => void (e.cancelled && cancelled++),
    };
    const dr = await p.driver([hook]);
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      const first = nextRun(it);
      await reportRunning;
      p.write(p.flow, FLOW());
      const run = await first;
      expect(run.ok && run.results).toEqual({ report: "4/100" });
      expect([started, cancelled]).toEqual([2, 1]);
      expect(byStatus(run)).toMatchObject({ base: "from cache", report: "computed" });
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("return() during a run cancels it and ends the iteration", async () => {
    const p = project({ slow: HANG });
    let cancelled = 0;
    let reportStarted!: () => void;
    const reportRunning = new Promise<void>((resolve) => (reportStarted = resolve));
    const dr = await p.driver([{ beforeNode: (e) => void (e.node === "report" && reportStarted()), afterGraph: (e) => void (e.cancelled && cancelled++) }]);
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    const pending = it.next();
    await reportRunning;
    await it.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(1);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    await dr.close();
  });

  test("return() leaves no watcher open: the process ends by itself", async () => {
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "_watch-exit.ts")], { stdout: "pipe", stderr: "pipe" });
    const [code, out] = [await child.exited, (await new Response(child.stdout).text()).trim()];
    const [said, dir] = out.split(" ");
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect([code, said]).toEqual([0, "ended"]);
  }, 30_000);

  test("watches a file the flow starts importing after a save", async () => {
    const p = project();
    const dr = await p.driver();
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      await nextRun(it);
      const extra = join(p.dir, "offset.ts");
      p.write(extra, "export const OFFSET = 10;\n");
      p.write(p.flow, `import { OFFSET } from "./offset.ts";\n${FLOW().replace("n * 100", "n * 100 + OFFSET")}`);
      expect(await nextRun(it)).toMatchObject({ ok: true, results: { report: "4/110" } });
      p.write(extra, "export const OFFSET = 20;\n");
      const run = await nextRun(it);
      expect(run).toMatchObject({ ok: true, results: { report: "4/120" }, changed: [extra] });
      expect(byStatus(run)).toEqual({ base: "from cache", scaled: "from cache", other: "computed", report: "computed" });
    } finally {
      await it.return?.();
      await dr.close();
    }
  });

  test("runs worker nodes on threads that import the edited files", async () => {
    const p = project();
    const mod = pathToFileURL(join(import.meta.dir, "../../mod.ts")).href;
    p.write(p.flow, `import { node } from ${JSON.stringify(mod)};\n${FLOW().replace("export function scaled(base: number): number {\n  return scale(base);\n}", "export const scaled = node((base: number) => scale(base), { worker: true });")}`);
    const dr = await p.driver();
    const it = dr.watch(["report"], { inputs: { n: 1 } });
    try {
      expect(await nextRun(it)).toMatchObject({ ok: true, results: { report: "4/100" } });
      p.write(p.helper, HELPER(3));
      const run = await nextRun(it);
      expect(run).toMatchObject({ ok: true, results: { report: "6/100" } });
      expect(byStatus(run)).toEqual({ base: "from cache", other: "from cache", scaled: "computed", report: "computed" });
    } finally {
      await it.return?.();
      await dr.close();
    }
  }, 60_000);

  test("an aborted signal ends the watch", async () => {
    const p = project();
    const dr = await p.driver();
    const controller = new AbortController();
    const seen: WatchRun[] = [];
    for await (const run of dr.watch(["report"], { inputs: { n: 1 }, signal: controller.signal })) {
      seen.push(run);
      controller.abort();
    }
    expect(seen.map((r) => r.ok)).toEqual([true]);
    await dr.close();
  });

  test("needs the file of every module", async () => {
    const { Builder } = await import("../../mod.ts");
    const dr = await new Builder().withModules({ total: (n: number) => n }).build();
    expect(() => dr.watch(["total"], { inputs: { n: 1 } })).toThrow(
      'watch() needs the file of every module, and module "module 1" was given without one; pass withModules({ name: "module 1", exports, url: import.meta.url }) with the module\'s own URL',
    );
  });
});
