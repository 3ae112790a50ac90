/**
 * Drawing the run page's DAG off the request path (issue 15): a layout per
 * graph, made once, on a worker thread; the page answers at once with a
 * placeholder; other requests never wait for a drawing; failures are notes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Builder, node } from "../../mod.ts";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { RunHistory } from "../../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { BunWorkerFactory } from "../../runtime/bun/worker-factory.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { colourSvg, layoutDot, parseView } from "../../server/dag.ts";
import { DagDrawings } from "../../server/dag-drawings.ts";
import { drawSvgOf, type DrawOutcome } from "../../server/draw-task.ts";
import { startHistoryServer } from "../../server/start-server.ts";
import { DRAW_TASK, TaskWorker } from "../../server/task-worker.ts";
import { tempDir } from "../cache/_helpers.ts";
import { recordRuns, type RecordedRuns, XSS, openHistory } from "./_history.ts";

/** Requests as a browser sends them: with a Host header (app.request() alone sends none, which the app answers with 400). */
const HOST = { headers: { host: "localhost" } };

const tmp = tempDir("dag-drawing");
let runs: RecordedRuns;
let history: RunHistory;

beforeAll(async () => {
  runs = await recordRuns(tmp.dir);
  history = openHistory(runs.path);
});
afterAll(() => {
  history.close();
  tmp.remove();
});

/** A drawing function that answers only when told to, counting its calls. */
function gatedDraw() {
  const calls: string[] = [];
  const gates: { resolve: (o: DrawOutcome) => void; reject: (e: Error) => void }[] = [];
  const draw = (dot: string) => {
    calls.push(dot);
    return new Promise<DrawOutcome>((resolve, reject) => gates.push({ resolve, reject }));
  };
  return { draw, calls, gates };
}

/** A layered DAG of `n` nodes, recorded with tracking into `path`; returns the run id. */
async function recordLargeRun(path: string, n: number): Promise<string> {
  const mod: Record<string, unknown> = { step0: node((seed: number) => seed, { deps: ["seed"] }) };
  for (let i = 1; i < n; i++) mod[`step${i}`] = node((...xs: number[]) => xs.length, { deps: [...new Set([`step${i - 1}`, `step${Math.floor(i / 2)}`])] });
  let id = "";
  await using dr = await new Builder().withModules(mod as never).withTracking({ path }).withHooks({ beforeGraph: (e: { runId: string }) => void (id = e.runId) }).build();
  await dr.execute([`step${n - 1}`] as never, { inputs: { seed: 1 } } as never);
  return id;
}

describe("colourSvg()", () => {
  test("colourSvg() gives each node of a layout its classes in this run", async () => {
    const run = history.getRun(runs.partial)!;
    const view = parseView(run.graph);
    const layout = await drawSvgOf(layoutDot(view));
    if (!("svg" in layout)) throw new Error("@viz-js/viz is needed for this test");
    expect(layout.svg).not.toMatch(/class="node[^"]*s&#45;/);
    const { runModel } = await import("../../server/run-model.ts");
    const svg = colourSvg(layout.svg, view, runModel(run, history.nodesOf(run.id), Date.now()).rows);
    expect(svg).toMatch(/class="node wn s&#45;succeeded c&#45;hit">\s*<title>rates<\/title>/);
    expect(svg).toMatch(/class="node wn s&#45;given">\s*<title>day<\/title>/);
    expect(svg).not.toContain("wn&#45;");
  });
});

describe("DagDrawings", () => {
  test("DagDrawings draws a graph once, whichever of its runs asks", async () => {
    const { draw, calls, gates } = gatedDraw();
    const drawings = new DagDrawings(draw);
    const [cold, warm] = [history.getRun(runs.cold)!, history.getRun(runs.warm)!];
    expect(cold.graph).toBe(warm.graph);
    expect((await drawings.current(cold.graph, [])).pending).toBe(true);
    expect((await drawings.current(warm.graph, [])).pending).toBe(true);
    expect(calls.length).toBe(1);
    gates[0]!.resolve(await drawSvgOf(calls[0]!));
    const drawn = await drawings.settled(warm.graph, [], 1_000);
    expect(drawn.svg).toContain("<svg");
    expect(calls.length).toBe(1);
  });

  test("DagDrawings says a missing @viz-js/viz in the note, and asks again next time", async () => {
    let calls = 0;
    const drawings = new DagDrawings(async () => (calls++, { missing: "@viz-js/viz", install: ["@viz-js/viz"] }));
    const graph = history.getRun(runs.cold)!.graph;
    const dag = await drawings.settled(graph, [], 1_000);
    expect(dag).toEqual({ svg: "", note: 'No drawing: "@viz-js/viz" is not installed; run "npm install @viz-js/viz" to draw the DAG here' });
    await drawings.settled(graph, [], 1_000);
    expect(calls).toBe(2);
  });

  test("DagDrawings refuses a drawing with active content", async () => {
    const drawings = new DagDrawings(async () => ({ svg: '<svg><g onclick="alert(1)"></g></svg>' }));
    const dag = await drawings.settled(history.getRun(runs.cold)!.graph, [], 1_000);
    expect(dag).toEqual({ svg: "", note: 'Cannot draw the DAG: Cannot show the graph: the drawing holds active content (attribute "onclick" on <g>)', failed: true });
  });
});

