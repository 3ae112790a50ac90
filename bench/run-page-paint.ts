/**
 * First paint of a run page for a 200-node DAG (issue 15), in headless Chromium (Debian's chromium, as the
 * browser tests drive it): the page as the server sends it while the DAG is drawn off the request thread
 * (a placeholder, the drawing fetched after), the time until the drawing is in the page, and the same page from a
 * server started again, which finds the drawing stored with the graph. The baseline is what the page waited for
 * before drawing moved off the request thread: Graphviz laying out the same DAG, timed in this process.
 *
 *   npx bun bench/run-page-paint.ts [rounds]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, node } from "../mod.ts";
import { openSqliteRunStore } from "../history/open-sqlite-run-store.ts";
import { bunCacheDrivers } from "../runtime/bun/mod.ts";
import { layoutDot, parseView } from "../server/dag.ts";
import { drawSvgOf } from "../server/draw-task.ts";
import { startHistoryServer } from "../server/start-server.ts";
import { launchChromium } from "../tests/browser/_chromium.ts";
import { spread } from "./_measure.ts";

const N = 200;
const rounds = Number(process.argv[2] ?? 3);

/** A layered DAG of `N` nodes (each reads the one before and the one at half its index), recorded into `path`. */
async function record(path: string): Promise<string> {
  const mod: Record<string, unknown> = { step0: node((seed: number) => seed, { deps: ["seed"] }) };
  for (let i = 1; i < N; i++) mod[`step${i}`] = node((...xs: number[]) => xs.length, { deps: [...new Set([`step${i - 1}`, `step${Math.floor(i / 2)}`])] });
  let id = "";
  await using dr = await new Builder().withModules(mod as never).withTracking({ path }).withHooks({ beforeGraph: (e: { runId: string }) => void (id = e.runId) }).build();
  await dr.execute([`step${N - 1}`] as never, { inputs: { seed: 1 } } as never);
  return id;
}

const browser = await launchChromium();
const rows = { graphviz: [] as number[], coldPaint: [] as number[], coldDag: [] as number[], storedPaint: [] as number[], storedDag: [] as number[] };
try {
  for (let r = 0; r < rounds; r++) {
    const dir = mkdtempSync(join(tmpdir(), "weft-bench-paint-"));
    try {
      const path = join(dir, "weft.db");
      const id = await record(path);
      const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
      if (opened.status !== "open") throw new Error(opened.reason);
      const view = parseView(opened.store.getRun(id)!.graph);
      opened.store.close();
      let t = performance.now();
      const drawn = await drawSvgOf(layoutDot(view));
      if (!("svg" in drawn)) throw new Error("@viz-js/viz is needed");
      rows.graphviz.push(performance.now() - t);
      for (const which of ["cold", "stored"] as const) {
        const server = await startHistoryServer({ path, port: 0 });
        const page = await browser.context.newPage();
        t = performance.now();
        await page.goto(new URL(`/runs/${id}`, server.url).href);
        await page.waitForSelector(".dag svg", { timeout: 120_000 });
        const dagMs = performance.now() - t;
        const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN);
        rows[`${which}Paint`].push(paint);
        rows[`${which}Dag`].push(dagMs);
        await page.close();
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}
console.log(`run page of a ${N}-node DAG, ${rounds} rounds, median (min–max) ms:`);
console.log(`| what | ms |\n|---|---|`);
console.log(`| Graphviz layout of the DAG (what the page waited for before drawing moved off the request thread) | ${spread(rows.graphviz, 0)} |`);
console.log(`| first contentful paint, drawing not made yet (placeholder) | ${spread(rows.coldPaint, 0)} |`);
console.log(`| until the drawing is in the page, not made yet | ${spread(rows.coldDag, 0)} |`);
console.log(`| first contentful paint, a server started again (drawing stored with the graph) | ${spread(rows.storedPaint, 0)} |`);
console.log(`| until the drawing is in the page, stored | ${spread(rows.storedDag, 0)} |`);
