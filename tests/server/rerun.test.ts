/**
 * Re-run from a node in the web view (issue 15), only with `allowRun` (`weft ui --allow-run`): a real server on
 * a loopback port over a run recorded by `weft run` in a process of its own; the re-run is a real `weft rerun`
 * child process started by the server, and its run is read back from the history.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";

// The re-run is a process that loads weft and the flow: seconds on a loaded 2-core machine.
setDefaultTimeout(120_000);

const tmp = tempDir("rerun-web");
const db = join(tmp.dir, "weft.db");
let open: HistoryServer;
let shut: HistoryServer;
let recorded = "";
let gone = "";

const FLOW = [
  "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
  "export const doubled = (raw: number[]) => raw.map((x) => x * 2);",
  "export const report = (doubled: number[]) => ({ total: doubled.reduce((a, b) => a + b, 0), count: doubled.length });",
  "",
].join("\n");

const origin = (s: HistoryServer) => s.url.replace(/\/$/, "");
const post = (s: HistoryServer, path: string, form: Record<string, string>, headers: Record<string, string> = { origin: origin(s) }) =>
  fetch(new URL(path, s.url), { method: "POST", body: new URLSearchParams(form), headers, redirect: "manual" });

type Node = { node: string; status: string; cache?: { status: string } };
async function settled(s: HistoryServer, id: string): Promise<{ status: string; nodes: Node[] }> {
  // Polls the history until the re-run's process has finished its run (generous: a loaded machine).
  for (let i = 0; i < 1200; i++) {
    const res = await fetch(new URL(`/api/runs/${id}`, s.url));
    if (res.status === 200) {
      const run = await res.json();
      if (run.status !== "running") return { status: run.status, nodes: (await (await fetch(new URL(`/api/runs/${id}/nodes`, s.url))).json()).nodes };
    }
    await Bun.sleep(100);
  }
  throw new Error(`run ${id} did not end`);
}

beforeAll(async () => {
  const record = async (file: string) => {
    writeFileSync(join(tmp.dir, file), FLOW);
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../cli/weft.ts"), "run", file, "-o", "report", "-i", "n=3", "--cache", "--db", db], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe" });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    return /run ([0-9a-f-]{36}) succeeded/.exec(stderr)![1]!;
  };
  gone = await record("gone.ts");
  rmSync(join(tmp.dir, "gone.ts"));
  recorded = await record("flow.ts");
  open = await startHistoryServer({ path: db, port: 0, allowRun: true });
  shut = await startHistoryServer({ path: db, port: 0 });
});
afterAll(async () => {
  await open?.close();
  await shut?.close();
  tmp.remove();
});

describe("re-run with allowRun", () => {
  test("a POST without the token is 403, and says why", async () => {
    const res = await post(open, `/runs/${recorded}/rerun`, { from: "doubled" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Cannot re-run: the session token is missing or wrong; open the URL that weft ui --allow-run printed, and re-run from its pages");
  });

  test("a POST with the token from another Origin, or none, is 403", async () => {
    const other = await post(open, `/runs/${recorded}/rerun`, { from: "doubled", token: open.token! }, { origin: "http://evil.example" });
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("Cannot re-run: the request comes from &quot;http://evil.example&quot;, not from this server&#39;s own pages");
    const none = await post(open, `/runs/${recorded}/rerun`, { from: "doubled" }, { "x-weft-token": open.token! });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain("Cannot re-run: the request has no Origin header");
  });

  test("an unknown node or a bad input line is 400 with words; an unknown run 404", async () => {
    const node = await post(open, `/runs/${recorded}/rerun`, { from: "nope", token: open.token! });
    expect(node.status).toBe(400);
    expect(await node.text()).toContain(`Cannot re-run from &quot;nope&quot;: run &quot;${recorded}&quot; has no node of that name`);
    const input = await post(open, `/runs/${recorded}/rerun`, { from: "doubled", inputs: "n", token: open.token! });
    expect(input.status).toBe(400);
    expect(await input.text()).toContain("Input values are &quot;name=value&quot;, one a line; got &quot;n&quot;");
    expect((await post(open, "/runs/nope/rerun", { token: open.token! })).status).toBe(404);
  });

  test("the right token from the server's own page starts a rerun in another process and redirects to its run, computed from the node", async () => {
    const res = await post(open, `/runs/${recorded}/rerun`, { from: "doubled", token: open.token! });
    expect(res.status).toBe(303);
    const id = /^\/runs\/([0-9a-f-]{36})$/.exec(res.headers.get("location") ?? "")?.[1];
    expect(id).toBeDefined();
    expect(id).not.toBe(recorded);
    const run = await settled(open, id!);
    expect(run.status).toBe("succeeded");
    const cache = Object.fromEntries(run.nodes.map((n) => [n.node, n.cache?.status]));
    expect(cache).toEqual({ raw: "hit", doubled: "miss", report: "miss" });
  });

  test("a re-run whose child ends before its run starts is a page with the CLI's words", async () => {
    const res = await post(open, `/runs/${gone}/rerun`, { from: "doubled", token: open.token! });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("The re-run did not start");
    expect(html).toContain(`Cannot rerun run ${gone}: its module &quot;gone&quot;`);
    expect(html).toContain("does not load");
  });

  test("input values replace the recorded ones", async () => {
    const res = await post(open, `/runs/${recorded}/rerun`, { from: "report", inputs: "n=4\n", token: open.token! });
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").at(-1)!;
    expect((await settled(open, id)).status).toBe("succeeded");
    expect((await (await fetch(new URL(`/api/runs/${id}`, open.url))).json()).inputs).toEqual({ n: "4" });
  });

  test("pages carry the re-run form and the note for a browser without the token, never the token itself", async () => {
    const page = await (await fetch(new URL(`/runs/${recorded}/nodes/doubled`, open.url))).text();
    expect(page).toContain(`<form class="rerun" method="post" action="/runs/${recorded}/rerun" data-from="doubled"><input type="hidden" name="token" value=""/><input type="hidden" name="from" value="doubled"/>`);
    expect(page).toContain("Re-runs are allowed on this server: open the URL with the token that weft ui --allow-run printed, once, in this browser.");
    const withToken = await (await fetch(new URL(`/runs/${recorded}?token=${open.token}`, open.url))).text();
    expect(withToken).not.toContain(open.token!);
    expect(withToken).toContain(`<form class="rerun" method="post" action="/runs/${recorded}/rerun">`);
  });
});

describe("re-run without allowRun", () => {
  test("there is no POST route (405) and no re-run form", async () => {
    expect(shut.token).toBeUndefined();
    const res = await post(shut, `/runs/${recorded}/rerun`, { from: "doubled" });
    expect(res.status).toBe(405);
    const page = await (await fetch(new URL(`/runs/${recorded}/nodes/doubled`, shut.url))).text();
    expect(page).not.toContain("rerun");
    expect(page).not.toContain("Re-runs are allowed");
    expect(await (await fetch(new URL(`/runs/${recorded}`, shut.url))).text()).not.toContain('class="rerun"');
  });
});

describe("startHistoryServer({ allowRun })", () => {
  test("with a history but no path is a TypeError: re-runs need the file they record into", async () => {
    const opened = openSqliteRunStore(db, bunCacheDrivers, { alive: () => true, existing: true });
    if (opened.status !== "open") throw new Error(opened.reason);
    try {
      await expect(startHistoryServer({ history: opened.store, port: 0, allowRun: true })).rejects.toThrow(new TypeError("allowRun needs the database file that re-runs record into: pass path too"));
    } finally {
      opened.store.close();
    }
  });
});