describe("drawings kept with the graphs", () => {
  test("a drawing is stored with its graph: a new server (a new DagDrawings on the same file) draws nothing", async () => {
    const { dir, remove } = tempDir("dag-stored");
    try {
      const path = join(dir, "weft.db");
      const id = await recordLargeRun(path, 12);
      const open = () => {
        const o = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
        if (o.status !== "open") throw new Error(o.reason);
        return o.store;
      };
      let draws = 0;
      const counted = (dot: string) => (draws++, drawSvgOf(dot));
      const first = open();
      const graph = first.getRun(id)!.graph;
      const drawn = await new DagDrawings(counted, first).settled(graph, [], 30_000);
      expect(drawn.svg).toContain("<svg");
      first.close();
      const second = open();
      const again = await new DagDrawings(counted, second).current(graph, []);
      expect(again.svg).toBe(drawn.svg);
      expect(draws).toBe(1);
      // A stored drawing is checked again when read: one edited to hold a script is drawn anew, not shown.
      const db = bunCacheDrivers.openSqlite(path);
      db.prepare("UPDATE run_graphs SET drawing = ?").run('<svg><script>alert(1)</script></svg>');
      db.close();
      const third = await new DagDrawings(counted, second).settled(graph, [], 30_000);
      expect(third.svg).not.toContain("<script");
      expect(third.svg).toContain("<svg");
      expect(draws).toBe(2);
      // A drawing made by another version of weft is drawn again.
      second.saveDrawing((await crypto.subtle.digest("SHA-256", new TextEncoder().encode(graph)).then((d) => Buffer.from(d).toString("hex"))), "<svg>old</svg>", "weft 0.0.1, layout 1");
      await new DagDrawings(counted, second).settled(graph, [], 30_000);
      expect(draws).toBe(3);
      second.close();
    } finally {
      remove();
    }
  }, 90_000);
});

describe("the run page while its DAG is drawn", () => {
  test("GET /runs/:id answers at once with a placeholder, and /api/runs answers while the drawing is pending", async () => {
    const { draw, calls, gates } = gatedDraw();
    const { app, close } = createHistoryApp({ history, draw });
    try {
      const page = await (await app.request(`/runs/${runs.cold}`, HOST)).text();
      expect(page).toContain(`data-dag-src="/runs/${runs.cold}/dag"`);
      expect(page).toContain("Drawing the DAG");
      expect(page).not.toContain("<svg id=");
      // The drawing is started and not done: every other request is still answered.
      expect([calls.length, gates.length]).toEqual([1, 1]);
      const listed = await app.request("/api/runs", HOST);
      expect(listed.status).toBe(200);
      expect((await listed.json()).total).toBe(5);
      expect((await app.request(`/api/runs/${runs.cold}/nodes`, HOST)).status).toBe(200);
      expect(calls.length).toBe(1);
      const waiting = app.request(`/runs/${runs.cold}/dag`, HOST);
      gates[0]!.resolve(await drawSvgOf(calls[0]!));
      const fragment = await waiting;
      expect(fragment.status).toBe(200);
      expect(await fragment.text()).toMatch(/^<svg/);
      // Drawn: the page has it inline, coloured for its own run; the graph was drawn once.
      expect(await (await app.request(`/runs/${runs.warm}`, HOST)).text()).toMatch(/class="node wn s&#45;succeeded c&#45;hit">\s*<title>orders<\/title>/);
      expect(calls.length).toBe(1);
    } finally {
      close();
    }
  });

  test("GET /runs/:id/dag answers 202 while the drawing is still being made", async () => {
    const { draw } = gatedDraw();
    const drawings = new DagDrawings(draw);
    const dag = await drawings.settled(history.getRun(runs.cold)!.graph, [], 10);
    expect(dag).toEqual({ svg: "", note: expect.stringContaining("Drawing the DAG"), pending: true });
  });

  test("a drawing that fails is an error note, on the drawing endpoint and then on the page", async () => {
    const { draw, gates } = gatedDraw();
    // A graph of its own: the file's other graphs have stored drawings by now (drawn by the tests above).
    const id = await recordLargeRun(runs.path, 7);
    const { app, close } = createHistoryApp({ history, draw });
    try {
      await app.request(`/runs/${id}`, HOST);
      gates[0]!.reject(new Error("the worker running node \"drawSvg\" died"));
      const res = await app.request(`/runs/${id}/dag`, HOST);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('<p class="note error-message">Cannot draw the DAG: the worker running node &quot;drawSvg&quot; died</p>');
      const page = await (await app.request(`/runs/${id}`, HOST)).text();
      expect(page).toContain("Cannot draw the DAG");
      expect(page).not.toContain("data-dag-src");
    } finally {
      close();
    }
  });

  test("the drawing endpoint escapes hostile node names as the page did", async () => {
    const { app, close } = createHistoryApp({ history });
    try {
      const svg = await (await app.request(`/runs/${runs.xss}/dag`, HOST)).text();
      expect(svg).toStartWith("<svg");
      expect(svg).not.toContain("<script>alert");
      expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    } finally {
      close();
    }
  });
});

