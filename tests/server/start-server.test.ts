/** startHistoryServer() on a real port: defaults, warnings, Host checks, live progress over SSE. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, startHistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("server");
afterAll(tmp.remove);

/** Starts the slow fixture run on `path` and resolves once it is recorded. */
async function slowRun(path: string, stepMs: number, steps: number) {
  const child = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/history-slow-run.ts"), path, String(stepMs), String(steps)], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("started");
  reader.releaseLock();
  return child;
}

describe("startHistoryServer()", () => {
  test("listens on 127.0.0.1:4319 by default", () => {
    expect([DEFAULT_HOST, DEFAULT_PORT]).toEqual(["127.0.0.1", 4319]);
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.10"].some(isLoopback)).toBe(false);
  });

  test("warns when bound beyond loopback", async () => {
    const warnings: string[] = [];
    const server = await startHistoryServer({ path: join(tmp.dir, "none.db"), hostname: "0.0.0.0", port: 0, warn: (m) => warnings.push(m) });
    await server.close();
    expect(warnings).toEqual([expect.stringMatching(/^Warning: the run history server listens on 0\.0\.0\.0:0, where other machines can reach it; it has no login/)]);
  });

  test("refuses a Host header that is not this machine", async () => {
    const server = await startHistoryServer({ path: join(tmp.dir, "none.db"), port: 0 });
    try {
      expect((await fetch(`${server.url}api/runs`, { headers: { host: "attacker.example" } })).status).toBe(403);
      expect((await fetch(`${server.url}api/runs`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  test("a port in use is an error that says so", async () => {
    const first = await startHistoryServer({ path: join(tmp.dir, "none.db"), port: 0 });
    try {
      await expect(startHistoryServer({ path: join(tmp.dir, "none.db"), port: first.port })).rejects.toThrow(
        `Cannot start the run history server on 127.0.0.1:${first.port}: the port is in use; pass another port`,
      );
    } finally {
      await first.close();
    }
  });

  test("streams a run in flight over server-sent events until it ends", async () => {
    const path = join(tmp.dir, "live", "weft.db");
    const child = await slowRun(path, 150, 2);
    const server = await startHistoryServer({ path, port: 0, pollMs: 50 });
    try {
      const { runs } = await (await fetch(`${server.url}api/runs`)).json();
      expect(runs[0].status).toBe("running");
      const res = await fetch(`${server.url}api/runs/${runs[0].id}/events`);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const text = await res.text();
      const events = [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1], data: JSON.parse(m[2]!) }));
      expect(events.at(-1)).toMatchObject({ event: "end", data: { run: { status: "succeeded" } } });
      const progress = events.filter((e) => e.event === "progress");
      expect(progress.length).toBeGreaterThanOrEqual(2);
      const seen = progress.flatMap((e) => e.data.nodes.map((n: { node: string; status: string }) => `${n.node}:${n.status}`));
      expect(seen).toContain("step0:running");
      expect(seen).toContain("step1:succeeded");
    } finally {
      await server.close();
      await child.exited;
    }
  });
});
