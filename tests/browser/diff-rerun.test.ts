/**
 * The diff page and re-runs in a real headless Chromium (issue 15): runs recorded by `weft run` before and after
 * an edit of the flow, in processes of their own; a real server with `allowRun` and one without, on free
 * loopback ports. The diff page shows the frontier; the "re-run from here" button is there only with allowRun
 * and a browser that opened the token's URL, and clicking it lands on the new run's page.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";
import { launchChromium } from "./_chromium.ts";

// Recorded runs and the re-run are processes that load weft; Chromium on a loaded 2-core machine: seconds each.
setDefaultTimeout(120_000);

const tmp = tempDir("browser-diff");
const db = join(tmp.dir, "weft.db");
let allowed: HistoryServer;
let readOnly: HistoryServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;
const ids = { a: "", b: "" };

const FLOW = [
  "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
  "export const doubled = (raw: number[]) => raw.map((x) => x * 2);",
  "export const report = (doubled: number[]) => ({ total: doubled.reduce((a, b) => a + b, 0), count: doubled.length });",
  "",
].join("\n");

async function runFlow(): Promise<string> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../cli/weft.ts"), "run", "flow.ts", "-o", "report", "-i", "n=3", "--cache", "--db", db], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe" });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  expect({ code, stderr }).toMatchObject({ code: 0 });
  return /run ([0-9a-f-]{36}) succeeded/.exec(stderr)![1]!;
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "flow.ts"), FLOW);
  ids.a = await runFlow();
  writeFileSync(join(tmp.dir, "flow.ts"), FLOW.replace("x * 2", "x * 5"));
  ids.b = await runFlow();
  allowed = await startHistoryServer({ path: db, port: 0, allowRun: true });
  readOnly = await startHistoryServer({ path: db, port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await allowed?.close();
  await readOnly?.close();
  tmp.remove();
});

describe("diff and re-run in Chromium", () => {
  test("the run page's compare link opens the diff, which shows the edited node as the frontier", async () => {
    const page = await browser.context.newPage();
    await page.goto(new URL(`/runs/${ids.b}`, readOnly.url).href);
    await page.click("#compare-previous");
    await page.waitForSelector("#diff");
    expect(new URL(page.url()).search).toBe(`?a=${ids.a}&b=${ids.b}`);
    expect(await page.locator('#outputs ul.frontier li[data-cause="code changed"]').allTextContents()).toEqual(['doubled: code changed: code of "doubled" changed (flow.ts:2)']);
    expect(await page.locator("#outputs table.paths tbody tr").allTextContents()).toEqual([".total615"]);
    await page.close();
  });

  test("the re-run button is there only with allowRun and the token, and leads to the new run", async () => {
    const page = await browser.context.newPage();
    await page.goto(new URL(`/runs/${ids.b}`, readOnly.url).href);
    await page.locator("#nodes a.node-link", { hasText: "doubled" }).click();
    await page.waitForSelector("#node-panel[data-node=doubled]");
    expect(await page.locator("button.rerun-button").count()).toBe(0);

    // With allowRun but without the token: the note, no button.
    await page.goto(new URL(`/runs/${ids.b}`, allowed.url).href);
    expect(await page.locator(".rerun-locked").isVisible()).toBe(true);
    expect(await page.locator("button.rerun-button").isVisible()).toBe(false);

    // The URL weft ui --allow-run prints: the script keeps the token (this origin's localStorage) and takes it out
    // of the address bar.
    await page.goto(new URL(`/?token=${allowed.token}`, allowed.url).href);
    await page.waitForFunction(() => location.search === "");
    expect(await page.evaluate(() => localStorage.getItem("weft-run-token"))).toBe(allowed.token!);
    await page.goto(new URL(`/runs/${ids.b}`, allowed.url).href);
    await page.locator("#nodes a.node-link", { hasText: "doubled" }).click();
    await page.waitForSelector("#node-panel[data-node=doubled] button.rerun-button", { state: "visible" });
    expect(await page.locator(".rerun-locked").first().isVisible()).toBe(false);
    await Promise.all([page.waitForURL((u) => /^\/runs\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(ids.b)), page.click("#node-panel button.rerun-button")]);
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    expect([ids.a, ids.b]).not.toContain(id);
    expect(await page.locator("#run").getAttribute("data-run")).toBe(id);
    await page.close();
  });

  test("a node panel links to the node across runs: its page draws a sparkline of its computed durations", async () => {
    const page = await browser.context.newPage();
    await page.goto(new URL(`/runs/${ids.b}`, readOnly.url).href);
    await page.locator("#nodes a.node-link", { hasText: "doubled" }).click();
    await page.waitForSelector("#node-panel[data-node=doubled]");
    await Promise.all([page.waitForURL((u) => u.pathname === "/nodes/doubled"), page.click('#node-panel a[href="/nodes/doubled"]')]);
    expect(await page.locator("#node-stats").getAttribute("data-node")).toBe("doubled");
    // Both recorded runs computed "doubled" (the second after the edit), and so did the re-run of the test above:
    // a point per computed execution, drawn.
    const points = (await page.locator("#node-stats svg.spark polyline").getAttribute("points"))!.trim().split(/\s+/);
    const facts = (await page.locator("#node-stats dl.facts").textContent())!;
    const computed = Number(/(\d+) computed/.exec(facts)![1]);
    expect(computed).toBeGreaterThanOrEqual(2);
    expect(points).toHaveLength(computed);
    const box = await page.locator("#node-stats svg.spark").boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    // The nodes page lists every node, each a link to its page.
    await page.goto(new URL("/nodes", readOnly.url).href);
    expect((await page.locator("table.stats tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-node")))).sort()).toEqual(["doubled", "raw", "report"]);
    await page.close();
  });
});