describe("TaskWorker", () => {
  const workers = new BunWorkerFactory();
  const fixture = new URL("../fixtures/draw-tasks.ts", import.meta.url).href;

  test("TaskWorker draws on a worker thread", async () => {
    const drawer = new TaskWorker(workers, DRAW_TASK);
    try {
      const outcome = (await drawer.run('digraph { "a" -> "b" }')) as DrawOutcome;
      expect("svg" in outcome && outcome.svg).toStartWith("<svg");
    } finally {
      await drawer.close();
    }
  }, 30_000);

  test("TaskWorker rejects with the cause when the drawing throws or the worker dies", async () => {
    const failing = new TaskWorker(workers, { moduleUrl: fixture, exportName: "failing", what: "drawing" });
    const crashing = new TaskWorker(workers, { moduleUrl: fixture, exportName: "crashing", what: "drawing" });
    try {
      await expect(failing.run("digraph {}")).rejects.toThrow("Graphviz ran out of memory");
      await expect(crashing.run("digraph {}")).rejects.toThrow("The drawing worker died: the worker exited with code 3");
      // The dead worker was replaced: the next drawing still gets an answer.
      await expect(crashing.run("digraph {}")).rejects.toThrow(/died/);
    } finally {
      await failing.close();
      await crashing.close();
    }
  }, 30_000);

  test("TaskWorker stops a drawing that takes longer than its limit", async () => {
    const drawer = new TaskWorker(workers, { moduleUrl: fixture, exportName: "stuck", what: "drawing" }, { limitMs: 300 });
    try {
      await expect(drawer.run("digraph {}")).rejects.toThrow("the drawing took longer than 0 s and was stopped");
    } finally {
      await drawer.close();
    }
  }, 30_000);

  test("TaskWorker keeps one worker for its tasks, and with fresh gives each task a worker of its own", async () => {
    const task = { moduleUrl: new URL("../fixtures/counting-task.ts", import.meta.url).href, exportName: "counted", what: "count" };
    const shared = new TaskWorker(workers, task);
    const fresh = new TaskWorker(workers, task, { fresh: true });
    try {
      expect([await shared.run("a"), await shared.run("b"), await shared.run("c")]).toEqual([1, 2, 3]);
      expect(await Promise.all([fresh.run("a"), fresh.run("b"), fresh.run("c")])).toEqual([1, 1, 1]);
    } finally {
      await shared.close();
      await fresh.close();
    }
  }, 30_000);

  test("TaskWorker.close() fails the drawing in the making and refuses new ones", async () => {
    const drawer = new TaskWorker(workers, { moduleUrl: fixture, exportName: "stuck", what: "drawing" });
    const pending = drawer.run("digraph {}");
    await Bun.sleep(50);
    await drawer.close();
    await expect(pending).rejects.toThrow("The drawing worker was stopped: the server is closing");
    await expect(drawer.run("digraph {}")).rejects.toThrow("The drawing worker was stopped");
  }, 30_000);
});

describe("startHistoryServer() drawing", () => {
  test("startHistoryServer() answers /api/runs while a large DAG is drawn on its worker", async () => {
    const path = join(tmp.dir, "large.db");
    const id = await recordLargeRun(path, 60);
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const page = await (await fetch(`${server.url}runs/${id}`)).text();
      expect(page).toContain(`data-dag-src="/runs/${id}/dag"`);
      let drawn = false;
      const drawing = fetch(`${server.url}runs/${id}/dag`).then(async (r) => {
        drawn = true;
        return { status: r.status, body: await r.text() };
      });
      // Counted, not timed: five answers of the runs list while the layout of 60 nodes is still being made.
      let answered = 0;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}api/runs`);
        if (res.status === 200 && (await res.json()).total === 1 && !drawn) answered++;
      }
      expect(answered).toBe(5);
      let result = await drawing;
      while (result.status === 202) result = await (await fetch(`${server.url}runs/${id}/dag`).then(async (r) => ({ status: r.status, body: await r.text() })));
      expect(result.status).toBe(200);
      expect(result.body).toStartWith("<svg");
      expect(result.body.match(/class="node wn s&#45;succeeded"/g)?.length).toBe(60);
    } finally {
      await server.close();
    }
  }, 120_000);
});
