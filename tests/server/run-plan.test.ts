/**
 * "What would run now" (issue 13): a recorded run's request planned again by the server against the code on
 * disk, on a worker. A real flow file in a temp dir, recorded by a real process (`bun run.ts`, withCache and
 * withTracking on one SQLite file); a real server on a loopback port; then the flow file is edited, broken
 * and deleted, and the plan says so.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Builder } from "../../mod.ts";
import type { RunDetail } from "../../lib/ports/run-store.ts";
import { replayableRequest } from "../../server/run-plans.ts";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";

// Each plan starts a worker that loads weft and imports the flow: seconds on a loaded 2-core machine.
setDefaultTimeout(60_000);

const tmp = tempDir("run-plan");
const flowFile = join(tmp.dir, "flow.ts");
const db = join(tmp.dir, "weft.db");
let server: HistoryServer;
let ids: { replayable: string; map: string; memory: string; gone: string };

const FLOW = `export function base(n: number): number {
  return n + 1;
}

export function doubled(base: number): number {
  return base * 2;
}

export const total = (doubled: number, base: number) => doubled + base;
`;

const RUN = `import { Builder } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
import * as flow from "./flow.ts";
const path = process.argv[2]!;
const ids: string[] = [];
const hook = { beforeGraph: (e: { runId: string }) => void ids.push(e.runId) };
{
  await using dr = await new Builder().withModules(flow).withCache({ path }).withTracking().withHooks(hook).build();
  await dr.execute(["total"], { inputs: { n: 2 } });
  await dr.execute(["base"], { inputs: { n: new Map([[1, 2]]) as unknown as number } });
  await dr.execute(["base"], { inputs: { n: 5 } });
}
{
  await using dr = await new Builder().withModules(flow).withCache({ memory: true }).withTracking({ path }).withHooks(hook).build();
  await dr.execute(["total"], { inputs: { n: 2 } });
}
console.log(JSON.stringify(ids));
`;

type PlanAnswer = { runId: string; plan?: { nodes: { node: string; status: string; reason?: string }[]; estimate: { message: string } }; problem?: string };
const planOf = async (id: string): Promise<PlanAnswer> => (await fetch(`${server.url}api/runs/${id}/plan`)).json() as Promise<PlanAnswer>;
const statuses = (a: PlanAnswer) => a.plan!.nodes.map((n) => `${n.node}:${n.status}${n.reason ? ` (${n.reason})` : ""}`);

beforeAll(async () => {
  writeFileSync(flowFile, FLOW);
  writeFileSync(join(tmp.dir, "run.ts"), RUN);
  const run = Bun.spawnSync([process.execPath, "run.ts", db], { cwd: tmp.dir, stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`run.ts failed: ${run.stderr.toString()}`);
  const [replayable, map, gone, memory] = JSON.parse(run.stdout.toString()) as string[];
  ids = { replayable: replayable!, map: map!, gone: gone!, memory: memory! };
  server = await startHistoryServer({ path: db, port: 0 });
});
afterAll(async () => {
  await server?.close();
  tmp.remove();
});

describe("GET /api/runs/:id/plan", () => {
  test("GET /api/runs/:id/plan of an unchanged flow: every node a hit, with an estimate from the history", async () => {
    const answer = await planOf(ids.replayable);
    expect(statuses(answer)).toEqual(["base:hit", "doubled:hit", "total:hit"]);
    expect(answer.plan!.estimate.message).toBe("nothing to compute");
  });

  test("GET /api/runs/:id/plan after an edit: the edited node misses with the changed line, what reads it is pending, the rest hits", async () => {
    writeFileSync(flowFile, FLOW.replace("return base * 2;", "return base * 3;"));
    try {
      const answer = await planOf(ids.replayable);
      expect(statuses(answer)).toEqual(["base:hit", 'doubled:miss (code of "doubled" changed (flow.ts:5))', expect.stringMatching(/^total:pending/)]);
      expect(answer.plan!.estimate.message).toMatch(/^about .+ \(2 nodes may compute\)$/);
    } finally {
      writeFileSync(flowFile, FLOW);
    }
  });

  test("GET /api/runs/:id/plan of a run whose input was a Map: not replayable, and why", async () => {
    expect((await planOf(ids.map)).problem).toBe('Cannot plan this run: its request is not replayable: input "n" is a Map, which JSON cannot hold exactly');
  });

  test("GET /api/runs/:id/plan of a run of a memory-cached driver says its cache is gone", async () => {
    expect((await planOf(ids.memory)).problem).toBe("Cannot plan this run: its driver cached in memory (withCache({ memory: true })), a cache that ended with its process");
  });

  test("GET /api/runs/:id/plan of a flow with a syntax error names the file and line", async () => {
    writeFileSync(flowFile, FLOW.replace("return base * 2;", "return base * (2;"));
    try {
      expect((await planOf(ids.replayable)).problem).toStartWith("Cannot plan this run: flow.ts:6:");
    } finally {
      writeFileSync(flowFile, FLOW);
    }
  });

  test("GET /api/runs/:id/plan of a run whose output is no longer in the flow says so", async () => {
    writeFileSync(flowFile, FLOW.replace("export function base(", "export function basis(").replace("(doubled: number, base: number)", "(doubled: number, basis: number)").replace("doubled(base: number)", "doubled(basis: number)").replace("return base * 2", "return basis * 2"));
    try {
      expect((await planOf(ids.gone)).problem).toBe('Cannot plan this run: "base" is no longer a node or input of the flow; did you mean "basis"?');
    } finally {
      writeFileSync(flowFile, FLOW);
    }
  });

  test("GET /runs/:id/plan answers the panel as an HTML fragment, and says so when the flow file is gone", async () => {
    const html = await (await fetch(`${server.url}runs/${ids.replayable}/plan`)).text();
    expect(html).toContain('<table class="nodes plan-table" id="plan-table">');
    expect(html).toContain('<tr data-node="doubled" data-status="hit">');
    expect(html).toContain("3 hit; nothing to compute");
    const page = await (await fetch(`${server.url}runs/${ids.replayable}`)).text();
    expect(page).toContain(`data-plan-src="/runs/${ids.replayable}/plan"`);
    rmSync(flowFile);
    try {
      const gone = await fetch(`${server.url}runs/${ids.replayable}/plan`);
      expect(gone.status).toBe(200);
      expect(await gone.text()).toContain(`Cannot plan this run: its module &quot;module 1&quot; was read from ${flowFile}, which is no longer there`);
    } finally {
      writeFileSync(flowFile, FLOW);
    }
  });

  test("GET /api/runs/:id/plan sees an edit of a module the flow imports: each plan has a worker of its own", async () => {
    const more = join(tmp.dir, "more.ts");
    writeFileSync(more, "export function b(x: number): number {\n  return x + 1;\n}\n");
    writeFileSync(join(tmp.dir, "reexports.ts"), 'export * from "./more.ts";\n');
    const url = pathToFileURL(join(tmp.dir, "reexports.ts")).href;
    let id = "";
    {
      await using dr = await new Builder().withModules({ name: "reexports", exports: await import(url), url }).withCache({ path: db }).withTracking()
        .withHooks({ beforeGraph: (e) => void (id = e.runId) }).build();
      await dr.execute(["b"], { inputs: { x: 1 } });
    }
    expect(statuses(await planOf(id))).toEqual(["b:hit"]);
    writeFileSync(more, "export function bb(x: number): number {\n  return x + 1;\n}\n");
    expect((await planOf(id)).problem).toBe('Cannot plan this run: "b" is no longer a node or input of the flow; did you mean "bb"?');
  });

  test("replayableRequest() never plans a module that is not a file on this machine", () => {
    const run = { request: { modules: [{ name: "flow", url: "https://example.com/flow.ts" }], cache: { kind: "file" }, values: { inputs: {}, overrides: {}, config: {} } } };
    expect(replayableRequest(run as unknown as RunDetail)).toEqual({ problem: 'Cannot plan this run: its module "flow" is not a file on this machine (https://example.com/flow.ts)' });
  });

  test("GET /api/runs/:id/plan replays inputs and config named __proto__ and constructor as names like any other", async () => {
    const file = join(tmp.dir, "names.ts");
    writeFileSync(file, "export function total(constructor: number, __proto__: number): number {\n  return constructor + __proto__;\n}\n");
    const url = pathToFileURL(file).href;
    let id = "";
    {
      const inputs = JSON.parse('{"__proto__": 2}') as Record<string, number>;
      await using dr = await new Builder().withModules({ name: "names", exports: await import(url), url }).withConfig({ constructor: 1 }).withCache({ path: db })
        .withTracking().withHooks({ beforeGraph: (e) => void (id = e.runId) }).build();
      expect((await dr.execute(["total"], { inputs })).total).toBe(3);
    }
    expect(statuses(await planOf(id))).toEqual(["total:hit"]);
  });

  test("GET /api/runs/:id/plan of a run without a cache: every node computed again, as a re-run of it would", async () => {
    const url = pathToFileURL(flowFile).href;
    let id = "";
    {
      await using dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withTracking({ path: db })
        .withHooks({ beforeGraph: (e) => void (id = e.runId) }).build();
      await dr.execute(["doubled"], { inputs: { n: 2 } });
    }
    const answer = await planOf(id);
    expect(statuses(answer)).toEqual(["base:uncacheable (the driver has no cache (withCache() was not called))", "doubled:uncacheable (the driver has no cache (withCache() was not called))"]);
    expect(answer.plan!.estimate.message).toMatch(/^about .+ \(2 nodes may compute\)$/);
  });
});
