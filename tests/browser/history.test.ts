/**
 * The run history in a real headless Chromium, against a real server on a
 * free loopback port and a database written by real runs: the runs list, a
 * run's DAG and timeline, a node's panel, escaping, and a run in flight
 * updating live. Saves docs/run-page.png in CI (or with WEFT_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";
import { recordRuns, type RecordedRuns, XSS } from "../server/_history.ts";
import { launchChromium } from "./_chromium.ts";

// Each test drives Chromium, and the first drawing starts the server's drawing worker and loads Graphviz: seconds
// on a loaded 2-core machine, past bun's 5 s default.
setDefaultTimeout(30_000);

const tmp = tempDir("browser");
let runs: RecordedRuns;
let server: HistoryServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const dialogs: string[] = [];
const screenshot = process.env.CI || process.env.WEFT_SCREENSHOTS ? join(import.meta.dir, "../../docs/run-page.png") : join(tmp.dir, "run-page.png");

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(new URL(path, server.url).href);
  return page;
}

beforeAll(async () => {
  runs = await recordRuns(tmp.dir);
  server = await startHistoryServer({ path: runs.path, port: 0, pollMs: 50 });
  browser = await launchChromium();
  context = browser.context;
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  tmp.remove();
});

describe("run history in Chromium", () => {
  test("the runs list links to a run whose page shows the DAG, the timeline and a node's panel", async () => {
    const page = await open("/");
    expect(await page.locator("table.runs tbody tr").count()).toBe(5);
    await page.click(`a[href="/runs/${runs.cold}"]`);
    await page.waitForSelector("#dag svg g.node");
    expect(await page.locator("#dag g.node.s-succeeded").count()).toBe(10);
    expect(await page.locator(".timeline rect.tl-bar:not(.tl-sum)").count()).toBe(12);
    // A map's items are folded under their summary bar until it is clicked.
    const itemShown = () => page.evaluate(() => document.querySelector('.timeline details.tl-group[data-node="regionTotal"] > div.tl-row')!.checkVisibility());
    expect(await itemShown()).toBe(false);
    await page.locator('.timeline details.tl-group[data-node="regionTotal"] > summary').click();
    expect(await page.locator('.timeline details.tl-group[data-node="regionTotal"] > div.tl-row').count()).toBe(3);
    expect(await itemShown()).toBe(true);
    expect(await page.locator("#parallelism").textContent()).toMatch(/^\d\.\d\d× \(node time .* over .* wall\), at most [3-9] at once$/);
    await page.locator("#dag g.node", { hasText: "regionTotal" }).click();
    await page.waitForSelector("#node-panel[data-node=regionTotal]");
    expect(await page.locator("#node-panel").textContent()).toContain("3 executions (map/reduce items).");
    await page.locator("#nodes a.node-link", { hasText: "orders" }).click();
    await page.waitForSelector("#node-panel[data-node=orders]");
    const panel = await page.locator("#node-panel").textContent();
    expect(panel).toContain("miss: no cached result for \"orders\" yet");
    expect(panel).toContain('{ id: 1, region: "eu"');
    await page.close();
  });

  test("a run with cache hits shows them apart, and its node panel says why a node missed", async () => {
    const page = await open(`/runs/${runs.partial}`);
    await page.waitForSelector("#dag svg g.node");
    const hit = await page.locator("#dag g.node.c-hit title").allTextContents();
    // Another day changes the orders, but not the totals: everything from "totals" on is reused.
    expect(hit.sort()).toEqual(["audit", "customers", "rates", "report", "revenue", "totals"]);
    await page.locator("#dag g.node", { hasText: "orders" }).click();
    await page.waitForSelector("#node-panel[data-node=orders]");
    expect(await page.locator("#node-panel").textContent()).toContain('miss: input "day" changed');
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
  });

  test("the run page shows what would run now: its request planned on the server, as a table, after the page", async () => {
    const page = await open(`/runs/${runs.partial}`);
    await page.waitForSelector("#plan #plan-table tbody tr");
    // Every node the run computed is in the cache now, and the flow on disk did not change.
    const rows = await page.locator("#plan-table tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-node"), tr.querySelector(".badge")!.textContent]));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every(([, status]) => status === "hit")).toBe(true);
    expect(await page.locator("#plan-summary").textContent()).toBe(`${rows.length} hit; nothing to compute`);
    expect(await page.locator("#plan-table thead th").allTextContents()).toEqual(["node", "status", "reason", "estimate"]);
    // The hostile run's module was a plain object: no file to plan from, and the panel says so.
    const hostile = await open(`/runs/${runs.xss}`);
    await hostile.waitForSelector("#plan-problem");
    expect(await hostile.locator("#plan-problem").textContent()).toStartWith('Cannot plan this run: its module "module 1" was given without a file');
    await page.close();
    await hostile.close();
  });

  test("the status filter shows only runs of that status", async () => {
    const page = await open("/");
    await page.click('nav.filters a[href="/?status=failed"]');
    await page.waitForURL(/status=failed/);
    const statuses = await page.locator("table.runs tbody .badge").allTextContents();
    expect(statuses).toEqual(["failed", "failed"]);
    await page.close();
  });

  test("HTML in node names, error messages, previews and input values shows as text", async () => {
    const page = await open(`/runs/${runs.xss}`);
    await page.waitForSelector("#dag svg");
    expect(await page.locator("#nodes a.node-link").allTextContents()).toContain(XSS.node);
    expect(await page.locator("details.values code").first().textContent()).toBe(JSON.stringify(XSS.input));
    await page.locator("#nodes a.node-link", { hasText: "boom" }).click();
    await page.waitForSelector("#node-panel[data-node=boom]");
    expect(await page.locator("#node-panel .error-message").textContent()).toBe(`Error: ${XSS.error}`);
    await page.locator("#dag g.node", { hasText: XSS.node }).click();
    await page.waitForSelector("#node-panel pre.preview");
    expect(await page.locator("#node-panel pre.preview").textContent()).toBe(JSON.stringify(`${XSS.preview} ${XSS.input.length}`));
    expect(await page.evaluate(() => [document.scripts.length, document.querySelectorAll("main img, main b").length])).toEqual([1, 0]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  test("a run in flight updates live: nodes turn green as they finish, then the page shows the final run", async () => {
    const path = join(tmp.dir, "live", "weft.db");
    const child = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/history-slow-run.ts"), path, "1500", "3"], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("started");
    reader.releaseLock();
    const live = await startHistoryServer({ path, port: 0, pollMs: 50 });
    try {
      const { runs: [run] } = await (await fetch(`${live.url}api/runs`)).json();
      const page = await context.newPage();
      await page.goto(`${live.url}runs/${run.id}`);
      expect(await page.locator("h1 .badge").textContent()).toBe("running");
      // The page answers before the DAG is drawn (on the server's drawing worker, started by this first view), then shows it.
      await page.waitForSelector("#dag g.node.s-running");
      // step0 finishes at about 1.5 s: its DAG node turns green without a reload.
      await page.waitForSelector("#dag g.node.s-succeeded", { timeout: 10_000 });
      expect(await page.locator("h1 .badge").textContent()).toBe("running");
      // When the run ends the page reloads with the final state.
      await page.waitForSelector("h1 .badge.s-succeeded", { timeout: 10_000 });
      expect(await page.locator("#dag g.node.s-succeeded").count()).toBe(5);
      await page.close();
    } finally {
      await live.close();
      await child.exited;
    }
  }, 40_000);
});
