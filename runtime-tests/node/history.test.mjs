// Run history on Node, from the built files in dist/: a tracked run recorded with better-sqlite3, then the
// web view served by @hono/node-server. Run `npm run build` first.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import { Builder } from "weft";
import { serveHttp } from "../../dist/runtime/node/serve.js";
import { startHistoryServer } from "../../dist/server/start-server.js";

test("withTracking() records a run on Node, and startHistoryServer() serves it with @hono/node-server", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-history-"));
  try {
    const path = join(dir, "weft.db");
    const dr = await new Builder().withModules({ a: (x) => x + 1, b: async (a) => a * 2 }).withTracking({ path }).build();
    assert.equal((await dr.execute(["b"], { inputs: { x: 1 } })).b, 4);
    await dr.close();
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const list = await (await fetch(`${server.url}api/runs`)).json();
      assert.equal(list.total, 1);
      assert.equal(list.runs[0].status, "succeeded");
      const page = await fetch(`${server.url}runs/${list.runs[0].id}`);
      assert.equal(page.status, 200);
      // The first view of a graph answers at once and draws it on a worker thread; the drawing endpoint waits for it.
      assert.match(await page.text(), /data-dag-src="\/runs\/[^"]+\/dag"/);
      let dag = await fetch(`${server.url}runs/${list.runs[0].id}/dag`);
      while (dag.status === 202) dag = (await dag.text(), await fetch(`${server.url}runs/${list.runs[0].id}/dag`));
      assert.equal(dag.status, 200);
      assert.match(await dag.text(), /^<svg/);
      assert.match(await (await fetch(`${server.url}runs/${list.runs[0].id}`)).text(), /<svg/);
      const events = await fetch(`${server.url}api/runs/${list.runs[0].id}/events`);
      assert.match(await events.text(), /^event: end$/m);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Sends a whole raw request to 127.0.0.1:port and reads until the server closes (fetch() cannot omit Host). */
function rawRequest(port, request) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => (text += d));
    socket.on("error", reject);
    socket.on("end", () => resolve(text));
  });
}

test("startHistoryServer() on Node answers a missing or malformed Host with a plain 400, another host with 403, with the policy", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-history-"));
  const server = await startHistoryServer({ path: join(dir, "none.db"), port: 0 });
  try {
    const answers = [
      await rawRequest(server.port, "GET /api/runs HTTP/1.0\r\n\r\n"),
      await rawRequest(server.port, "GET /api/runs HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"),
      await rawRequest(server.port, "GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1@evil.com\r\nConnection: close\r\n\r\n"),
      await rawRequest(server.port, "GET /api/runs HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n"),
    ];
    assert.deepEqual(answers.map((a) => a.split(" ")[1]), ["400", "400", "400", "403"]);
    for (const a of answers) {
      assert.match(a, /content-security-policy: default-src 'none'/i);
      assert.equal(a.includes("    at ") || a.includes(dir) || a.includes("app.tsx") || a.includes("start-server.js"), false);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("serveHttp() on Node answers a handler that throws with a 500 that shows nothing of it", async () => {
  const server = await serveHttp({ fetch: () => { throw new Error(`boom in ${import.meta.url}`); }, hostname: "127.0.0.1", port: 0 });
  try {
    const answer = await rawRequest(server.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert.equal(answer.split(" ")[1], "500");
    assert.equal(answer.includes("boom"), false);
  } finally {
    await server.close();
  }
});

test("dr.history.prune() removes old runs on Node (better-sqlite3), and a re-run still hits the cache", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-prune-"));
  try {
    const path = join(dir, "weft.db");
    const dr = await new Builder().withModules({ a: (x) => x + 1, b: async (a) => a * 2 }).withCache({ path }).withTracking().build();
    try {
      for (const x of [1, 2, 1]) await dr.execute(["b"], { inputs: { x } });
      const report = dr.history.prune({ keepRuns: 1 });
      assert.deepEqual([report.runs.length, report.nodes, report.cacheRecords], [2, 4, 2]);
      assert.equal(dr.history.listRuns().total, 1);
      await dr.execute(["b"], { inputs: { x: 2 } });
      assert.equal(dr.history.listRuns({ limit: 1 }).runs[0].hits, 2);
    } finally {
      await dr.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("startHistoryServer() on Node plans a run's request again on a worker thread: an edited node misses, the rest hits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-plan-"));
  try {
    const path = join(dir, "weft.db");
    const flowFile = join(dir, "flow.mjs");
    const flow = "export function a(x) {\n  return x + 1;\n}\n\nexport const b = (a) => a * 2;\n";
    writeFileSync(flowFile, flow);
    const url = pathToFileURL(flowFile).href;
    const dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withCache({ path }).withTracking().build();
    assert.equal((await dr.execute(["b"], { inputs: { x: 1 } })).b, 4);
    await dr.close();
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const id = (await (await fetch(`${server.url}api/runs`)).json()).runs[0].id;
      const statuses = async () => {
        const answer = await (await fetch(`${server.url}api/runs/${id}/plan`)).json();
        return answer.plan ? answer.plan.nodes.map((n) => `${n.node}:${n.status}`) : answer.problem;
      };
      assert.deepEqual(await statuses(), ["a:hit", "b:hit"]);
      writeFileSync(flowFile, flow.replace("a * 2", "a * 3"));
      assert.deepEqual(await statuses(), ["a:hit", "b:miss"]);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
